/**
 * The segmentation service computes off its serving thread, with real processes and
 * sockets: while one large SegmentVolume is in flight, health checks and a small Segment
 * call are answered before it finishes, and after it the process's resident memory
 * returns to within {@link RSS_BOUND_MIB} of its idle level (the worker that held the
 * large buffers is replaced, NASUNET_INFERENCE_WORKER_MAX_MB).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNifti, makeVolume } from '../libs/data/src/index.js';
import {
  checkHealth,
  createHealthClient,
  createRegistryClient,
  createSegmentationClient,
  type HealthClient,
  type ModelRegistryServiceClient,
  type SegmentationServiceClient,
  type SegmentResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, uploadModel } from './support/grpc.js';
import { rssMiB, segmentNifti } from './support/inference.js';
import { smallBundle } from './support/model-bundle.js';
import { until } from './support/poll.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

const SIZE = 32;
/** Slices of the large volume: seconds of work for the tiny model, 16 MiB of NIfTI. */
const LARGE_SLICES = 4000;
/** How far above its idle level the process's memory may stay after the large volume, MiB. */
const RSS_BOUND_MIB = 30;
const MODEL = { name: 'isolation-model', version: 1 };

let dataDir: string;
let suite: Suite;
let registry: ModelRegistryServiceClient;
let segmentation: SegmentationServiceClient;
let health: HealthClient;
const cases = syntheticFiles(4, SIZE, 3).cases;

/** A NIfTI volume of `depth` synthetic slices. */
function volume(depth: number): Uint8Array {
  const data = new Float32Array(SIZE * SIZE * depth);
  for (let z = 0; z < depth; z++) data.set(cases[z % cases.length]!.pixels, z * SIZE * SIZE);
  return encodeNifti(makeVolume(data, [SIZE, SIZE, depth], [1, 1, 1]), 'float32');
}

/** Segments one small 2D image through Segment. */
function segmentSmall(): Promise<SegmentResponse__Output> {
  return call<SegmentResponse__Output>(segmentation, 'segment', {
    model: MODEL,
    raw: {
      dtype: 'PIXEL_DTYPE_UINT8',
      height: SIZE,
      width: SIZE,
      channels: 1,
      data: Buffer.from(cases[0]!.pixels),
    },
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-isolation-'));
  // Two workers: the small call computes while the large volume holds the other one.
  suite = new Suite(dataDir, {
    NASUNET_INFERENCE_CONCURRENCY: '2',
    NASUNET_INFERENCE_WORKER_MAX_MB: '128',
  });
  await suite.start(['registry', 'inference']);
  registry = createRegistryClient(suite.address('registry'));
  segmentation = createSegmentationClient(suite.address('inference'));
  health = createHealthClient(suite.address('inference'));
  await uploadModel(
    registry,
    { name: MODEL.name, architecture: 'unet', classNames: ['background', 'organ_bright', 'organ_dark'] },
    await smallBundle(SIZE),
  );
});

after(async () => {
  registry?.close();
  segmentation?.close();
  health?.close();
  await suite?.stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test(
  'while a large volume computes, health and a small Segment are answered first; then its memory is returned',
  { timeout: 120_000 },
  async () => {
    const pid = suite.procs.get('inference')!.child.pid!;
    // Both workers started, the model loaded in each: the idle level of a serving process.
    const warm = await Promise.all([segmentNifti(segmentation, volume(4), MODEL), segmentSmall()]);
    assert.equal(warm[0], SIZE * SIZE * 4);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMiB(pid);

    const order: string[] = [];
    let done = false;
    const large = segmentNifti(segmentation, volume(LARGE_SLICES), MODEL).then((bytes) => {
      order.push('volume');
      done = true;
      return bytes;
    });
    large.catch(() => (done = true));
    let answered = 0;
    while (!done && answered < 3) {
      assert.equal(await checkHealth(health, '', 10_000), 'SERVING');
      order.push('health');
      const small = await segmentSmall();
      assert.equal(small.mask?.data.length, SIZE * SIZE);
      order.push('segment');
      answered++;
    }
    assert.equal(await large, SIZE * SIZE * LARGE_SLICES, 'the whole mask came back');
    assert.deepEqual(
      order,
      ['health', 'segment', 'health', 'segment', 'health', 'segment', 'volume'],
      'three health checks and small segmentations were answered before the large volume',
    );

    const after = await until(
      `the inference process's memory back within ${RSS_BOUND_MIB} MiB of ${idle.toFixed(0)} MiB`,
      async () => rssMiB(pid),
      (rss) => rss <= idle + RSS_BOUND_MIB,
      20_000,
    );
    assert.ok(after <= idle + RSS_BOUND_MIB);
    // The service goes on serving with a fresh worker.
    assert.equal((await segmentSmall()).mask?.data.length, SIZE * SIZE);
  },
);
