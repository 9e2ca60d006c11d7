/**
 * Public API of libs/nas: NAS-Unet ops, cells, search supernet, genotypes and their
 * derivation, the derived network, the U-Net baseline, architecture registry and presets,
 * model bundles and cost estimates. Import only from here.
 */
import './ops/all.js';

export type {
  Genotype,
  SegmentationNet,
  SearchNet,
  NamedWeight,
  NamedWeightsNet,
  NamedSearchNet,
} from './contracts.js';
export { ParamStore, ParamScope, SeededRandom, rngFor, type NamedVariable } from './params.js';
export {
  GroupNorm,
  groupCount,
  Conv,
  DepthwiseConv,
  TransposedConv,
  TransposedDepthwiseConv,
  SqueezeExcite,
  Sequential,
  type Layer,
} from './layers.js';
export {
  OP_NAMES,
  DOWN_OPS,
  UP_OPS,
  NORMAL_OPS,
  ALL_OPS,
  createOp,
  opSetOf,
  isOpName,
  registerOp,
  registeredOps,
  type OpSet,
  type OpName,
  type DownOp,
  type UpOp,
  type NormalOp,
  type OpFactory,
} from './registry.js';
export { MixedOp } from './cells/mixed-op.js';
export { SearchCell, type EdgeWeights } from './cells/search-cell.js';
export { FixedCell } from './cells/fixed-cell.js';
export {
  GenotypeSchema,
  MAX_NODES,
  parseGenotype,
  formatGenotype,
  genotypesEqual,
  edgeCount,
  edgeIndex,
  edgeOpSet,
  type CellKind,
} from './genotype.js';
export {
  NEAR_TIE,
  decisionMargins,
  decisionMarginsOfWeights,
  deriveGenotypeFromAlphas,
  describeMargins,
  softmax,
  type AlphaArrays,
  type DecisionMargin,
} from './derive.js';
export {
  RECOMMENDED_EXCLUDED_OPS,
  EXCLUSION_REASONS,
  ExcludedOpsSchema,
  parseExcludedOps,
  liveColumns,
  describeExclusions,
  upsamplingWarning,
} from './search-space.js';
export { genotypeAgreement, MAX_SEEDS, type GenotypeAgreement } from './genotype-agreement.js';
export { referenceGenotype, REFERENCE_GENOTYPES, type ReferenceGenotypeName } from './reference-genotypes.js';
export {
  NasUnetConfigSchema,
  NasUnetSearchConfigSchema,
  UNetConfigSchema,
  FcDenseNetConfigSchema,
  checkInputShape,
  parseConfig,
  type NasUnetConfig,
  type NasUnetSearchConfig,
  type UNetConfig,
  type FcDenseNetConfig,
} from './config.js';
export { SearchNetwork, ALPHA_INIT_STD } from './search-network.js';
export { FixedNetwork, DERIVED_STEM_MULTIPLIER } from './fixed-network.js';
export { UNet } from './unet.js';
export { FcDenseNet } from './fc-densenet.js';
export {
  NASUNET_PRESETS,
  UNET_PRESETS,
  FCDENSENET_PRESETS,
  PRESET_NAMES,
  type PresetName,
} from './presets.js';
export {
  ARCHITECTURE_KEYS,
  createModel,
  presetConfig,
  parseArchitectureKey,
  configSchemaOf,
  splitModelName,
  type ArchitectureKey,
  type CreateModelOptions,
} from './models.js';
export {
  BUNDLE_FORMAT_VERSION,
  BundleManifestSchema,
  PreprocessingSchema,
  InferenceSchema,
  MIRROR_AXES,
  POSTPROCESSING,
  type InferenceSettings,
  type MirrorAxis,
  type Postprocessing,
  imageChannels,
  NormalizationSchema,
  WeightSpecSchema,
  SegmentCodesSchema,
  type SegmentCodes,
  createModelBundle,
  createModelBundleAsync,
  serializeWeightsAsync,
  loadModelBundle,
  verifyModelBundle,
  parseManifest,
  serializeWeights,
  loadWeightsInto,
  sha256Hex,
  type BundleManifest,
  type ModelBundle,
  type ModelDescription,
  type Preprocessing,
  type WeightSpec,
} from './model-bundle.js';
export { writeModelBundleDir, readModelBundleDir, MANIFEST_FILE, WEIGHTS_FILE } from './model-bundle-fs.js';
export {
  estimateCost,
  assertFitsMemory,
  opCost,
  BACKWARD_FACTOR,
  type Cost,
  type CostEstimate,
  type CostModel,
} from './cost.js';
