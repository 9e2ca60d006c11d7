/**
 * Builds an ONNX graph in NCHW layout from the named weights of a model bundle. Each
 * method adds the nodes of one engine layer (libs/nas/src/layers.ts) with its weights
 * converted from the engine's NHWC filter layouts, and returns the name of the value it
 * produces. Every weight is read at most once, and {@link GraphBuilder.finish} refuses a
 * graph that left any weight of the bundle unread, so an exporter that drifted from the
 * architecture fails loudly instead of exporting a different network.
 */
import { IntegrityError } from '../../core/src/errors.js';
import {
  DataType,
  type AttributeValue,
  type GraphSpec,
  type NodeSpec,
  type TensorValue,
} from './onnx-proto.js';

/** Name of the graph input (NHWC preprocessed slices). */
export const ONNX_INPUT = 'image';
/** Name of the graph output (NHWC class probabilities). */
export const ONNX_OUTPUT = 'probabilities';

/** A weight as stored in the bundle: shape and float32 values. */
export interface StoredTensor {
  shape: readonly number[];
  values: Float32Array;
}

/** Reads the weights of a bundle by name. */
export interface WeightSource {
  names(): readonly string[];
  get(name: string): StoredTensor;
}

/** The GroupNorm group count of the engine (layers.ts `groupCount`). */
export type GroupCount = (channels: number) => number;

/** Options of a convolution in engine terms. */
export interface ConvSpec {
  kernel: number;
  stride?: number;
  dilation?: number;
  /** Groups of a grouped conv (ShuffleConv); depthwise convs use {@link GraphBuilder.depthwiseConv}. */
  groups?: number;
  bias?: boolean;
}

/**
 * A `[k, k, in, out]` (NHWC) filter in ONNX's layout: `oihw` = `[out, in, k, k]` (Conv),
 * `iohw` = `[in, out, k, k]` (ConvTranspose); `flip` mirrors both spatial axes.
 */
