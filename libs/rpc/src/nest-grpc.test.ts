/**
 * The Nest gRPC transport under our ESM + Node setup, over a real socket: unary,
 * server-streaming and client-streaming handlers, the error filter, health and reflection.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Observable, from } from 'rxjs';
import { NotFoundError } from '../../core/src/index.js';
import {
  GrpcErrorFilter,
  INTERNAL_ERROR_MESSAGE,
  ServiceHealth,
  checkHealth,
  collectChunks,
  createHealthClient,
  createRegistryClient,
  findFreePort,
  grpcServerOptions,
  fromBidiStream,
  fromClientStream,
  createSegmentationClient,
  splitChunks,
  unary,
  type DownloadModelResponse,
  type GetModelRequest,
  type GetModelRequest__Output,
  type GetModelResponse__Output,
  type UploadModelRequest__Output,
  type SegmentVolumeRequest__Output,
  type SegmentVolumeResponse,
  type SegmentVolumeResponse__Output,
  type UploadModelResponse,
} from './index.js';

@Controller()
class ProbeController {
  @GrpcMethod('ModelRegistryService', 'GetModel')
  getModel(req: GetModelRequest__Output) {
    if (req.model?.name === 'boom') throw new Error('secret detail');
    if (req.model?.name === 'silent') return new Promise<never>(() => undefined);
    if (req.model?.name !== 'known') throw new NotFoundError(`model "${req.model?.name}" not found`);
    return { model: { name: 'known', version: 3, alias: req.model.alias } };
  }

  @GrpcMethod('ModelRegistryService', 'DownloadModel')
  downloadModel(): Observable<DownloadModelResponse> {
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    return from([
      { model: { name: 'known', version: 1 } },
      ...[...splitChunks(bytes, 4)].map((data) => ({ chunk: { artifactName: 'w', data } })),
    ]);
  }

  @GrpcStreamMethod('ModelRegistryService', 'UploadModel')
  uploadModel(messages: Observable<UploadModelRequest__Output>): Observable<UploadModelResponse> {
    return fromClientStream(messages, async (requests) => {
      let name = '';
      async function* bytes() {
        for await (const m of requests) {
          if (m.part === 'metadata') name = m.metadata!.name;
          else if (m.part === 'chunk') yield m.chunk!.data;
        }
      }
      const all = await collectChunks(bytes(), 8, 'artifact');
      return { model: { name, version: all.byteLength, configJson: Buffer.from(all).toString('hex') } };
    });
  }
}

@Controller()
class ProbeSegmentationController {
  /** Echoes the byte count of the NIfTI chunks: a summary, then the bytes reversed in chunks of 3. */
  @GrpcStreamMethod('SegmentationService', 'SegmentVolume')
  segmentVolume(messages: Observable<SegmentVolumeRequest__Output>): Observable<SegmentVolumeResponse> {
    return fromBidiStream(messages, async function* (requests) {
      const parts: Uint8Array[] = [];
      for await (const m of requests) if (m.part === 'niftiChunk') parts.push(m.niftiChunk!);
      const all = Buffer.concat(parts).reverse();
      yield { summary: { maskSizeBytes: all.byteLength, depth: parts.length } };
      for (const c of splitChunks(all, 3)) yield { maskChunk: c };
    });
  }
}

@Module({ controllers: [ProbeController, ProbeSegmentationController] })
class ProbeModule {}

