/**
 * Analytic cost model of a configuration, computed without building tensors, so that a
 * search or training run can be refused before it runs out of memory.
 *
 * Counts per sample for an input of H x W:
 * - `parameters`: exact (equals `parameterCount()` of the built network);
 * - `flopsPerSample`: forward FLOPs (a multiply-add = 2), convs, norms, activations and
 *   the weighted sums of mixed ops; pooling and reshapes are counted as one FLOP per
 *   output element;
 * - activation elements: every intermediate tensor the forward pass creates that the
 *   gradient tape keeps for the backward pass (conv outputs, the GroupNorm
 *   intermediates, ReLU outputs, zero-inserted inputs, mixed-op products and sums).
 *
 * `activationBytes` = 4 bytes x `TAPE_OVERHEAD` x batch x activation elements;
 * `peakTrainingBytes` = 4 bytes x 4 x parameters [weights, gradients, two Adam moments]
 * + `BACKWARD_FACTOR` x `activationBytes`. It is an estimate (tfjs allocates
 * gradient temporaries on top of the tape), meant to be compared with a device budget.
 */
import { ResourceLimitError, ValidationError } from '../../core/src/errors.js';
import { backendMemoryLimitBytes, tf } from '../../tensor/src/index.js';
import {
  FcDenseNetConfigSchema,
  NasUnetConfigSchema,
  UNetConfigSchema,
  checkInputShape,
  nasUnetSizeRule,
  parseConfig,
  poolingSizeRule,
  type InputSizeRule,
  type NasUnetConfig,
  type UNetConfig,
  type FcDenseNetConfig,
} from './config.js';
import type { Genotype } from './contracts.js';
import { DERIVED_STEM_MULTIPLIER } from './fixed-network.js';
import { edgeCount, edgeOpSet, parseGenotype, type CellKind } from './genotype.js';
import { parseArchitectureKey } from './models.js';
import { OP_NAMES, opSetOf, type OpName } from './registry.js';

/**
 * Ratio of the bytes tfjs's gradient tape actually holds after the forward pass to the
 * activation elements counted here x 4 bytes. Measured with `tf.memory()` on cpu at
 * 32 x 32 for the tiny derived net, supernet (C = 4 and 8), U-Net and FC-DenseNet: 0.97
 * to 1.06 (GroupNorm and zero insertion keep only what their written-out gradients need).
 */
export const TAPE_OVERHEAD = 1;

/** Activation memory multiplier for the backward pass (gradients of activations coexisting with the tape). */
export const BACKWARD_FACTOR = 2;

/** Cost of a network or part of one, per sample. */
export interface Cost {
  params: number;
  flops: number;
  /** Activation elements (float32) kept for the backward pass. */
  acts: number;
}

/** Result of {@link estimateCost}. */
export interface CostEstimate {
  /** Trainable scalars (weights; the supernet's alphas are in `archParameters`). */
  parameters: number;
  /** Alpha scalars (supernet only, else 0). */
  archParameters: number;
  /** Forward FLOPs per sample. */
  flopsPerSample: number;
  /** Bytes of activations kept for the backward pass, for the whole batch. */
  activationBytes: number;
  /** Estimated peak memory of one training step, bytes. */
  peakTrainingBytes: number;
  /** Rough peak memory of inference on the batch, bytes: weights + a quarter of the training activations (inference frees intermediates as it goes). */
  inferenceBytes: number;
}

const zero = (): Cost => ({ params: 0, flops: 0, acts: 0 });
function add(...cs: Cost[]): Cost {
  return cs.reduce(
    (a, c) => ({ params: a.params + c.params, flops: a.flops + c.flops, acts: a.acts + c.acts }),
    zero(),
  );
}

/** k x k conv cin -> cout producing `p` output pixels (groups divide the filter depth). */
function conv(k: number, cin: number, cout: number, p: number, groups = 1, bias = false): Cost {
  const params = k * k * (cin / groups) * cout + (bias ? cout : 0);
  return { params, flops: 2 * k * k * (cin / groups) * cout * p, acts: cout * p };
}
function depthwise(c: number, p: number): Cost {
  return { params: 9 * c, flops: 18 * c * p, acts: c * p };
}
function norm(c: number, p: number, affine: boolean): Cost {
  // groupNorm keeps its output and the normalised values (libs/tensor/src/norm.ts)
  return { params: affine ? 2 * c : 0, flops: (affine ? 8 : 6) * c * p, acts: 2 * c * p };
}
function relu(c: number, p: number): Cost {
  return { params: 0, flops: c * p, acts: c * p };
}
function se(c: number, p: number): Cost {
  const r = Math.max(1, Math.floor(c / 16));
  return { params: 2 * c * r + r + c, flops: 2 * c * p + 4 * c * r, acts: c * p };
}
function zeroInsert(c: number, pOut: number): Cost {
  // one custom-gradient op: only its output stays
  return { params: 0, flops: 0, acts: c * pOut };
}

