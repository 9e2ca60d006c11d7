/**
 * The model registry's operations: validation, artifacts and metadata together. Services
 * call this; it never assumes the metadata store answers synchronously. A call that fails
 * leaves the registry as it was: uploads are staged and verified against what their
 * metadata declared, and only blobs no committed record names are ever removed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AlreadyExistsError,
  IntegrityError,
  NotFoundError,
  ResourceLimitError,
  ValidationError,
} from '../../core/src/index.js';
import { parseGenotype } from '../../nas/src/index.js';
import { FsArtifactStore, type BlobWriter } from './artifact-store.js';
import { BlobKeeper, type Collected } from './blob-keeper.js';
import { checkDatasetFolder, checkStagedDataset, checkStagedModelBundle } from './content-checks.js';
import { DatasetRoots } from './dataset-roots.js';
import { fitPageToBytes } from './page-bytes.js';
import {
  checkArtifactName,
  checkName,
  checkOptionalDigest,
  checkRelativePath,
  checkVersion,
} from './names.js';
import { PostgresDatabase, type PostgresOptions } from './postgres-database.js';
import { SqlRegistryStore } from './sql-store.js';
import { SqliteDatabase } from './sqlite-database.js';
import { receiveDeclared } from './upload.js';
import type {
  ArtifactRecord,
  AuditRecord,
  DatasetFileRecord,
  DatasetLayout,
  DatasetRecord,
  GenotypeLineage,
  GenotypeRecord,
  ModelLineage,
  ModelRecord,
  ModelSelector,
  Page,
  PageQuery,
  RegistryStore,
} from './types.js';

/**
 * Asked once more just before an upload's record is written (after the stream ended and
 * the content checks ran): throws (CancelledError) when the uploader has gone meanwhile,
 * so that nothing is stored.
 */
export type StillWanted = () => void;

/** Size limits of the registry, in bytes. */
export interface RegistryLimits {
  /** Largest model upload (all artifacts of one version together). */
  maxModelBytes: number;
  /** Largest uploaded dataset (all files together). */
  maxDatasetBytes: number;
  /** Largest alpha history JSON. */
  maxAlphaHistoryBytes: number;
}

/** Defaults: 512 MiB models, 4 GiB datasets, 8 MiB alpha histories. */
export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = {
  maxModelBytes: 512 * 1024 * 1024,
  maxDatasetBytes: 4 * 1024 * 1024 * 1024,
  maxAlphaHistoryBytes: 8 * 1024 * 1024,
};

/** Descriptive fields of a dataset being registered. */
export interface DatasetMetadataInput {
  name: string;
  layout: DatasetLayout;
  classNames: string[];
  caseCount: number;
  description: string;
  /** Uploads: every file the stream carries, declared up front; by URI: empty. */
  files: DatasetFileRecord[];
}

/** A piece of one dataset file (consecutive pieces of one path are appended). */
export interface FilePiece {
  relativePath: string;
  data: Uint8Array;
}

/** A piece of one model artifact (consecutive pieces of one name are appended). */
export interface ArtifactPiece {
  artifactName: string;
  data: Uint8Array;
}

/** Descriptive fields of a model version being uploaded. */
export interface ModelMetadataInput {
  name: string;
  architecture: string;
  /** Required for architecture "nasunet"; version 0 = latest. */
  genotype?: { name: string; version: number };
  configJson: string;
  metricsJson: string;
  lineage: ModelLineage;
  classNames: string[];
  /** Every artifact the stream carries, declared up front. */
  artifacts: ArtifactRecord[];
}

/** Input of {@link ModelRegistry.createGenotype}. */
export interface GenotypeInput {
  name: string;
  genotypeJson: string;
  lineage: GenotypeLineage;
  /** "" = none. */
  alphaHistoryJson: string;
}

/** Largest JSON metadata field of a record (config, metrics), bytes. */
export const MAX_METADATA_JSON_BYTES = 64 * 1024;

