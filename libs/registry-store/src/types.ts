/**
 * Records and the asynchronous `RegistryStore` interface. Every method returns a Promise:
 * SQLite answers synchronously inside, PostgreSQL over the network, and nothing above this
 * interface may tell the difference.
 */

/** Dataset file layouts (mirrors the proto's DatasetLayout without the prefix). */
export type DatasetLayout = 'msd' | 'image_pairs';

/** One file of a dataset's manifest. */
export interface DatasetFileRecord {
  /** '/'-separated path relative to the dataset root. */
  relativePath: string;
  /** Size in bytes. */
  sizeBytes: number;
  /** "sha256:<hex>" of the file's bytes; for uploaded datasets also its artifact key. */
  digest: string;
}

/** A registered dataset (immutable). */
export interface DatasetRecord {
  name: string;
  /** "sha256:<hex>" of the canonical manifest (see `manifestDigest`). */
  digest: string;
  layout: DatasetLayout;
  /** Class names by label value; index 0 = background. */
  classNames: string[];
  caseCount: number;
  /** "registry" for uploaded files, else the file:// URI of the dataset root. */
  uri: string;
  sizeBytes: number;
  fileCount: number;
  description: string;
  /** RFC 3339 UTC. */
  createdAt: string;
}

/** Input of `createDataset`. */
export interface NewDataset {
  name: string;
  layout: DatasetLayout;
  classNames: string[];
  caseCount: number;
  uri: string;
  description: string;
  /** Manifest; the digest is computed by the store from it. */
  files: DatasetFileRecord[];
}

/** Where a genotype came from. */
export interface GenotypeLineage {
  /** "sha256:<hex>" or "". */
  datasetDigest: string;
  /** Search job id or "". */
  searchJobId: string;
}

/** One immutable genotype version. */
export interface GenotypeRecord {
  name: string;
  /** >= 1, numbered per name. */
  version: number;
  /** Canonical genotype JSON. */
  genotypeJson: string;
  lineage: GenotypeLineage;
  /** Artifact digest of the alpha history JSON, or "". */
  alphaHistoryDigest: string;
  createdAt: string;
}

/** Input of `createGenotype` (the version is assigned by the store). */
export interface NewGenotype {
  name: string;
  genotypeJson: string;
  lineage: GenotypeLineage;
  alphaHistoryDigest: string;
}

/** One stored artifact of a model version. */
export interface ArtifactRecord {
  name: string;
  digest: string;
  sizeBytes: number;
}

/** Where a model came from. */
export interface ModelLineage {
  trainingJobId: string;
  datasetDigest: string;
}

/** Why and when a model version was retired (permanent). */
export interface ModelRetirement {
  /** RFC 3339 UTC. */
  retiredAt: string;
  /** As given when retiring; may be "". */
  reason: string;
}

/** One immutable model version. */
export interface ModelRecord {
  name: string;
  version: number;
  /** Architecture key, e.g. "nasunet" or "unet". */
  architecture: string;
  /** Genotype the net was derived from; undefined for baselines. */
  genotype?: { name: string; version: number };
  configJson: string;
  metricsJson: string;
  lineage: ModelLineage;
  classNames: string[];
  /** Sorted by name. */
  artifacts: ArtifactRecord[];
  /** Aliases pointing at this version now, sorted. */
  aliases: string[];
  createdAt: string;
  /** Set once the version is retired; absent while it is active. */
  retirement?: ModelRetirement;
}

/** Input of `createModel` (the version is assigned by the store). */
export interface NewModel {
  name: string;
  architecture: string;
  genotype?: { name: string; version: number };
  configJson: string;
  metricsJson: string;
  lineage: ModelLineage;
  classNames: string[];
  artifacts: ArtifactRecord[];
}

/**
 * Picks one model version: by number, by alias, or the latest when both are absent. A
 * retired version is only picked by its number: no alias points at one and the latest
 * is the newest version that is not retired.
 */
export interface ModelSelector {
  name: string;
  version?: number;
  alias?: string;
}

/**
 * One change of what a model name serves, kept for good: an alias move (`set_alias`,
 * `delete_alias`) or a retirement (`retire_model`), with who made it.
 */