/**
 * Cost of one op on `c` channels with `p` input pixels per sample (down ops output p/4,
 * up ops 4p).
 */
export function opCost(key: OpName, c: number, p: number, affine: boolean): Cost {
  const q = p / 4;
  const u = 4 * p;
  const cnr = (pp: number, k = 3, groups = 1): Cost =>
    add(conv(k, c, c, pp, groups), norm(c, pp, affine), relu(c, pp));
  switch (key) {
    case 'avg_pool':
    case 'max_pool':
      return { params: 0, flops: 4 * c * q, acts: c * q };
    case 'identity':
      return { params: 0, flops: 0, acts: 0 };
    case 'none':
      return { params: 0, flops: 0, acts: 0 };
    case 'cweight':
      return se(c, p);
    case 'conv':
    case 'dil_conv':
      return cnr(p);
    case 'down_conv':
      return cnr(q);
    case 'down_dil_conv':
      // the input subsampled, then an undilated conv (conv2dSame with stride = dilation)
      return add({ params: 0, flops: 0, acts: c * q }, conv(3, c, c, q), norm(c, q, affine), relu(c, q));
    case 'dep_conv':
      return add(depthwise(c, p), conv(1, c, c, p), norm(c, p, affine), relu(c, p));
    case 'down_dep_conv':
      return add(depthwise(c, q), conv(1, c, c, q), norm(c, q, affine), relu(c, q));
    case 'shuffle_conv': {
      const g = c % 2 === 0 ? 2 : 1;
      return add(conv(3, c, c, p, g), { params: 0, flops: 0, acts: c * p }, norm(c, p, affine), relu(c, p));
    }
    case 'down_cweight':
      return add(se(c, p), conv(3, c, c, q), norm(c, q, affine));
    case 'up_cweight':
      return add(se(c, p), zeroInsert(c, u), conv(3, c, c, u), norm(c, u, affine));
    case 'up_conv':
    case 'up_dil_conv':
      return add(zeroInsert(c, u), conv(3, c, c, u), norm(c, u, affine), relu(c, u));
    case 'up_dep_conv':
      return add(zeroInsert(c, u), depthwise(c, u), conv(1, c, c, u), norm(c, u, affine), relu(c, u));
  }
}

function outPixels(key: OpName, p: number): number {
  const set = opSetOf(key);
  return set === 'down' ? p / 4 : set === 'up' ? 4 * p : p;
}

/** ReLU -> 1x1 conv (stride s) -> GN on `pOut` output pixels. */
function preprocessCost(cin: number, c: number, pIn: number, pOut: number, affine: boolean): Cost {
  return add(relu(cin, pIn), conv(1, cin, c, pOut), norm(c, pOut, affine));
}

/** Cost of one cell; `p1` = pixels of s1, the output has p1/4 (down) or 4*p1 (up) pixels. */
function cellCost(
  kind: CellKind,
  c0: number,
  c1: number,
  cfg: NasUnetConfig,
  p1: number,
  edges: (node: number) => Array<{ input: number; ops: OpName[] }>,
  mixed: boolean,
  affine: boolean,
): Cost {
  const c = cfg.channels;
  const pOut = kind === 'down' ? p1 / 4 : 4 * p1;
  const p0 = kind === 'down' ? 4 * p1 : pOut;
  const pState = (input: number): number =>
    input === 0 ? (kind === 'down' ? p0 / 4 : p0) : input === 1 ? p1 : pOut;
  let cost = add(
    preprocessCost(c0, c, p0, kind === 'down' ? p0 / 4 : p0, affine),
    preprocessCost(c1, c, p1, p1, affine),
  );
  for (let node = 0; node < cfg.nodes; node++) {
    for (const { input, ops } of edges(node)) {
      const p = pState(input);
      for (const op of ops) {
        cost = add(cost, opCost(op, c, p, affine));
        // mixed op: multiply by its weight and accumulate
        if (mixed)
          cost = add(cost, { params: 0, flops: 2 * c * outPixels(op, p), acts: 2 * c * outPixels(op, p) });
      }
      cost = add(cost, { params: 0, flops: c * pOut, acts: c * pOut });
    }
  }
  return add(cost, { params: 0, flops: 0, acts: cfg.nodes * c * pOut });
}

