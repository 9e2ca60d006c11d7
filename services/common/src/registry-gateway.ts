/**
 * What the search, training and inference services need from the registry, over its gRPC
 * API: datasets (record + files into a local folder), genotypes and model versions. Every
 * call carries a deadline (the inbound call's when one is being served); failures come
 * back as domain errors.
 */
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import { status as grpcStatus, type Deadline, type ServiceError } from '@grpc/grpc-js';
import {
  BackendError,
  NotFoundError,
  PreconditionError,
  ValidationError,
  IntegrityError,
} from '../../../libs/core/src/index.js';
import {
  callOptions,
  createRegistryClient,
  fromGrpcError,
  unary,
  uploadModelMessages,
  type ClientConfig,
  type CreateGenotypeRequest,
  type CreateGenotypeResponse__Output,
  type GetDatasetRequest,
  type GetDatasetResponse__Output,
  type GetGenotypeRequest,
  type GetGenotypeResponse__Output,
  type GetModelRequest,
  type GetModelResponse__Output,
  type Dataset__Output,
  type DatasetFile__Output,
  type DatasetRef,
  type Genotype__Output,
  type GenotypeRef,
  type Model__Output,
  type ModelMetadata,
  type ModelRef,
  type ModelRegistryServiceClient,
} from '../../../libs/rpc/src/index.js';
import { outboundMetadata } from './tracing.js';

/** Something with a deadline: the inbound call being served. */
export type ParentCall = { getDeadline(): Deadline };

/** Deadline of long transfers (dataset and model downloads/uploads), in ms. */
export const TRANSFER_DEADLINE_MS = 10 * 60_000;

function isServiceError(err: unknown): err is ServiceError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'number' &&
    'details' in err
  );
}

/** Converts a failed call to a domain error (unchanged for codes without one). */
export function asDomainError(err: unknown): unknown {
  if (!isServiceError(err)) return err;
  if (err.code === grpcStatus.DEADLINE_EXCEEDED) {
    return new BackendError('the registry did not answer before the deadline', { cause: err });
  }
  return fromGrpcError(err);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asDomainError(err);
  }
}

/** Client-side gateway to `nasunet.v1.ModelRegistryService`. */
export class RegistryGateway {
  readonly client: ModelRegistryServiceClient;

  /** @param client TLS and token of the calls (see `registryClientConfig`); default plaintext without a token. */
  constructor(
    readonly address: string,
    client: ClientConfig = {},
  ) {
    this.client = createRegistryClient(address, client);
  }

  close(): void {
    this.client.close();
  }

  /**
   * The registered dataset `ref` names. `NotFoundError` when unknown; `PreconditionError`
   * when `ref.digest` is set and differs from the registered digest.
   */
  async getDataset(
    ref: DatasetRef,
    parent?: ParentCall,
  ): Promise<{ record: Dataset__Output; files: DatasetFile__Output[] }> {
    const res = await call(() =>
      unary<GetDatasetRequest, GetDatasetResponse__Output>(
        (r, o, cb) => this.client.getDataset(r, outboundMetadata(), o, cb),
        { name: ref.name ?? '' },
        callOptions(undefined, parent),
      ),
    );
    if (!res.dataset) throw new NotFoundError(`dataset '${ref.name}' does not exist`);
    if (ref.digest && ref.digest !== res.dataset.digest) {
      throw new PreconditionError(
        `dataset '${ref.name}' has digest ${res.dataset.digest}, not the requested ${ref.digest}`,
      );
    }
    return { record: res.dataset, files: res.files };
  }

