import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, type Tensor4D } from '../../tensor/src/index.js';
import { ResourceLimitError, ShapeError, ValidationError } from '../../core/src/errors.js';
import {
  FixedNetwork,
  NASUNET_PRESETS,
  SearchNetwork,
  UNet,
  UNET_PRESETS,
  FCDENSENET_PRESETS,
  FcDenseNet,
  assertFitsMemory,
  estimateCost,
  opCost,
  referenceGenotype,
} from './index.js';

await initBackend({ backend: 'cpu' });

const tiny = NASUNET_PRESETS.tiny;
const v2 = referenceGenotype('v2');
const v3 = referenceGenotype('v3');
const at = { batch: 2, height: 32, width: 32 };

test('estimated parameters equal the built networks exactly', () => {
  const cases: Array<[string, unknown, unknown, { parameterCount(): number; dispose(): void }]> = [
    ['nasunet_search', tiny, undefined, new SearchNetwork(tiny)],
    [
      'nasunet_search',
      { ...tiny, nodes: 4, channels: 5, depth: 3 },
      undefined,
      new SearchNetwork({ ...tiny, nodes: 4, channels: 5, depth: 3 }),
    ],
    ['nasunet', tiny, v2, FixedNetwork.fromGenotype(v2, tiny)],
    ['nasunet', NASUNET_PRESETS.small, v3, FixedNetwork.fromGenotype(v3, NASUNET_PRESETS.small)],
    ['unet', UNET_PRESETS.tiny, undefined, new UNet(UNET_PRESETS.tiny)],
    ['unet', UNET_PRESETS.small, undefined, new UNet(UNET_PRESETS.small)],
    ['fcdensenet', FCDENSENET_PRESETS.tiny, undefined, new FcDenseNet(FCDENSENET_PRESETS.tiny)],
    ['fcdensenet', FCDENSENET_PRESETS.small, undefined, new FcDenseNet(FCDENSENET_PRESETS.small)],
  ];
  for (const [architecture, config, genotype, net] of cases) {
    const est = estimateCost({ architecture, config, genotype }, { batch: 1, height: 64, width: 64 });
    assert.equal(est.parameters, net.parameterCount(), `${architecture} ${JSON.stringify(config)}`);
    net.dispose();
  }
});

test('supernet alphas are counted apart: 3 matrices of E rows', () => {
  const est = estimateCost({ architecture: 'nasunet_search', config: tiny }, at);
  assert.equal(est.archParameters, 9 * (6 + 4 + 7));
});

test('a 3x3 conv op costs 2 * 9 * C^2 FLOPs per pixel plus norm and ReLU', () => {
  const c = opCost('conv', 8, 100, true);
  assert.equal(c.params, 9 * 64 + 16);
  assert.equal(c.flops, 2 * 9 * 64 * 100 + 8 * 8 * 100 + 8 * 100);
  const d = opCost('down_conv', 8, 100, false);
  assert.equal(d.flops, 2 * 9 * 64 * 25 + 6 * 8 * 25 + 8 * 25);
  assert.equal(opCost('none', 8, 100, false).flops, 0);
});

test('costs scale: FLOPs and activations x4 for 2x the side, activations x batch, supernet >> derived', () => {
  const m = { architecture: 'nasunet', config: tiny, genotype: v2 };
  const a = estimateCost(m, { batch: 1, height: 32, width: 32 });
  const b = estimateCost(m, { batch: 1, height: 64, width: 64 });
  const c = estimateCost(m, { batch: 3, height: 32, width: 32 });
  // FLOPs: 4x up to the SE dense layers, whose cost does not depend on the image size
  assert.ok(Math.abs(b.flopsPerSample / a.flopsPerSample - 4) < 1e-3);
  assert.ok(Math.abs(b.activationBytes / a.activationBytes - 4) < 1e-9);
  assert.equal(c.activationBytes, 3 * a.activationBytes);
  assert.equal(c.flopsPerSample, a.flopsPerSample);
  const s = estimateCost(
    { architecture: 'nasunet_search', config: tiny },
    { batch: 1, height: 32, width: 32 },
  );
  assert.ok(s.flopsPerSample > 3 * a.flopsPerSample && s.activationBytes > 3 * a.activationBytes);
  assert.ok(s.peakTrainingBytes > s.activationBytes);
});

test('the paper supernet at 256 px, batch 2 does not fit 8 GiB but the derived net does', () => {
  const size = { batch: 2, height: 256, width: 256 };
  const s = estimateCost({ architecture: 'nasunet_search', config: NASUNET_PRESETS.paper }, size);
  const d = estimateCost({ architecture: 'nasunet', config: NASUNET_PRESETS.paper, genotype: v3 }, size);
  assert.throws(
    () => assertFitsMemory(s, 8 * 2 ** 30),
    (e: unknown) => e instanceof ResourceLimitError && e.message.includes('MiB'),
  );
  assertFitsMemory(d, 8 * 2 ** 30);
});

test('bad sizes and inputs are refused', () => {
  assert.throws(
    () => estimateCost({ architecture: 'nasunet_search', config: tiny }, { batch: 1, height: 30, width: 32 }),
    ShapeError,
  );
  assert.throws(
    () =>
      estimateCost({ architecture: 'unet', config: UNET_PRESETS.tiny }, { batch: 1, height: 6, width: 32 }),
    ShapeError,
  );
  assert.throws(() => estimateCost({ architecture: 'nasunet', config: tiny }, at), ValidationError);
  assert.throws(
    () => estimateCost({ architecture: 'nasunet_search', config: tiny }, { ...at, batch: 0 }),
    ValidationError,
  );
});

test('activation estimate is within 20% of the bytes the gradient tape really holds (tiny derived net, U-Net)', () => {
  const x = tf.randomNormal([2, 32, 32, 1]) as Tensor4D;
  const nets: Array<[string, unknown, unknown, FixedNetwork | UNet | FcDenseNet]> = [
    ['nasunet', tiny, v2, FixedNetwork.fromGenotype(v2, tiny)],
    ['unet', UNET_PRESETS.tiny, undefined, new UNet(UNET_PRESETS.tiny)],
    ['fcdensenet', FCDENSENET_PRESETS.tiny, undefined, new FcDenseNet(FCDENSENET_PRESETS.tiny)],
  ];
  for (const [architecture, config, genotype, net] of nets) {
    const base = tf.memory().numBytes;
    let held = 0;
    const { value, grads } = tf.variableGrads(() => {
      const y = tf.mean(net.apply(x, true)) as tf.Scalar;
      held = tf.memory().numBytes - base;
      return y;
    }, net.weightParams());
    tf.dispose([value, ...Object.values(grads)]);
    const est = estimateCost(
      { architecture, config, genotype },
      { batch: 2, height: 32, width: 32 },
    ).activationBytes;
    assert.ok(Math.abs(est / held - 1) < 0.2, `${architecture}: estimated ${est} B, tape holds ${held} B`);
    net.dispose();
  }
  x.dispose();
});