/** Per-sample cost of a NAS-Unet (derived with a genotype, or the supernet without one). */
function nasUnetCost(cfg: NasUnetConfig, genotype: Genotype | null, h: number, w: number): Cost {
  const mixed = genotype === null;
  const affine = !mixed;
  const s = mixed ? cfg.nodes * cfg.channels : DERIVED_STEM_MULTIPLIER * cfg.channels;
  const full = h * w;
  let cost = add(
    conv(1, cfg.inChannels, s, full),
    norm(s, full, affine),
    conv(3, cfg.inChannels, s, full / 4),
    norm(s, full / 4, affine),
  );
  const edgesOf =
    (kind: CellKind) =>
    (node: number): Array<{ input: number; ops: OpName[] }> => {
      if (genotype !== null) {
        const pairs = genotype[kind].slice(2 * node, 2 * node + 2);
        return pairs.map(([op, input]) => ({ input, ops: [op as OpName] }));
      }
      const out: Array<{ input: number; ops: OpName[] }> = [];
      for (let input = 0; input < node + 2; input++) {
        out.push({ input, ops: OP_NAMES[edgeOpSet(kind, input)].filter((o) => o !== 'none') as OpName[] });
      }
      return out;
    };
  const enc = [s, s];
  const pix = [full, full / 4];
  const mc = cfg.nodes * cfg.channels;
  for (let k = 0; k < cfg.depth; k++) {
    cost = add(
      cost,
      cellCost('down', enc[k]!, enc[k + 1]!, cfg, pix[k + 1]!, edgesOf('down'), mixed, affine),
    );
    enc.push(mc);
    pix.push(pix[k + 1]! / 4);
  }
  let prev = mc;
  let p = pix[cfg.depth + 1]!;
  for (let j = 0; j <= cfg.depth; j++) {
    cost = add(cost, cellCost('up', enc[cfg.depth - j]!, prev, cfg, p, edgesOf('up'), mixed, affine));
    prev = mc;
    p *= 4;
  }
  return add(cost, conv(1, mc, cfg.nClasses, full));
}

/** Per-sample cost of the classic U-Net. */
function unetCost(cfg: UNetConfig, h: number, w: number): Cost {
  const width = (l: number): number => cfg.baseWidth * 2 ** l;
  const block = (cin: number, cout: number, p: number): Cost =>
    add(
      conv(3, cin, cout, p),
      norm(cout, p, true),
      relu(cout, p),
      conv(3, cout, cout, p),
      norm(cout, p, true),
      relu(cout, p),
    );
  let cost = zero();
  let p = h * w;
  for (let l = 0; l <= cfg.depth; l++) {
    if (l > 0) {
      cost = add(cost, { params: 0, flops: 4 * width(l - 1) * (p / 4), acts: width(l - 1) * (p / 4) });
      p /= 4;
    }
    cost = add(cost, block(l === 0 ? cfg.inChannels : width(l - 1), width(l), p));
  }
  for (let l = cfg.depth - 1; l >= 0; l--) {
    cost = add(cost, conv(1, width(l + 1), 4 * width(l), p), {
      params: width(l),
      flops: 4 * width(l) * p,
      acts: 8 * width(l) * p,
    });
    p *= 4;
    cost = add(cost, { params: 0, flops: 0, acts: 2 * width(l) * p }, block(2 * width(l), width(l), p));
  }
  return add(cost, conv(1, width(0), cfg.nClasses, p, 1, true));
}

/** Per-sample cost of FC-DenseNet. */
function fcDenseNetCost(cfg: FcDenseNetConfig, h: number, w: number): Cost {
  const { layersPerBlock: n, growthRate: k } = cfg;
  const block = (cin: number, p: number): Cost => {
    let c = zero();
    for (let i = 0; i < n; i++) {
      const ci = cin + i * k;
      // GN -> ReLU -> conv, then the growing concat
      c = add(c, norm(ci, p, true), relu(ci, p), conv(3, ci, k, p), {
        params: 0,
        flops: 0,
        acts: (ci + k) * p,
      });
    }
    return add(c, { params: 0, flops: 0, acts: n * k * p });
  };
  let p = h * w;
  let cost = conv(3, cfg.inChannels, cfg.firstChannels, p);
  let m = cfg.firstChannels;
  const skips: number[] = [];
  for (let l = 0; l < cfg.depth; l++) {
    cost = add(cost, block(m, p));
    m += n * k;
    skips.push(m);
    cost = add(cost, norm(m, p, true), relu(m, p), conv(1, m, m, p), {
      params: 0,
      flops: m * p,
      acts: m * (p / 4),
    });
    p /= 4;
  }
  cost = add(cost, block(m, p));
  let out = 0;
  for (let l = cfg.depth - 1; l >= 0; l--) {
    p *= 4;
    cost = add(cost, zeroInsert(n * k, p), conv(3, n * k, n * k, p));
    const c = n * k + skips[l]!;
    cost = add(cost, { params: 0, flops: 0, acts: c * p }, block(c, p));
    out = c + n * k;
  }
  return add(cost, conv(1, out, cfg.nClasses, p, 1, true));
}

