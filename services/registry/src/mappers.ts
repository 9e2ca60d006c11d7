/** Conversions between the proto messages and the registry's records. */
import { ValidationError } from '../../../libs/core/src/index.js';
import type {
  AuditAction,
  AuditEvent,
  Dataset,
  DatasetFile,
  DatasetLayout as ProtoLayout,
  DatasetMetadata__Output,
  Genotype,
  Model,
  ModelMetadata__Output,
  ModelRef__Output,
  PageRequest__Output,
} from '../../../libs/rpc/src/index.js';
import type {
  AuditRecord,
  DatasetFileRecord,
  DatasetLayout,
  DatasetMetadataInput,
  DatasetRecord,
  GenotypeRecord,
  ModelMetadataInput,
  ModelRecord,
  ModelSelector,
  PageQuery,
} from '../../../libs/registry-store/src/index.js';

const LAYOUTS: Record<string, DatasetLayout> = {
  DATASET_LAYOUT_MSD: 'msd',
  DATASET_LAYOUT_IMAGE_PAIRS: 'image_pairs',
};
const LAYOUT_NAMES: Record<DatasetLayout, ProtoLayout> = {
  msd: 'DATASET_LAYOUT_MSD',
  image_pairs: 'DATASET_LAYOUT_IMAGE_PAIRS',
};

/** A uint64 size (a decimal string on the wire) as a number; over 2^53 - 1 is refused. */
function toSize(field: string, value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ValidationError(`${field} is not a plausible size in bytes`);
  return n;
}

/** Page request -> offset/limit (default 100, max 1000; the token is the decimal offset). */
export function toPageQuery(page: PageRequest__Output | null | undefined): PageQuery {
  const limit = page?.pageSize ? page.pageSize : 100;
  if (limit > 1000) throw new ValidationError(`page.page_size must be at most 1000, got ${limit}`);
  const token = page?.pageToken ?? '';
  if (token !== '' && !/^\d{1,12}$/.test(token))
    throw new ValidationError('page.page_token is invalid; pass the next_page_token of a previous response');
  return { limit, offset: token === '' ? 0 : Number(token) };
}

/** Offset of the next page -> token ('' on the last page). */
export const toPageToken = (next: number | undefined): string => (next === undefined ? '' : String(next));

/** Dataset metadata from the request; a missing message is a validation error. */
export function toDatasetMetadata(m: DatasetMetadata__Output | null | undefined): DatasetMetadataInput {
  if (!m) throw new ValidationError('metadata is required');
  const layout = LAYOUTS[m.layout];
  if (!layout)
    throw new ValidationError('metadata.layout must be DATASET_LAYOUT_MSD or DATASET_LAYOUT_IMAGE_PAIRS');
  return {
    name: m.name,
    layout,
    classNames: m.classNames,
    caseCount: m.caseCount,
    description: m.description,
    files: m.files.map((f, i) => ({
      relativePath: f.relativePath,
      sizeBytes: toSize(`metadata.files[${i}].size_bytes`, f.sizeBytes),
      digest: f.digest,
    })),
  };
}

/** Model metadata from the request. */
export function toModelMetadata(m: ModelMetadata__Output | null | undefined): ModelMetadataInput {
  if (!m) throw new ValidationError('metadata is required');
  return {
    name: m.name,
    architecture: m.architecture,
    ...(m.genotype ? { genotype: { name: m.genotype.name, version: m.genotype.version } } : {}),
    configJson: m.configJson,
    metricsJson: m.metricsJson,
    lineage: { trainingJobId: m.lineage?.trainingJobId ?? '', datasetDigest: m.lineage?.datasetDigest ?? '' },
    classNames: m.classNames,
    artifacts: m.artifacts.map((a, i) => ({
      name: a.name,
      sizeBytes: toSize(`metadata.artifacts[${i}].size_bytes`, a.sizeBytes),
      digest: a.digest,
    })),
  };
}

/** ModelRef -> selector (version, alias, or latest). */
export function toModelSelector(ref: ModelRef__Output | null | undefined): ModelSelector {
  if (!ref) throw new ValidationError('model is required');
  if (ref.selector === 'alias') return { name: ref.name, alias: ref.alias ?? '' };
  if (ref.selector === 'version') return { name: ref.name, version: ref.version ?? 0 };
  return { name: ref.name };
}

export function fromDataset(d: DatasetRecord): Dataset {
  return {
    name: d.name,
    digest: d.digest,
    layout: LAYOUT_NAMES[d.layout],
    classNames: d.classNames,
    caseCount: d.caseCount,
    uri: d.uri,
    sizeBytes: d.sizeBytes,
    fileCount: d.fileCount,
    description: d.description,
    createdAt: d.createdAt,
  };
}

export function fromDatasetFile(f: DatasetFileRecord): DatasetFile {
  return { relativePath: f.relativePath, sizeBytes: f.sizeBytes, digest: f.digest };
}

export function fromGenotype(g: GenotypeRecord, alphaHistoryJson = ''): Genotype {
  return {
    name: g.name,
    version: g.version,
    genotypeJson: g.genotypeJson,
    lineage: { datasetDigest: g.lineage.datasetDigest, searchJobId: g.lineage.searchJobId },
    alphaHistoryDigest: g.alphaHistoryDigest,
    alphaHistoryJson,
    createdAt: g.createdAt,
  };
}

export function fromModel(m: ModelRecord): Model {
  return {
    name: m.name,
    version: m.version,
    architecture: m.architecture,
    ...(m.genotype ? { genotype: { name: m.genotype.name, version: m.genotype.version } } : {}),
    configJson: m.configJson,
    metricsJson: m.metricsJson,
    lineage: { trainingJobId: m.lineage.trainingJobId, datasetDigest: m.lineage.datasetDigest },
    artifacts: m.artifacts.map((a) => ({ name: a.name, digest: a.digest, sizeBytes: a.sizeBytes })),
    aliases: m.aliases,
    classNames: m.classNames,
    createdAt: m.createdAt,
    retired: m.retirement !== undefined,
    retiredAt: m.retirement?.retiredAt ?? '',
    retirementReason: m.retirement?.reason ?? '',
  };
}

const AUDIT_ACTIONS: Record<AuditRecord['action'], AuditAction> = {
  set_alias: 'AUDIT_ACTION_SET_ALIAS',
  delete_alias: 'AUDIT_ACTION_DELETE_ALIAS',
  retire_model: 'AUDIT_ACTION_RETIRE_MODEL',
};

/** Audit record -> message. */
export function fromAuditRecord(r: AuditRecord): AuditEvent {
  return {
    time: r.at,
    actor: r.actor,
    action: AUDIT_ACTIONS[r.action],
    modelName: r.model,
    version: r.version,
    alias: r.alias,
    previousVersion: r.previousVersion,
    reason: r.reason,
  };
}