function checkJsonObject(field: string, text: string, allowEmpty: boolean): string {
  if (text === '' && allowEmpty) return '{}';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_METADATA_JSON_BYTES)
    throw new ValidationError(`${field} is ${bytes} bytes; at most ${MAX_METADATA_JSON_BYTES} are stored`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ValidationError(`${field} is not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ValidationError(`${field} must be a JSON object`);
  return text;
}

/** Largest job id a lineage records, characters. */
const MAX_JOB_ID_CHARS = 128;

function checkJobId(field: string, id: string): void {
  if (id.length > MAX_JOB_ID_CHARS)
    throw new ValidationError(`${field} must be at most ${MAX_JOB_ID_CHARS} characters`);
}

function checkClassNames(field: string, names: string[]): string[] {
  if (names.length < 2 || names.length > 255)
    throw new ValidationError(
      `${field} must list 2..255 class names (index 0 = background), got ${names.length}`,
    );
  names.forEach((n, i) => {
    if (n.trim() === '' || n.length > 64)
      throw new ValidationError(`${field}[${i}] must be 1..64 non-blank characters`);
  });
  return names;
}

function checkDatasetMetadata(m: DatasetMetadataInput): void {
  checkName('dataset name', m.name);
  if (m.layout !== 'msd' && m.layout !== 'image_pairs')
    throw new ValidationError('dataset layout must be MSD or IMAGE_PAIRS');
  checkClassNames('class_names', m.classNames);
  if (!Number.isInteger(m.caseCount) || m.caseCount < 1)
    throw new ValidationError(`case_count must be an integer >= 1, got ${m.caseCount}`);
  if (m.description.length > 1000) throw new ValidationError('description must be at most 1000 characters');
}

async function* mapPieces<T, U>(source: AsyncIterable<T>, fn: (t: T) => U): AsyncGenerator<U> {
  for await (const t of source) yield fn(t);
}

async function hashFile(path: string): Promise<{ digest: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path)) {
    hash.update(c as Buffer);
    size += (c as Buffer).byteLength;
  }
  return { digest: 'sha256:' + hash.digest('hex'), sizeBytes: size };
}

async function listFilesRecursive(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(root);
  return out;
}

/** The registry: metadata store + artifact store + validation. */
export class ModelRegistry {
  private readonly blobs: BlobKeeper;

  constructor(
    readonly store: RegistryStore,
    readonly artifacts: FsArtifactStore,
    readonly limits: RegistryLimits = DEFAULT_REGISTRY_LIMITS,
    /** Server folders `file://` datasets may name [none]. */
    readonly datasetRoots: DatasetRoots = new DatasetRoots([]),
  ) {
    this.blobs = new BlobKeeper(artifacts, store);
  }

  /**
   * Opens the embedded registry under `dataDir`: `registry.db` (SQLite) and `artifacts/`;
   * `file://` datasets may name folders `datasetRoots` allows, never inside `dataDir`. Call
   * {@link ModelRegistry.collectGarbage} before serving.
   */
  static async openEmbedded(
    dataDir: string,
    limits: RegistryLimits = DEFAULT_REGISTRY_LIMITS,
    datasetRoots: DatasetRoots = new DatasetRoots([]),
  ): Promise<ModelRegistry> {
    const store = await SqlRegistryStore.open(SqliteDatabase.open(join(dataDir, 'registry.db')));
    return new ModelRegistry(
      store,
      new FsArtifactStore(join(dataDir, 'artifacts')),
      limits,
      datasetRoots.forbidding(dataDir),
    );
  }

  /**
   * Opens a registry replica: metadata in the PostgreSQL database at `databaseUrl`
   * (migrated on open; replicas starting together take turns), artifacts under
   * `<dataDir>/artifacts` on storage every replica mounts (a ReadWriteMany volume). Any
   * number of replicas may serve from the same database and folder. Call
   * {@link ModelRegistry.collectGarbage} before serving.
   */
  static async openShared(
    databaseUrl: string,
    dataDir: string,
    limits: RegistryLimits = DEFAULT_REGISTRY_LIMITS,
    datasetRoots: DatasetRoots = new DatasetRoots([]),
    postgres: PostgresOptions = {},
  ): Promise<ModelRegistry> {
    const store = await SqlRegistryStore.open(await PostgresDatabase.connect(databaseUrl, postgres));
    return new ModelRegistry(
      store,
      new FsArtifactStore(join(dataDir, 'artifacts')),
      limits,
      datasetRoots.forbidding(dataDir),
    );
  }

  /**
   * Removes what a stopped process left behind: staged `.part` files of uploads it was
   * receiving and blobs it promoted without writing their record. Only while this process
   * serves no call (at start-up); replicas sharing the store keep serving meanwhile.
   */
  collectGarbage(): Promise<Collected> {
    return this.blobs.collect();
  }

  /** Closes the metadata store. */
  async close(): Promise<void> {
    await this.store.close();
  }

  /** Runs a content check of staged blobs; on failure removes them and rethrows. */
  private async checkStaged(staged: readonly BlobWriter[], check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (err) {
      for (const w of staged) await w.abort();
      throw err;
    }
  }

  // ---- datasets ----

  /**
   * Receives the declared files of an upload (`meta.files`), verifies each against its
   * declared size and digest once the stream ended, then stores them and registers the
   * dataset; anything else leaves nothing behind.
   */
  async registerDataset(
    meta: DatasetMetadataInput,
    pieces: AsyncIterable<FilePiece>,
    stillWanted: StillWanted = () => {},
  ): Promise<DatasetRecord> {
    checkDatasetMetadata(meta);
    await this.ensureDatasetNameFree(meta.name);
    const received = await receiveDeclared(
      this.artifacts,
      meta.files.map((f) => ({ key: f.relativePath, sizeBytes: f.sizeBytes, digest: f.digest })),
      mapPieces(pieces, (p) => ({ key: p.relativePath, data: p.data })),
      {
        noun: 'file',
        field: 'metadata.files',
        checkKey: (k) => checkRelativePath(k),
        maxTotalBytes: this.limits.maxDatasetBytes,
        limitName: 'dataset upload',
      },
    );
    await this.checkStaged(
      received.map((r) => r.writer),
      () =>
        checkStagedDataset(
          received.map((r) => ({ relativePath: r.key, stagedPath: r.writer.stagedPath })),
          meta.classNames,
          this.artifacts.stagingDir,
        ),
    );
    return this.blobs.commit(
      received.map((r) => r.writer),
      () => {
        stillWanted();
        return this.store.createDataset({
          ...meta,
          uri: 'registry',
          files: received.map((r) => ({ relativePath: r.key, sizeBytes: r.sizeBytes, digest: r.digest })),
        });
      },
    );
  }

  /** Registers a dataset at a file:// URI readable by every worker; reads it once for the digest. */
  async registerDatasetUri(meta: DatasetMetadataInput, uri: string): Promise<DatasetRecord> {
    checkDatasetMetadata(meta);
    if (meta.files.length > 0)
      throw new ValidationError('metadata.files must be empty here: the registry reads the folder itself');
    const root = await this.datasetRoots.check(
      this.uriToPath(uri),
      `dataset directory of uri ${JSON.stringify(uri)}`,
    );
    await this.ensureDatasetNameFree(meta.name);
    const st = await stat(root);
    if (!st.isDirectory()) throw new ValidationError(`uri ${JSON.stringify(uri)} must name a directory`);
    const paths = await listFilesRecursive(root);
    if (paths.length === 0)
      throw new ValidationError(`dataset directory of uri ${JSON.stringify(uri)} is empty`);
    await checkDatasetFolder(root, meta.classNames);
    const files: DatasetFileRecord[] = [];
    for (const p of paths)
      files.push({ relativePath: relative(root, p).split(sep).join('/'), ...(await hashFile(p)) });
    return this.store.createDataset({ ...meta, uri, files });
  }

  /** A dataset and its manifest. */
  async getDataset(name: string): Promise<{ dataset: DatasetRecord; files: DatasetFileRecord[] }> {
    checkName('dataset name', name);
    const dataset = await this.store.getDataset(name);
    return { dataset, files: await this.store.getDatasetFiles(name) };
  }

  /** Datasets sorted by name. */
  async listDatasets(page: PageQuery): Promise<Page<DatasetRecord>> {
    return fitPageToBytes(await this.store.listDatasets(page), page);
  }

  /**
   * The files of a dataset in manifest order, in chunks, each verified against its
   * digest (`IntegrityError` when stored or referenced bytes changed).
   */
  async *readDataset(name: string, chunkBytes: number): AsyncGenerator<FilePiece> {
    const { dataset, files } = await this.getDataset(name);
    for (const f of files) {
      if (dataset.uri === 'registry') {
        for await (const data of this.artifacts.read(f.digest, chunkBytes))
          yield { relativePath: f.relativePath, data };
      } else {
        // Checked again on every read: a folder or link changed since registration must
        // not lead outside the allowed roots.
        const path = await this.datasetRoots.check(
          join(this.uriToPath(dataset.uri), ...f.relativePath.split('/')),
          `dataset "${name}" file "${f.relativePath}"`,
        );
        const hash = createHash('sha256');
        let pending: Uint8Array | undefined;
        for await (const c of createReadStream(path, { highWaterMark: chunkBytes })) {
          hash.update(c as Buffer);
          if (pending) yield { relativePath: f.relativePath, data: pending };
          pending = c as Buffer;
        }
        if ('sha256:' + hash.digest('hex') !== f.digest)
          throw new IntegrityError(`dataset "${name}" file "${f.relativePath}" changed since registration`);
        yield { relativePath: f.relativePath, data: pending ?? new Uint8Array(0) };
      }
    }
  }

  // ---- genotypes ----

  /**
   * Validates the genotype (libs/nas rules) and adds a new version with its alpha history,
   * or returns the version of the name that already records `lineage.searchJobId`.
   */
  async createGenotype(input: GenotypeInput): Promise<GenotypeRecord> {
    checkName('genotype name', input.name);
    const genotype = parseGenotype(input.genotypeJson);
    checkOptionalDigest('lineage.dataset_digest', input.lineage.datasetDigest);
    checkJobId('lineage.search_job_id', input.lineage.searchJobId);
    let alphaHistory: BlobWriter | undefined;
    if (input.alphaHistoryJson !== '') {
      const bytes = Buffer.from(input.alphaHistoryJson, 'utf8');
      if (bytes.byteLength > this.limits.maxAlphaHistoryBytes)
        throw new ResourceLimitError(
          `alpha_history_json exceeds the limit of ${this.limits.maxAlphaHistoryBytes} bytes`,
        );
      try {
        JSON.parse(input.alphaHistoryJson);
      } catch {
        throw new ValidationError('alpha_history_json is not valid JSON');
      }
      alphaHistory = await this.artifacts.stage(bytes);
    }
    const alphaHistoryDigest = alphaHistory ? (await alphaHistory.seal()).digest : '';
    return this.blobs.commit(alphaHistory ? [alphaHistory] : [], () =>
      this.store.createGenotype({
        name: input.name,
        genotypeJson: JSON.stringify(genotype),
        lineage: input.lineage,
        alphaHistoryDigest,
      }),
    );
  }

  /** One genotype version and its alpha history JSON ("" when none). */
  async getGenotype(
    name: string,
    version = 0,
  ): Promise<{ genotype: GenotypeRecord; alphaHistoryJson: string }> {
    const genotype = await this.store.getGenotype(name, version || undefined);
    const alphaHistoryJson = genotype.alphaHistoryDigest
      ? Buffer.from(await this.artifacts.get(genotype.alphaHistoryDigest)).toString('utf8')
      : '';
    return { genotype, alphaHistoryJson };
  }

  /** Genotype versions, optionally of one name. */
  async listGenotypes(name: string | undefined, page: PageQuery): Promise<Page<GenotypeRecord>> {
    return fitPageToBytes(await this.store.listGenotypes(name, page), page);
  }

  // ---- models ----

  /**
   * Receives the declared artifacts of an upload (`meta.artifacts`), verifies each against
   * its declared size and digest once the stream ended, then stores them and registers the
   * next version (or returns the version that already records `meta.lineage.trainingJobId`);
   * anything else leaves nothing behind.
   */
  async uploadModel(
    meta: ModelMetadataInput,
    pieces: AsyncIterable<ArtifactPiece>,
    stillWanted: StillWanted = () => {},
  ): Promise<ModelRecord> {
    checkName('model name', meta.name);
    if (!/^[a-z0-9_]{1,64}$/.test(meta.architecture))
      throw new ValidationError('architecture must be 1..64 characters of a-z, 0-9, _');
    checkClassNames('class_names', meta.classNames);
    const configJson = checkJsonObject('config_json', meta.configJson, true);
    const metricsJson = checkJsonObject('metrics_json', meta.metricsJson, true);
    checkOptionalDigest('lineage.dataset_digest', meta.lineage.datasetDigest);
    checkJobId('lineage.training_job_id', meta.lineage.trainingJobId);
    let genotype: { name: string; version: number } | undefined;
    if (meta.genotype && meta.genotype.name !== '') {
      const g = await this.store.getGenotype(
        checkName('genotype name', meta.genotype.name),
        meta.genotype.version || undefined,
      );
      genotype = { name: g.name, version: g.version };
    } else if (meta.architecture === 'nasunet') {
      throw new ValidationError('genotype is required when architecture is "nasunet"');
    }
    const received = await receiveDeclared(
      this.artifacts,
      meta.artifacts.map((a) => ({ key: a.name, sizeBytes: a.sizeBytes, digest: a.digest })),
      mapPieces(pieces, (p) => ({ key: p.artifactName, data: p.data })),
      {
        noun: 'artifact',
        field: 'metadata.artifacts',
        checkKey: (k) => checkArtifactName(k),
        maxTotalBytes: this.limits.maxModelBytes,
        limitName: 'model upload',
      },
    );
    await this.checkStaged(
      received.map((r) => r.writer),
      () =>
        checkStagedModelBundle(new Map(received.map((r) => [r.key, r.writer.stagedPath])), meta.architecture),
    );
    return this.blobs.commit(
      received.map((r) => r.writer),
      () => {
        stillWanted();
        return this.store.createModel({
          name: meta.name,
          architecture: meta.architecture,
          genotype,
          configJson,
          metricsJson,
          lineage: meta.lineage,
          classNames: meta.classNames,
          artifacts: received
            .map((r) => ({ name: r.key, digest: r.digest, sizeBytes: r.sizeBytes }))
            .sort((x, y) => (x.name < y.name ? -1 : 1)),
        });
      },
    );
  }

  /** One model version (by version, alias, or latest). */
  getModel(sel: ModelSelector): Promise<ModelRecord> {
    checkName('model name', sel.name);
    if (sel.alias) checkName('alias', sel.alias);
    return this.store.getModel(sel);
  }

  /** Model versions, optionally of one name. */
  async listModels(name: string | undefined, page: PageQuery): Promise<Page<ModelRecord>> {
    return fitPageToBytes(await this.store.listModels(name, page), page);
  }

  /**
   * A model version and a generator of its artifacts' chunks (all artifacts, or only
   * `artifactName`), each verified against its digest.
   */
  async downloadModel(
    sel: ModelSelector,
    artifactName: string,
    chunkBytes: number,
  ): Promise<{ model: ModelRecord; pieces: AsyncGenerator<ArtifactPiece> }> {
    const model = await this.getModel(sel);
    const chosen =
      artifactName === '' ? model.artifacts : model.artifacts.filter((a) => a.name === artifactName);
    if (chosen.length === 0)
      throw new NotFoundError(
        `model "${model.name}" version ${model.version} has no artifact "${artifactName}"`,
      );
    const artifacts = this.artifacts;
    async function* pieces(): AsyncGenerator<ArtifactPiece> {
      for (const a of chosen)
        for await (const data of artifacts.read(a.digest, chunkBytes)) yield { artifactName: a.name, data };
    }
    return { model, pieces: pieces() };
  }

  /**
   * Points an alias at a version for `actor` (the caller, recorded in the audit trail);
   * returns the model and the previous version (0 if new).
   */
  async setAlias(
    name: string,
    alias: string,
    version: number,
    actor: string,
  ): Promise<{ model: ModelRecord; previousVersion: number }> {
    checkName('model name', name);
    checkName('alias', alias);
    checkVersion('version', version);
    const previousVersion = await this.store.setAlias(name, alias, version, actor);
    return { model: await this.store.getModel({ name, version }), previousVersion };
  }

  /** Removes an alias for `actor` (recorded); returns the version it pointed at. */
  deleteAlias(name: string, alias: string, actor: string): Promise<number> {
    checkName('model name', name);
    checkName('alias', alias);
    return this.store.deleteAlias(name, alias, actor);
  }

  /**
   * Retires a model version for good for `actor` (recorded; see
   * {@link RegistryStore.retireModel}); `reason` is at most 1000 characters.
   */
  retireModel(
    name: string,
    version: number,
    reason: string,
    actor: string,
  ): Promise<{ model: ModelRecord; alreadyRetired: boolean }> {
    checkName('model name', name);
    checkVersion('version', version);
    if (reason.length > 1000) throw new ValidationError('reason must be at most 1000 characters');
    return this.store.retireModel(name, version, reason, actor);
  }

  /** The audit trail of alias moves and retirements, newest first, of one model or of all. */
  auditRecords(name: string | undefined, page: PageQuery): Promise<Page<AuditRecord>> {
    if (name !== undefined) checkName('model name', name);
    return this.store.auditRecords(name, page);
  }

  private uriToPath(uri: string): string {
    if (!uri.startsWith('file:///'))
      throw new ValidationError(`uri ${JSON.stringify(uri)} is not supported: use an absolute file:/// URI`);
    try {
      return fileURLToPath(uri);
    } catch {
      throw new ValidationError(`uri ${JSON.stringify(uri)} is not a valid file URI`);
    }
  }

  private async ensureDatasetNameFree(name: string): Promise<void> {
    try {
      await this.store.getDataset(name);
    } catch (e) {
      if (e instanceof NotFoundError) return;
      throw e;
    }
    throw new AlreadyExistsError(
      `dataset "${name}" already exists; datasets are immutable, choose another name`,
    );
  }
}