/** What {@link estimateCost} needs to know about a model. */
export interface CostModel {
  /** `nasunet` (derived; needs `genotype`), `nasunet_search` (supernet), `unet` or `fcdensenet`. */
  architecture: string;
  config: unknown;
  genotype?: unknown;
}

/**
 * Estimates parameters, FLOPs and memory of a configuration for a batch of
 * `[batch, height, width, inChannels]` inputs. Throws `ShapeError` if the size breaks the
 * architecture's input rule and `ValidationError` for a bad config or batch.
 */
export function estimateCost(
  model: CostModel,
  input: { batch: number; height: number; width: number },
): CostEstimate {
  const key = parseArchitectureKey(model.architecture);
  if (!Number.isInteger(input.batch) || input.batch < 1)
    throw new ValidationError(`batch: must be a positive integer, got ${input.batch}`);
  const checkSize = (inChannels: number, rule: InputSizeRule): void =>
    checkInputShape(
      [input.batch, input.height, input.width, inChannels],
      inChannels,
      rule.multiple,
      rule.text,
    );
  let cost: Cost;
  let arch = 0;
  if (key === 'fcdensenet') {
    const cfg = parseConfig(FcDenseNetConfigSchema, model.config, 'config');
    checkSize(cfg.inChannels, poolingSizeRule('FC-DenseNet', cfg.depth));
    cost = fcDenseNetCost(cfg, input.height, input.width);
  } else if (key === 'unet') {
    const cfg = parseConfig(UNetConfigSchema, model.config, 'config');
    checkSize(cfg.inChannels, poolingSizeRule('U-Net', cfg.depth));
    cost = unetCost(cfg, input.height, input.width);
  } else {
    const cfg = parseConfig(NasUnetConfigSchema, model.config, 'config');
    checkSize(cfg.inChannels, nasUnetSizeRule(cfg.depth));
    let genotype: Genotype | null = null;
    if (key === 'nasunet') {
      if (model.genotype === undefined)
        throw new ValidationError("genotype: architecture 'nasunet' needs a genotype");
      genotype = parseGenotype(model.genotype);
      if (genotype.nodes !== cfg.nodes)
        throw new ValidationError(
          `config.nodes: ${cfg.nodes} does not match genotype.nodes ${genotype.nodes}`,
        );
    } else {
      arch = edgeCount(cfg.nodes) * (OP_NAMES.down.length + OP_NAMES.up.length + OP_NAMES.normal.length);
    }
    cost = nasUnetCost(cfg, genotype, input.height, input.width);
  }
  const activationBytes = Math.round(4 * TAPE_OVERHEAD * input.batch * cost.acts);
  const paramBytes = 4 * (cost.params + arch);
  return {
    parameters: cost.params,
    archParameters: arch,
    flopsPerSample: cost.flops,
    activationBytes,
    peakTrainingBytes: 4 * paramBytes + BACKWARD_FACTOR * activationBytes,
    inferenceBytes: paramBytes + Math.ceil(activationBytes / 4),
  };
}

/**
 * Throws `ResourceLimitError` when the estimated training peak exceeds `limitBytes` or
 * what the active backend can address (the wasm heap), with both figures in MiB, so a run
 * is refused before it runs out of memory.
 */
export function assertFitsMemory(estimate: CostEstimate, limitBytes: number): void {
  const backendLimit = backendMemoryLimitBytes();
  const limit = Math.min(limitBytes, backendLimit);
  if (estimate.peakTrainingBytes > limit) {
    const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
    throw new ResourceLimitError(
      `estimated training memory ${mib(estimate.peakTrainingBytes)} MiB exceeds the limit of ${mib(limit)} MiB` +
        `${backendLimit < limitBytes ? ` (what the ${tf.getBackend()} backend can address)` : ''}; ` +
        'reduce batch, image size, channels, depth or nodes',
    );
  }
}
