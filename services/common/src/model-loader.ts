/**
 * Loads a registered model version as a ready network: downloads its artifacts, verifies
 * and rebuilds them through libs/nas's model bundle.
 */
import { IntegrityError, ValidationError } from '../../../libs/core/src/index.js';
import {
  loadModelBundle,
  type BundleManifest,
  type ModelBundle,
  type NamedWeightsNet,
} from '../../../libs/nas/src/index.js';
import { ONNX_FILE, canExportOnnx, exportOnnx } from '../../../libs/onnx/src/index.js';
import type { Model__Output, ModelRef, ResolvedModel } from '../../../libs/rpc/src/index.js';
import type { ParentCall, RegistryGateway } from './registry-gateway.js';

/** Artifact names of a model version in the registry. */
export const MANIFEST_ARTIFACT = 'manifest.json';
export const WEIGHTS_ARTIFACT = 'weights.bin';
/** The ONNX export (libs/onnx), for other servers (e.g. Triton); absent for architectures without one. */
export const ONNX_ARTIFACT = ONNX_FILE;

/** The registry artifacts of a model bundle: manifest, weights and, where it has one, its ONNX export. */
export function modelArtifacts(bundle: ModelBundle): Record<string, Uint8Array> {
  return {
    [MANIFEST_ARTIFACT]: Buffer.from(JSON.stringify(bundle.manifest), 'utf8'),
    [WEIGHTS_ARTIFACT]: bundle.weights,
    ...(canExportOnnx(bundle.manifest.architecture.key) ? { [ONNX_ARTIFACT]: exportOnnx(bundle) } : {}),
  };
}

/** A loaded model version. The caller owns `net` (dispose it). */
export interface LoadedModel {
  record: Model__Output;
  manifest: BundleManifest;
  net: NamedWeightsNet;
  resolved: ResolvedModel;
  /** The ONNX export of the same bundle (libs/onnx), computed on each call. */
  onnx: () => Uint8Array;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Checks a ModelRef from a request; `ValidationError` naming the field. */
export function validateModelRef(
  ref: (ModelRef & { selector?: string }) | null | undefined,
  field = 'model',
): ModelRef {
  if (!ref) throw new ValidationError(`${field}: is required`);
  if (!ref.name || !NAME.test(ref.name))
    throw new ValidationError(`${field}.name: must match [a-z0-9][a-z0-9._-]{0,63}`);
  if (ref.selector === 'alias' && !NAME.test(ref.alias ?? ''))
    throw new ValidationError(`${field}.alias: must match [a-z0-9][a-z0-9._-]{0,63}`);
  if (ref.selector === 'alias') return { name: ref.name, alias: ref.alias! };
  if (ref.selector === 'version') {
    if (!ref.version || ref.version < 1) throw new ValidationError(`${field}.version: must be >= 1`);
    return { name: ref.name, version: ref.version };
  }
  return { name: ref.name };
}

/** The resolved-model message of a record. */
export function resolvedOf(record: Model__Output, alias = ''): ResolvedModel {
  return {
    name: record.name,
    version: record.version,
    alias,
    weightsDigest: record.artifacts.find((a) => a.name === WEIGHTS_ARTIFACT)?.digest ?? '',
  };
}

/** A registered model version's record and its bundle as stored (manifest JSON not yet verified). */
export interface RegistryBundle {
  record: Model__Output;
  bundle: { manifest: unknown; weights: Uint8Array };
}

/** Downloads the bundle of the model version `ref` names. */
export async function downloadRegistryBundle(
  registry: RegistryGateway,
  ref: ModelRef,
  parent?: ParentCall,
): Promise<RegistryBundle> {
  const { model, artifacts } = await registry.downloadModel(ref, parent);
  const manifestBytes = artifacts.get(MANIFEST_ARTIFACT);
  const weights = artifacts.get(WEIGHTS_ARTIFACT);
  if (!manifestBytes || !weights) {
    throw new IntegrityError(
      `model '${model.name}' version ${model.version} lacks ${MANIFEST_ARTIFACT} or ${WEIGHTS_ARTIFACT}`,
    );
  }
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw new IntegrityError(
      `model '${model.name}' version ${model.version}: ${MANIFEST_ARTIFACT} is not JSON`,
      { cause: err },
    );
  }
  return {
    record: model,
    bundle: {
      manifest: manifestJson,
      weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    },
  };
}

/** Downloads and rebuilds the model version `ref` names. */
export async function loadRegistryModel(
  registry: RegistryGateway,
  ref: ModelRef,
  parent?: ParentCall,
): Promise<LoadedModel> {
  const { record, bundle } = await downloadRegistryBundle(registry, ref, parent);
  const { net, manifest } = loadModelBundle(bundle);
  return {
    record,
    manifest,
    net,
    resolved: resolvedOf(record, ref.alias ?? ''),
    onnx: () => exportOnnx(bundle),
  };
}
