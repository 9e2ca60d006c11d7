/**
 * Promise helpers around the generated clients for the tests.
 */
import type * as grpc from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { registerDatasetMessages, uploadModelMessages } from '../../libs/rpc/src/index.js';
import type {
  ModelRegistryServiceClient,
  Dataset__Output,
  DatasetMetadata,
  Model__Output,
  ModelMetadata,
} from '../../libs/rpc/src/index.js';

/** Calls a unary method; resolves with the response or rejects with the ServiceError. */
export function call<Res>(
  client: grpc.Client,
  method: string,
  request: unknown,
  deadlineMs = 30_000,
  metadata?: grpc.Metadata,
): Promise<Res> {
  const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method]!.bind(client);
  return new Promise((resolve, reject) => {
    const done = (err: grpc.ServiceError | null, res: Res): void => (err ? reject(err) : resolve(res));
    if (metadata) fn(request, metadata, { deadline: Date.now() + deadlineMs }, done);
    else fn(request, { deadline: Date.now() + deadlineMs }, done);
  });
}

/** Metadata starting a new W3C trace with a random trace id; returns both. */
export function newTrace(): { traceId: string; metadata: grpc.Metadata } {
  const traceId = randomBytes(16).toString('hex');
  const md = new Metadata();
  md.set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
  return { traceId, metadata: md };
}

/** The status code of a failed call (or 'ok'). */
export async function statusOf(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as grpc.ServiceError).code;
  }
}

/** Reads a server stream to its end. */
export function collect<T>(stream: grpc.ClientReadableStream<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    stream.on('data', (m: T) => out.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
}

/** Uploads a folder's files (relative path -> bytes) as a dataset through RegisterDataset. */
export function registerDataset(
  client: ModelRegistryServiceClient,
  metadata: DatasetMetadata,
  files: Map<string, Uint8Array>,
): Promise<Dataset__Output> {
  return new Promise((resolve, reject) => {
    const stream = client.registerDataset({ deadline: Date.now() + 60_000 }, (err, res) => {
      if (err) reject(err);
      else resolve(res!.dataset!);
    });
    for (const m of registerDatasetMessages({ description: '', ...metadata }, files, 64 * 1024))
      stream.write(m);
    stream.end();
  });
}

/** Uploads a model version (artifact name -> bytes) through UploadModel. */
export function uploadModel(
  client: ModelRegistryServiceClient,
  metadata: ModelMetadata,
  artifacts: Map<string, Uint8Array>,
): Promise<Model__Output> {
  return new Promise((resolve, reject) => {
    const stream = client.uploadModel({ deadline: Date.now() + 60_000 }, (err, res) => {
      if (err) reject(err);
      else resolve(res!.model!);
    });
    for (const m of uploadModelMessages(metadata, artifacts, 64 * 1024)) stream.write(m);
    stream.end();
  });
}