export interface AuditRecord {
  /** When (ISO 8601 UTC). */
  at: string;
  /** The caller's name ('' for changes recorded before callers were). */
  actor: string;
  action: 'set_alias' | 'delete_alias' | 'retire_model';
  model: string;
  /** Alias target afterwards, or the retired version; 0 when an alias was removed. */
  version: number;
  /** The alias; '' for a retirement. */
  alias: string;
  /** Alias target before; 0 when the alias was new, and for a retirement. */
  previousVersion: number;
  /** Reason of a retirement; '' otherwise. */
  reason: string;
}

/** Paging input: `offset` from a previous page's `nextOffset`. */
export interface PageQuery {
  /** 1..1000. */
  limit: number;
  /** >= 0. */
  offset: number;
}

/** One page of results. */
export interface Page<T> {
  items: T[];
  /** Offset of the next page; undefined on the last page. */
  nextOffset?: number;
}

/** Metadata storage of the registry, on SQLite or PostgreSQL (sql-store.ts). */
export interface RegistryStore {
  /**
   * Whether other registry processes may use this store, and so the same artifact root,
   * at the same time (replicas on PostgreSQL); an SQLite file has one owning process.
   */
  readonly shared: boolean;
  /**
   * Runs `fn` while no other process sharing this store runs `lockBlobs`: blobs are
   * promoted with their record, and removed, under it. Callers within one process must
   * serialize themselves.
   */
  lockBlobs<T>(fn: () => Promise<T>): Promise<T>;

  /** Adds a dataset. `AlreadyExistsError` when the name is taken. */
  createDataset(input: NewDataset): Promise<DatasetRecord>;
  /** `NotFoundError` when unknown. */
  getDataset(name: string): Promise<DatasetRecord>;
  /** The dataset's manifest, sorted by path. `NotFoundError` when unknown. */
  getDatasetFiles(name: string): Promise<DatasetFileRecord[]>;
  /** Datasets sorted by name. */
  listDatasets(page: PageQuery): Promise<Page<DatasetRecord>>;

  /**
   * Adds the next version of a genotype (1 for a new name). When `lineage.searchJobId` is
   * set and a version of the name already records it, returns that version unchanged.
   */
  createGenotype(input: NewGenotype): Promise<GenotypeRecord>;
  /** `version` undefined or 0 = latest. `NotFoundError` when unknown. */
  getGenotype(name: string, version?: number): Promise<GenotypeRecord>;
  /** Sorted by name, then version descending; `name` filters. */
  listGenotypes(name: string | undefined, page: PageQuery): Promise<Page<GenotypeRecord>>;

  /**
   * Adds the next version of a model (1 for a new name). When `lineage.trainingJobId` is
   * set and a version of the name already records it, returns that version unchanged.
   */
  createModel(input: NewModel): Promise<ModelRecord>;
  /**
   * `NotFoundError` for an unknown name, version or alias; `PreconditionError` for the
   * latest when every version is retired.
   */
  getModel(selector: ModelSelector): Promise<ModelRecord>;
  /** Sorted by name, then version descending; `name` filters. */
  listModels(name: string | undefined, page: PageQuery): Promise<Page<ModelRecord>>;
  /**
   * Points `alias` at `version` atomically, recording the move and `actor` (who asked).
   * Returns the previous version (0 if new). `PreconditionError` when the version is retired.
   */
  setAlias(name: string, alias: string, version: number, actor: string): Promise<number>;
  /**
   * Removes `alias`, recording it and `actor`; returns the version it pointed at.
   * `NotFoundError` if absent.
   */
  deleteAlias(name: string, alias: string, actor: string): Promise<number>;
  /**
   * Retires a version for good, recording `reason` and `actor`; a second call changes
   * nothing and reports `alreadyRetired`. `NotFoundError` for an unknown version,
   * `PreconditionError` (naming them) while aliases point at it.
   */
  retireModel(
    name: string,
    version: number,
    reason: string,
    actor: string,
  ): Promise<{ model: ModelRecord; alreadyRetired: boolean }>;
  /** The audit trail (alias moves and retirements), newest first; `name` filters. */
  auditRecords(name: string | undefined, page: PageQuery): Promise<Page<AuditRecord>>;

  /**
   * Those of `digests` that no committed record names (a dataset file, a model artifact or
   * a genotype's alpha history).
   */
  unreferencedDigests(digests: readonly string[]): Promise<string[]>;

  /** The schema version now applied. */
  schemaVersion(): Promise<number>;
  /** Releases the connection. */
  close(): Promise<void>;
}
