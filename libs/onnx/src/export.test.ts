/**
 * The ONNX export against the engine: ONNX Runtime's probabilities equal the engine's
 * (max abs difference < 1e-4) on real MSD hippocampus slices for the derived NAS-Unet
 * (V3 genotype), the U-Net and the FC-DenseNet at the small presets, and on every op of
 * the search space; bundles the exporter cannot or must not export are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { IntegrityError, ValidationError } from '../../core/src/index.js';
import { hippocampusDir } from '../../data/src/fixtures.js';
import { prepareVolume, readNifti } from '../../data/src/index.js';
import { tfjsProbabilities, type ForwardRequest } from '../../engine/src/index.js';
import { createModelBundle, presetConfig, referenceGenotype, SearchNetwork } from '../../nas/src/index.js';
import { initBackend } from '../../tensor/src/index.js';
import { exportOnnx, OnnxSession } from './index.js';
import { ALL_OPS_GENOTYPE, noisyModel, type TestModel } from './testing/bundles.js';

// The reference is the engine's exact backend: `cpu` computes in JavaScript, op by op;
// `wasm` (XNNPACK) itself differs from it by up to 3.6e-4 on these deep random nets.
await initBackend({ backend: 'cpu' });

const HIPPO = hippocampusDir();
const skipReal = HIPPO ? false : 'shared data ../shared/data/msd-hippocampus is absent (present in CI)';

/** Two middle slices of a real case, z-scored and centre-padded to 64 x 64. */
async function realSlices(): Promise<ForwardRequest> {
  const volume = await readNifti(join(HIPPO as string, 'images/hippocampus_001.nii.gz'));
  const prepared = prepareVolume(
    volume,
    { sliceAxis: 2, normalization: { kind: 'zscore' }, padMultiple: 32, padMode: 'zero' },
    [64, 64],
  );
  const [S, H, W] = prepared.shape;
  const first = Math.floor(S / 2) - 1;
  return { x: prepared.x.slice(first * H * W, (first + 2) * H * W), shape: [2, H, W, 1] };
}

/** Max abs difference between ONNX Runtime and the engine on `req`, and the spread of the engine's output. */
async function compare(
  { net, bundle }: TestModel,
  req: ForwardRequest,
): Promise<{ diff: number; spread: number }> {
  const session = await OnnxSession.create(exportOnnx(bundle), { threads: 1 });
  try {
    const got = await session.probabilities(req.x, req.shape);
    const want = tfjsProbabilities(net, req);
    assert.equal(got.length, want.length);
    let diff = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
      lo = Math.min(lo, want[i]!);
      hi = Math.max(hi, want[i]!);
    }
    return { diff, spread: hi - lo };
  } finally {
    await session.dispose();
    net.dispose();
  }
}

const base = { inChannels: 1, nClasses: 3 };

for (const [name, make] of [
  [
    'derived NAS-Unet (V3, small)',
    () =>
      noisyModel('nasunet', presetConfig('nasunet', 'small', base), {
        genotype: referenceGenotype('v3'),
        padMultiple: 32,
      }),
  ],
  ['U-Net (small)', () => noisyModel('unet', presetConfig('unet', 'small', base), { padMultiple: 16 })],
  [
    'FC-DenseNet (small)',
    () =>
      noisyModel('fcdensenet', presetConfig('fcdensenet', 'small', base), { padMultiple: 32, noise: 0.05 }),
  ],
] as const) {
  test(`${name}: ONNX Runtime equals the engine on real hippocampus slices`, { skip: skipReal }, async () => {
    const { diff, spread } = await compare(make(), await realSlices());
    assert.ok(diff < 1e-4, `max abs difference ${diff}`);
    assert.ok(spread > 0.5, `the outputs vary (spread ${spread}), so equality means something`);
  });
}

test('every op of the search space (6-node genotype, grouped norms) equals the engine', async () => {
  const cfg = { ...base, channels: 16, depth: 2, nodes: 6 };
  const model = noisyModel('nasunet', cfg, { genotype: ALL_OPS_GENOTYPE, padMultiple: 8, noise: 0.2 });
  const n = 2 * 32 * 32;
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2 + Math.cos(i * 0.011));
  const { diff, spread } = await compare(model, { x, shape: [2, 32, 32, 1] });
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  assert.ok(spread > 0.5, `spread ${spread}`);
});

test('refused: the search supernet and a tampered weights blob', () => {
  const cfg = { ...base, channels: 4, depth: 2, nodes: 3 };
  const supernet = new SearchNetwork(cfg);
  const search = createModelBundle(supernet, {
    architecture: { key: 'nasunet_search', config: cfg },
    genotype: null,
    preprocessing: {
      inputChannels: 1,
      sliceAxis: 2,
      orientation: 'RAS',
      spacingMm: null,
      normalization: { kind: 'zscore' },
      padMultiple: 8,
      classes: [0, 1, 2].map((code) => ({ code, name: `c${code}` })),
    },
  });
  supernet.dispose();
  assert.throws(
    () => exportOnnx(search),
    (e) => e instanceof ValidationError && /no ONNX export/.test(e.message),
  );

  const { net, bundle } = noisyModel('unet', presetConfig('unet', 'tiny', base), { padMultiple: 4 });
  net.dispose();
  const tampered = Uint8Array.from(bundle.weights);
  tampered[0]! ^= 1;
  assert.throws(() => exportOnnx({ manifest: bundle.manifest, weights: tampered }), IntegrityError);
  assert.ok(exportOnnx(bundle).length > bundle.weights.length, 'the export carries every weight');
});
