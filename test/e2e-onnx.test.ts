/**
 * ONNX end to end, with real processes and sockets: a model version registered with its
 * bundle carries the ONNX export (`model.onnx`), which the registry returns byte for byte
 * and ONNX Runtime runs to the engine's probabilities; the segmentation service computes
 * with the runtime NASUNET_INFERENCE_RUNTIME names (its `inference.model` span says which)
 * and both runtimes give the same mask; an unknown runtime stops the service at start-up.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRegistryClient,
  createSegmentationClient,
  type DownloadModelResponse__Output,
  type ModelRegistryServiceClient,
  type SegmentationServiceClient,
  type SegmentResponse__Output,
} from '../libs/rpc/src/index.js';
import { tfjsProbabilities } from '../libs/engine/src/index.js';
import { presetConfig } from '../libs/nas/src/index.js';
import { exportOnnx, OnnxSession } from '../libs/onnx/src/index.js';
import { noisyModel, type TestModel } from '../libs/onnx/src/testing/bundles.js';
import { initBackend } from '../libs/tensor/src/index.js';
import type { SpanLine } from '../libs/telemetry/src/index.js';
import { modelArtifacts, ONNX_ARTIFACT } from '../services/common/src/model-loader.js';
import { call, collect, uploadModel } from './support/grpc.js';
import { Suite } from './support/suite.js';

const H = 24;
const W = 40;
let dataDir: string;
let suite: Suite;
let registry: ModelRegistryServiceClient;
let model: TestModel;

before(async () => {
  await initBackend({ backend: 'cpu' });
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-onnx-'));
  suite = new Suite(dataDir, { NASUNET_TRACE_FILE: join(dataDir, 'spans.jsonl') });
  await suite.start(['registry']);
  registry = createRegistryClient(suite.address('registry'));
  const config = presetConfig('unet', 'tiny', { inChannels: 1, nClasses: 3 });
  model = noisyModel('unet', config, { padMultiple: 4, noise: 0.2 });
  const artifacts = new Map(Object.entries(modelArtifacts(model.bundle)));
  await uploadModel(
    registry,
    {
      name: 'onnx-model',
      architecture: 'unet',
      configJson: JSON.stringify(config),
      metricsJson: '{}',
      lineage: { trainingJobId: '', datasetDigest: '' },
      classNames: ['class0', 'class1', 'class2'],
    },
    artifacts,
  );
});

after(async () => {
  registry?.close();
  model?.net.dispose();
  await suite?.stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function modelSpans(): SpanLine[] {
  const file = join(dataDir, 'spans.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpanLine)
    .filter((s) => s.name === 'inference.model');
}

/** A smooth test image with structure at several scales, as uint8. */
const pixels = Uint8Array.from({ length: H * W }, (_, i) => {
  const y = Math.floor(i / W);
  const x = i % W;
  return Math.round(127 + 60 * Math.sin(x / 3) * Math.cos(y / 5) + 50 * Math.sin((x + y) / 11));
});

/** Segments the test image on an inference service started with `runtime`; the mask and the runtime its span reported. */
async function segmentWith(runtime: string): Promise<{ mask: Buffer; reported: unknown }> {
  const before = modelSpans().length;
  await suite.start(['inference'], { NASUNET_INFERENCE_RUNTIME: runtime });
  const client: SegmentationServiceClient = createSegmentationClient(suite.address('inference'));
  try {
    const res = await call<SegmentResponse__Output>(
      client,
      'segment',
      {
        model: { name: 'onnx-model' },
        raw: { dtype: 'PIXEL_DTYPE_UINT8', height: H, width: W, channels: 1, data: Buffer.from(pixels) },
      },
      60_000,
    );
    let spans = modelSpans();
    for (let i = 0; i < 50 && spans.length === before; i++) {
      await new Promise((r) => setTimeout(r, 200));
      spans = modelSpans();
    }
    return { mask: res.mask!.data, reported: spans.at(-1)?.attributes['nasunet.runtime'] };
  } finally {
    client.close();
    await suite.stop(['inference']);
  }
}

test(
  'the registry stores the ONNX export with the model and returns it byte for byte',
  { timeout: 60_000 },
  async () => {
    const parts = await collect<DownloadModelResponse__Output>(
      registry.downloadModel({ model: { name: 'onnx-model' }, artifactName: ONNX_ARTIFACT }),
    );
    const record = parts.find((p) => p.model)?.model;
    assert.deepEqual(
      record?.artifacts.map((a) => a.name),
      ['manifest.json', 'model.onnx', 'weights.bin'],
    );
    const bytes = Buffer.concat(parts.filter((p) => p.chunk).map((p) => p.chunk!.data));
    assert.deepEqual(new Uint8Array(bytes), exportOnnx(model.bundle));
    // What another server would run: equal to the engine's probabilities.
    const session = await OnnxSession.create(bytes, { threads: 1 });
    const x = Float32Array.from(pixels, (v) => (v - 127) / 50).slice(0, 16 * 40);
    const req = { x, shape: [1, 16, 40, 1] as [number, number, number, number] };
    const got = await session.probabilities(req.x, req.shape);
    await session.dispose();
    const want = tfjsProbabilities(model.net, req);
    assert.ok(
      got.every((v, i) => Math.abs(v - want[i]!) < 1e-4),
      'ONNX Runtime on the stored artifact equals the engine',
    );
  },
);

test(
  'the segmentation service computes on the configured runtime; both give the same mask',
  { timeout: 180_000 },
  async () => {
    const onnx = await segmentWith('onnx');
    assert.equal(onnx.reported, 'onnx');
    const tfjs = await segmentWith('tfjs');
    assert.equal(tfjs.reported, 'tfjs');
    assert.equal(onnx.mask.length, H * W);
    const classes = new Set(onnx.mask);
    assert.ok(classes.size > 1, `the mask has more than one class (${[...classes].join(', ')})`);
    const differ = onnx.mask.filter((v, i) => v !== tfjs.mask[i]).length;
    assert.ok(differ <= 1, `${differ} of ${H * W} pixels differ between the runtimes`);

    await assert.rejects(
      suite.start(['inference'], { NASUNET_INFERENCE_RUNTIME: 'gpu' }),
      /NASUNET_INFERENCE_RUNTIME/,
    );
  },
);