  /**
   * Writes the files of dataset `name` into the folder `dir` (relative paths as registered);
   * `signal` cancels the download.
   */
  downloadDataset(name: string, dir: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = this.client.downloadDataset(
        { name },
        outboundMetadata(),
        callOptions(TRANSFER_DEADLINE_MS),
      );
      const onAbort = (): void => stream.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      let fd: number | undefined;
      let current = '';
      const closeCurrent = (): void => {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      };
      stream.on('data', (msg: { part?: string; file?: { relativePath: string; data: Buffer } | null }) => {
        try {
          if (msg.part !== 'file' || !msg.file) return;
          const rel = msg.file.relativePath;
          if (rel !== current) {
            closeCurrent();
            const clean = normalize(rel);
            if (isAbsolute(clean) || clean.startsWith('..'))
              throw new IntegrityError(`dataset file path '${rel}' escapes its folder`);
            const path = join(dir, clean);
            mkdirSync(dirname(path), { recursive: true });
            fd = openSync(path, 'w');
            current = rel;
          }
          writeSync(fd!, msg.file.data);
        } catch (err) {
          stream.cancel();
          closeCurrent();
          reject(err);
        }
      });
      stream.on('error', (err) => {
        closeCurrent();
        signal?.removeEventListener('abort', onAbort);
        reject(asDomainError(err));
      });
      stream.on('end', () => {
        closeCurrent();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** Adds a genotype version (the registry validates the JSON). */
  async createGenotype(request: CreateGenotypeRequest): Promise<Genotype__Output> {
    const res = await call(() =>
      unary<CreateGenotypeRequest, CreateGenotypeResponse__Output>(
        (r, o, cb) => this.client.createGenotype(r, outboundMetadata(), o, cb),
        request,
        callOptions(),
      ),
    );
    if (!res.genotype) throw new IntegrityError('the registry returned no genotype');
    return res.genotype;
  }

  /** One genotype version (0 = latest). */
  async getGenotype(ref: GenotypeRef, parent?: ParentCall): Promise<Genotype__Output> {
    const res = await call(() =>
      unary<GetGenotypeRequest, GetGenotypeResponse__Output>(
        (r, o, cb) => this.client.getGenotype(r, outboundMetadata(), o, cb),
        { genotype: ref },
        callOptions(undefined, parent),
      ),
    );
    if (!res.genotype) throw new NotFoundError(`genotype '${ref.name}' does not exist`);
    return res.genotype;
  }

  /** One model version's record, by version or alias (latest when neither). */
  async getModel(ref: ModelRef, parent?: ParentCall): Promise<Model__Output> {
    const res = await call(() =>
      unary<GetModelRequest, GetModelResponse__Output>(
        (r, o, cb) => this.client.getModel(r, outboundMetadata(), o, cb),
        { model: ref },
        callOptions(undefined, parent),
      ),
    );
    if (!res.model) throw new NotFoundError(`model '${ref.name}' does not exist`);
    return res.model;
  }

  /**
   * Uploads a new model version: metadata declaring each artifact's size and digest, then
   * the artifacts in chunks. A retried upload of the same training job gets the version
   * the first one created.
   */
  uploadModel(metadata: ModelMetadata, artifacts: Record<string, Uint8Array>): Promise<Model__Output> {
    if (Object.keys(artifacts).length === 0) throw new ValidationError('a model needs at least one artifact');
    return call(
      () =>
        new Promise<Model__Output>((resolve, reject) => {
          const stream = this.client.uploadModel(
            outboundMetadata(),
            callOptions(TRANSFER_DEADLINE_MS),
            (err, res) => {
              if (err) reject(err);
              else if (!res?.model) reject(new IntegrityError('the registry returned no model'));
              else resolve(res.model);
            },
          );
          for (const m of uploadModelMessages(metadata, Object.entries(artifacts))) stream.write(m);
          stream.end();
        }),
    );
  }

  /** Downloads a model version's record and artifacts (verified by the registry on read). */
  downloadModel(
    ref: ModelRef,
    parent?: ParentCall,
  ): Promise<{ model: Model__Output; artifacts: Map<string, Buffer> }> {
    return call(
      () =>
        new Promise((resolve, reject) => {
          const stream = this.client.downloadModel(
            { model: ref },
            outboundMetadata(),
            callOptions(TRANSFER_DEADLINE_MS, parent),
          );
          let model: Model__Output | undefined;
          const parts = new Map<string, Buffer[]>();
          stream.on(
            'data',
            (msg: {
              part?: string;
              model?: Model__Output | null;
              chunk?: { artifactName: string; data: Buffer } | null;
            }) => {
              if (msg.part === 'model' && msg.model) model = msg.model;
              else if (msg.part === 'chunk' && msg.chunk) {
                const list = parts.get(msg.chunk.artifactName) ?? [];
                list.push(msg.chunk.data);
                parts.set(msg.chunk.artifactName, list);
              }
            },
          );
          stream.on('error', reject);
          stream.on('end', () => {
            if (!model) return reject(new IntegrityError('the registry sent no model record'));
            const artifacts = new Map<string, Buffer>();
            for (const [k, v] of parts) artifacts.set(k, Buffer.concat(v));
            resolve({ model, artifacts });
          });
        }),
    );
  }
}
