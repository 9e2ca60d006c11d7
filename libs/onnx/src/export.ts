/**
 * ONNX export of a model bundle (libs/nas/src/model-bundle.ts): the network the manifest
 * describes (derived NAS-Unet from its genotype, U-Net or FC-DenseNet) with the bundle's
 * weights, as an ONNX model of opset {@link ONNX_OPSET}.
 *
 * The model's contract mirrors how the engine feeds a network: input `image`, float32
 * NHWC `[N, H, W, inChannels]` (the preprocessed slices, H and W obeying the model's size
 * rule), output `probabilities`, float32 NHWC `[N, H, W, nClasses]`, the softmax of the
 * logits over classes. Inside, the graph runs in NCHW behind one Transpose at each end.
 */
import { IntegrityError, ValidationError } from '../../core/src/errors.js';
import {
  DERIVED_STEM_MULTIPLIER,
  groupCount,
  parseConfig,
  parseGenotype,
  verifyModelBundle,
  type BundleManifest,
} from '../../nas/src/index.js';
import { FcDenseNetConfigSchema, NasUnetConfigSchema, UNetConfigSchema } from '../../nas/src/config.js';
import { fcDenseNetLogits } from './fcdensenet-graph.js';
import {
  GraphBuilder,
  ONNX_INPUT,
  ONNX_OUTPUT,
  type StoredTensor,
  type WeightSource,
} from './graph-builder.js';
import { nasUnetLogits } from './nasunet-graph.js';
import { encodeModel } from './onnx-proto.js';
import { unetLogits } from './unet-graph.js';

/** File and registry artifact name of a model's ONNX export. */
export const ONNX_FILE = 'model.onnx';

/** The ONNX operator set the exporter writes. */
export const ONNX_OPSET = 17;

/** Architectures the exporter maps; the search supernet is not a servable model. */
export const ONNX_ARCHITECTURES = ['nasunet', 'unet', 'fcdensenet'] as const;

/** Whether a bundle of this architecture can be exported. */
export function canExportOnnx(key: string): boolean {
  return (ONNX_ARCHITECTURES as readonly string[]).includes(key);
}

function weightSource(manifest: BundleManifest, bytes: Uint8Array): WeightSource {
  const specs = new Map(manifest.weights.map((w) => [w.name, w]));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    names: () => manifest.weights.map((w) => w.name),
    get(name: string): StoredTensor {
      const spec = specs.get(name);
      if (spec === undefined) throw new IntegrityError(`ONNX export: the bundle has no weight '${name}'`);
      const n = spec.shape.reduce((a, b) => a * b, 1);
      if (spec.offset % 4 !== 0 || spec.offset + 4 * n > bytes.byteLength) {
        throw new IntegrityError(`ONNX export: weight '${name}' lies outside the weights blob`);
      }
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = view.getFloat32(spec.offset + 4 * i, true);
      return { shape: spec.shape, values };
    },
  };
}

/**
 * Exports a model bundle to ONNX bytes (see the module doc). Verifies the bundle like
 * loading does (`ValidationError`, `IntegrityError`); an architecture without an ONNX
 * mapping is refused with `ValidationError`.
 */
export function exportOnnx(bundle: { manifest: unknown; weights: Uint8Array }): Uint8Array {
  const manifest = verifyModelBundle(bundle);
  const { key, config } = manifest.architecture;
  const b = new GraphBuilder(weightSource(manifest, bundle.weights), groupCount);
  let body: (x: string) => string;
  let io: { inChannels: number; nClasses: number };
  switch (key) {
    case 'nasunet': {
      const cfg = parseConfig(NasUnetConfigSchema, config, 'config');
      const genotype = parseGenotype(manifest.genotype);
      body = (x) => nasUnetLogits(b, x, genotype, cfg, DERIVED_STEM_MULTIPLIER);
      io = cfg;
      break;
    }
    case 'unet': {
      const cfg = parseConfig(UNetConfigSchema, config, 'config');
      body = (x) => unetLogits(b, x, cfg);
      io = cfg;
      break;
    }
    case 'fcdensenet': {
      const cfg = parseConfig(FcDenseNetConfigSchema, config, 'config');
      body = (x) => fcDenseNetLogits(b, x, cfg);
      io = cfg;
      break;
    }
    default:
      throw new ValidationError(
        `architecture '${key}' has no ONNX export; exportable: ${ONNX_ARCHITECTURES.join(', ')}`,
      );
  }
  const graph = b.finish(key, io.inChannels, io.nClasses, body);
  return encodeModel({
    graph,
    opset: ONNX_OPSET,
    producerName: 'nasunet',
    producerVersion: '1',
    docString: `${key} segmentation network: input ${ONNX_INPUT} NHWC [N, H, W, ${io.inChannels}], output ${ONNX_OUTPUT} NHWC [N, H, W, ${io.nClasses}] (softmax over classes)`,
    metadata: { weights_sha256: manifest.weightsSha256, architecture: key },
  });
}