test('Nest gRPC transport: unary, streams, error mapping, health', async () => {
  const port = await findFreePort();
  const health = new ServiceHealth(['registry']);
  const app = await NestFactory.createMicroservice(ProbeModule, {
    ...grpcServerOptions({ services: ['registry', 'segmentation'], url: `127.0.0.1:${port}`, health }),
    logger: false,
  });
  app.useGlobalFilters(new GrpcErrorFilter());
  await app.listen();
  const client = createRegistryClient(`127.0.0.1:${port}`);
  const healthClient = createHealthClient(`127.0.0.1:${port}`);
  try {
    assert.equal(await checkHealth(healthClient, 'nasunet.v1.ModelRegistryService'), 'NOT_SERVING');
    health.setServing(true);
    assert.equal(await checkHealth(healthClient, 'nasunet.v1.ModelRegistryService'), 'SERVING');
    assert.equal(await checkHealth(healthClient), 'SERVING');

    assert.deepEqual(await listServicesByReflection(`127.0.0.1:${port}`), [
      'nasunet.v1.ModelRegistryService',
      'nasunet.v1.SegmentationService',
    ]);

    const ok = await unary<GetModelRequest, GetModelResponse__Output>(client.getModel.bind(client), {
      model: { name: 'known', alias: 'production' },
    });
    assert.deepEqual([ok.model?.name, ok.model?.version, ok.model?.aliases], ['known', 3, []]);

    await assert.rejects(
      unary(client.getModel.bind(client), { model: { name: 'other' } }),
      (e: grpc.ServiceError) => {
        assert.equal(e.code, grpc.status.NOT_FOUND);
        assert.equal(e.details, 'model "other" not found');
        return true;
      },
    );
    await assert.rejects(
      unary(client.getModel.bind(client), { model: { name: 'boom' } }),
      (e: grpc.ServiceError) => {
        assert.equal(e.code, grpc.status.INTERNAL);
        assert.equal(e.details, INTERNAL_ERROR_MESSAGE);
        return true;
      },
    );

    // A unary call made without a deadline gets the client's default one.
    const impatient = createRegistryClient(`127.0.0.1:${port}`, { defaultDeadlineMs: 300 });
    await assert.rejects(
      new Promise((resolve, reject) =>
        impatient.getModel({ model: { name: 'silent' } }, (err, res) => (err ? reject(err) : resolve(res))),
      ),
      (e: grpc.ServiceError) => e.code === grpc.status.DEADLINE_EXCEEDED,
    );
    impatient.close();

    const parts: DownloadModelResponse[] = [];
    const stream = client.downloadModel({ model: { name: 'known' } });
    for await (const m of stream) parts.push(m as DownloadModelResponse);
    assert.equal(parts.length, 4);
    assert.equal(parts[0]!.model?.version, 1);
    const got = Buffer.concat(parts.slice(1).map((p) => Buffer.from(p.chunk!.data as Uint8Array)));
    assert.deepEqual([...got], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const upload = (chunks: number[][]) =>
      new Promise<UploadModelResponse>((resolve, reject) => {
        const call = client.uploadModel((err, res) =>
          err ? reject(err) : resolve(res as UploadModelResponse),
        );
        call.write({ metadata: { name: 'up' } });
        for (const c of chunks) call.write({ chunk: { artifactName: 'w', data: Buffer.from(c) } });
        call.end();
      });
    const up = await upload([[1, 2], [3]]);
    assert.deepEqual([up.model?.name, up.model?.version, up.model?.configJson], ['up', 3, '010203']);
    await assert.rejects(
      upload([
        [1, 2, 3, 4, 5],
        [6, 7, 8, 9],
      ]),
      (e: grpc.ServiceError) => e.code === grpc.status.RESOURCE_EXHAUSTED,
    );

    const seg = createSegmentationClient(`127.0.0.1:${port}`);
    const call = seg.segmentVolume();
    const replies: SegmentVolumeResponse__Output[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', (m: SegmentVolumeResponse__Output) => replies.push(m));
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.write({ header: { model: { name: 'm' }, format: 'VOLUME_INPUT_FORMAT_NIFTI' } });
    call.write({ niftiChunk: Buffer.from([1, 2, 3]) });
    call.write({ niftiChunk: Buffer.from([4, 5]) });
    call.end();
    await ended;
    seg.close();
    assert.deepEqual([replies[0]!.summary?.maskSizeBytes, replies[0]!.summary?.depth], ['5', 2]);
    assert.deepEqual([...Buffer.concat(replies.slice(1).map((r) => r.maskChunk!))], [5, 4, 3, 2, 1]);
  } finally {
    client.close();
    healthClient.close();
    await app.close();
  }
});

/** Asks the server's reflection service (v1) for its services, sorted, reflection itself left out. */
async function listServicesByReflection(address: string): Promise<string[]> {
  const protoFile = join(
    dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json')),
    'build/proto/grpc/reflection/v1/reflection.proto',
  );
  const pkg = grpc.loadPackageDefinition(
    protoLoader.loadSync(protoFile, { keepCase: false, defaults: true, oneofs: true }),
  ) as unknown as {
    grpc: {
      reflection: {
        v1: {
          ServerReflection: new (
            a: string,
            c: grpc.ChannelCredentials,
          ) => grpc.Client & {
            serverReflectionInfo(): grpc.ClientDuplexStream<
              unknown,
              { listServicesResponse?: { service: Array<{ name: string }> } }
            >;
          };
        };
      };
    };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
  try {
    const call = client.serverReflectionInfo();
    const first = new Promise<string[]>((resolve, reject) => {
      call.once('data', (m: { listServicesResponse?: { service: Array<{ name: string }> } }) =>
        resolve((m.listServicesResponse?.service ?? []).map((x) => x.name)),
      );
      call.once('error', reject);
    });
    call.write({ listServices: '*' });
    const names = await first;
    call.end();
    return names.filter((n) => !n.startsWith('grpc.reflection.')).sort();
  } finally {
    client.close();
  }
}