function toOnnxFilter(
  t: StoredTensor,
  layout: 'oihw' | 'iohw' = 'oihw',
  flip = false,
): { dims: number[]; values: Float32Array } {
  const [kh, kw, ci, co] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          const sy = flip ? kh - 1 - y : y;
          const sx = flip ? kw - 1 - x : x;
          const at = layout === 'oihw' ? (o * ci + i) * kh + y : (i * co + o) * kh + y;
          out[at * kw + x] = t.values[((sy * kw + sx) * ci + i) * co + o]!;
        }
  return { dims: layout === 'oihw' ? [co, ci, kh, kw] : [ci, co, kh, kw], values: out };
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorValue[] = [];
  private readonly read = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly weights: WeightSource,
    private readonly groupCount: GroupCount,
  ) {}

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>): string {
    const out = this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      inputs,
      outputs: [out],
      name: `${opType}_${this.counter}`,
      ...(attributes ? { attributes } : {}),
    });
    return out;
  }

  private initializer(hint: string, dims: readonly number[], values: Float32Array | BigInt64Array): string {
    const name = this.fresh(hint);
    const dataType = values instanceof Float32Array ? DataType.FLOAT : DataType.INT64;
    this.initializers.push({ name, dataType, dims, values });
    return name;
  }

  /** A shared int64 constant vector. */
  int64s(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer('shape', [values.length], BigInt64Array.from(values.map(BigInt)));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A shared float constant of the given dims, every element `value`. */
  private filled(dims: readonly number[], value: number): string {
    const key = `f32:${dims.join('x')}:${value}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer('const', dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value));
      this.constants.set(key, name);
    }
    return name;
  }

  /** Reads a stored weight once; `IntegrityError` when missing or read twice. */
  weight(name: string): StoredTensor {
    if (this.read.has(name)) throw new IntegrityError(`ONNX export: weight '${name}' is read twice`);
    const t = this.weights.get(name);
    this.read.add(name);
    return t;
  }

  /** A per-channel vector `[C]` as `[C, 1, 1]` for broadcasting over NCHW. */
  private channelVector(name: string): string {
    const t = this.weight(name);
    return this.initializer(name, [t.values.length, 1, 1], t.values);
  }

  private bias(name: string): string {
    const t = this.weight(name);
    return this.initializer(name, [t.values.length], t.values);
  }

  /** `Conv` layer (scope `prefix`: `w` and optional `b`), symmetric padding `dilation * (k - 1) / 2`. */
  conv(x: string, prefix: string, spec: ConvSpec): string {
    const { dims, values } = toOnnxFilter(this.weight(`${prefix}.w`));
    const d = spec.dilation ?? 1;
    const p = (d * (spec.kernel - 1)) / 2;
    const inputs = [x, this.initializer(`${prefix}.w`, dims, values)];
    if (spec.bias === true) inputs.push(this.bias(`${prefix}.b`));
    return this.node('Conv', inputs, {
      kernel_shape: [spec.kernel, spec.kernel],
      strides: [spec.stride ?? 1, spec.stride ?? 1],
      dilations: [d, d],
      pads: [p, p, p, p],
      group: spec.groups ?? 1,
    });
  }

  /** `DepthwiseConv` (3x3, multiplier 1): `[k, k, C, 1]` filter as a grouped conv with C groups. */
  depthwiseConv(x: string, prefix: string, stride: number): string {
    const t = this.weight(`${prefix}.w`);
    const [k, , c] = t.shape as [number, number, number, number];
    const { values } = toOnnxFilter(t); // [1, C, k, k] has the same element order as [C, 1, k, k]
    const p = (k - 1) / 2;
    return this.node('Conv', [x, this.initializer(`${prefix}.w`, [c, 1, k, k], values)], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [p, p, p, p],
      group: c,
    });
  }

  /**
   * `TransposedConv` (zero insertion, then a stride-1 'same' conv of kernel k, dilation d)
   * as one ConvTranspose: the kernel flipped, stride 2, pads d * (k - 1) / 2 and output
   * padding 1, so the output is exactly 2H x 2W. `groups` = C gives the depthwise variant.
   */
  transposedConv(x: string, prefix: string, opts: { dilation?: number; depthwise?: boolean } = {}): string {
    const t = this.weight(`${prefix}.w`);
    const [k, , ci] = t.shape as [number, number, number, number];
    const d = opts.dilation ?? 1;
    const p = (d * (k - 1)) / 2;
    const { dims, values } = toOnnxFilter(t, opts.depthwise === true ? 'oihw' : 'iohw', true);
    // Depthwise: [1, C, k, k] and [C, 1, k, k] share their element order.
    const w = this.initializer(`${prefix}.w`, opts.depthwise === true ? [ci, 1, k, k] : dims, values);
    return this.node('ConvTranspose', [x, w], {
      kernel_shape: [k, k],
      strides: [2, 2],
      dilations: [d, d],
      pads: [p, p, p, p],
      output_padding: [1, 1],
      group: opts.depthwise === true ? ci : 1,
    });
  }

  /**
   * 2x2 stride-2 transposed conv with bias stored as a 1x1 conv to 4 * out channels
   * (channel `(2a + b) * out + c` is output pixel (a, b) of channel c) plus a bias `[out]`.
   */
  upConv2x2(x: string, prefix: string): string {
    const t = this.weight(`${prefix}.conv.w`);
    const [, , ci, c4] = t.shape as [number, number, number, number];
    const co = c4 / 4;
    const values = new Float32Array(t.values.length);
    for (let i = 0; i < ci; i++)
      for (let c = 0; c < co; c++)
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++)
            values[((i * co + c) * 2 + a) * 2 + b] = t.values[i * c4 + (a * 2 + b) * co + c]!;
    const w = this.initializer(`${prefix}.conv.w`, [ci, co, 2, 2], values);
    return this.node('ConvTranspose', [x, w, this.bias(`${prefix}.b`)], {
      kernel_shape: [2, 2],
      strides: [2, 2],
    });
  }

  /**
   * Affine `GroupNorm` (scope `prefix`: `gamma`, `beta`) of a `channels`-channel value:
   * InstanceNormalization over `[N, G, C/G * H * W]`, then the per-channel scale and shift.
   */
  groupNorm(x: string, prefix: string, channels: number): string {
    const g = this.groupCount(channels);
    const grouped = this.node('Reshape', [x, this.int64s([0, g, -1])]);
    const normed = this.node('InstanceNormalization', [grouped, this.filled([g], 1), this.filled([g], 0)], {
      epsilon: { float: 1e-5 },
    });
    const back = this.node('Reshape', [normed, this.node('Shape', [x])]);
    const scaled = this.node('Mul', [back, this.channelVector(`${prefix}.gamma`)]);
    return this.node('Add', [scaled, this.channelVector(`${prefix}.beta`)]);
  }

  relu(x: string): string {
    return this.node('Relu', [x]);
  }

  add(a: string, b: string): string {
    return this.node('Add', [a, b]);
  }

  concat(xs: readonly string[]): string {
    return xs.length === 1 ? xs[0]! : this.node('Concat', xs, { axis: 1 });
  }

  /** 2x2 stride-2 pooling; `same` pads at the end as tfjs does (no padding for even sizes). */
  pool(x: string, kind: 'max' | 'avg', padding: 'same' | 'valid'): string {
    return this.node(kind === 'max' ? 'MaxPool' : 'AveragePool', [x], {
      kernel_shape: [2, 2],
      strides: [2, 2],
      ...(padding === 'same' ? { auto_pad: 'SAME_UPPER' } : {}),
    });
  }

  /** ShuffleNet channel shuffle of `groups` groups (tensor/src/ops.ts `channelShuffle`). */
  channelShuffle(x: string, channels: number, groups: number): string {
    if (groups === 1) return x;
    const split = this.node('Reshape', [x, this.int64s([0, groups, channels / groups, -1])]);
    const swapped = this.node('Transpose', [split], { perm: [0, 2, 1, 3] });
    return this.node('Reshape', [swapped, this.node('Shape', [x])]);
  }

  /** `SqueezeExcite` (scope `prefix`: `fc1.w/b`, `fc2.w/b`): pooled dense layers as 1x1 convs gating x. */
  squeezeExcite(x: string, prefix: string): string {
    const dense = (input: string, name: string): string => {
      const t = this.weight(`${name}.w`);
      const [i, o] = t.shape as [number, number];
      const { values } = toOnnxFilter({ shape: [1, 1, i, o], values: t.values });
      return this.node(
        'Conv',
        [input, this.initializer(`${name}.w`, [o, i, 1, 1], values), this.bias(`${name}.b`)],
        {
          kernel_shape: [1, 1],
        },
      );
    };
    const pooled = this.node('GlobalAveragePool', [x]);
    const hidden = this.relu(dense(pooled, `${prefix}.fc1`));
    const gate = this.node('Sigmoid', [dense(hidden, `${prefix}.fc2`)]);
    return this.node('Mul', [x, gate]);
  }

  /**
   * The finished graph: input `image` NHWC `[N, H, W, inChannels]`, output `probabilities`
   * NHWC `[N, H, W, nClasses]` (softmax of the logits `body` computes from the NCHW input).
   * `IntegrityError` when a weight of the bundle was left unread.
   */
  finish(name: string, inChannels: number, nClasses: number, body: (nchw: string) => string): GraphSpec {
    const nchw = this.node('Transpose', [ONNX_INPUT], { perm: [0, 3, 1, 2] });
    const logits = body(nchw);
    const probs = this.node('Softmax', [logits], { axis: 1 });
    this.nodes.push({
      opType: 'Transpose',
      inputs: [probs],
      outputs: [ONNX_OUTPUT],
      name: 'to_nhwc',
      attributes: { perm: [0, 2, 3, 1] },
    });
    const unread = this.weights.names().filter((n) => !this.read.has(n));
    if (unread.length > 0) {
      throw new IntegrityError(
        `ONNX export: the exporter left weight(s) ${unread.slice(0, 5).join(', ')} unread`,
      );
    }
    return {
      name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: [{ name: ONNX_INPUT, dims: ['N', 'H', 'W', inChannels] }],
      outputs: [{ name: ONNX_OUTPUT, dims: ['N', 'H', 'W', nClasses] }],
    };
  }
}
