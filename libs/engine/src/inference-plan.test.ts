/**
 * Test-time mirroring and postprocessing: chosen on validation cases by planInference,
 * recorded in the model bundle and applied by the one segmentation path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, type Tensor4D } from '../../tensor/src/index.js';
import { makeVolume } from '../../data/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import {
  UNET_PRESETS,
  UNet,
  createModelBundle,
  parseManifest,
  type InferenceSettings,
} from '../../nas/src/index.js';
import {
  evaluate,
  inferenceSpec,
  planInference,
  postprocessMask,
  segmentVolumeClasses,
  type EvaluateOptions,
  type SliceSet,
} from './index.js';

await initBackend({ backend: 'cpu', logger: () => {} });

/** A fixed network: class 1 wherever the (single-channel) input exceeds 0.5, else background. */
const threshold: SegmentationNet = {
  apply: (x: Tensor4D) => tf.concat([tf.zerosLike(x), tf.sub(tf.mul(x, 10), 5)], -1) as Tensor4D,
  weightParams: () => [],
  parameterCount: () => 0,
  dispose: () => undefined,
};

/**
 * Two cases of three 8 x 8 slices: a 3 x 3 x 3 cube of class 1, drawn in the image too,
 * and in the image only, one bright pixel away from it (a false positive of `threshold`).
 */
function cubeCases(): SliceSet {
  const slices: SliceSet['slices'] = [];
  for (const caseId of ['a', 'b']) {
    for (let z = 0; z < 3; z++) {
      const image = new Float32Array(64);
      const label = new Uint8Array(64);
      for (let r = 2; r < 5; r++) {
        for (let q = 2; q < 5; q++) {
          image[r * 8 + q] = 1;
          label[r * 8 + q] = 1;
        }
      }
      if (z === 1) image[7 * 8 + 7] = 1;
      slices.push({ caseId, index: z, image, label });
    }
  }
  return { height: 8, width: 8, channels: 1, nClasses: 2, classNames: ['background', 'cube'], slices };
}

test('planInference keeps the postprocessing that removes a false positive, and no mirroring that changes nothing', () => {
  const plan = planInference(threshold, cubeCases(), { trainedMirrorAxes: ['width'] });
  // The threshold network is mirror-symmetric: mirroring gives the same Dice, so it is left out.
  assert.deepEqual(plan.settings, { mirror: [], postprocessing: 'largest-foreground' });
  const [mirror, post] = plan.choices;
  // Dice with the stray pixel: 2 * 27 / (28 + 27) in each case.
  assert.match(
    mirror?.reason ?? '',
    /2 validation case\(s\).*0\.9818 mirrored along width vs 0\.9818 without \(not better/,
  );
  assert.match(
    post?.reason ?? '',
    /none 0\.9818, largest-foreground 1\.0000, largest-per-class 1\.0000 \(the best\)/,
  );
});

test('planInference keeps what was given and measures nothing it is not asked to', () => {
  let passes = 0;
  const counted: SegmentationNet = {
    ...threshold,
    apply: (x, training) => (passes++, threshold.apply(x, training)),
  };
  const plan = planInference(counted, cubeCases(), {
    trainedMirrorAxes: ['width'],
    override: { mirror: ['width', 'height'], postprocessing: 'none' },
  });
  assert.deepEqual(plan.settings, { mirror: ['width', 'height'], postprocessing: 'none' });
  assert.deepEqual(
    plan.choices.map((c) => c.reason),
    ['given', 'given'],
  );
  assert.equal(passes, 0, 'both given: no forward pass');
  planInference(counted, cubeCases(), { trainedMirrorAxes: ['width'], override: { mirror: [] } });
  assert.equal(passes, 2, 'mirroring given: one pass per batch of 4 slices for the postprocessing choice');
  const unmirrored = planInference(threshold, cubeCases(), { trainedMirrorAxes: [] });
  assert.deepEqual(unmirrored.settings.mirror, []);
  assert.equal(unmirrored.choices[0]?.reason, 'the training did not mirror its images');
});

test('the inference settings recorded in a bundle are what segmentation applies', () => {
  const net = new UNet({ ...UNET_PRESETS.tiny, nClasses: 3 }, { seed: 5 });
  const preprocessing = {
    inputChannels: 1,
    sliceAxis: 2 as const,
    orientation: 'as-stored',
    spacingMm: null,
    normalization: { kind: 'zscore' as const },
    padMultiple: 8,
    classes: [0, 1, 2].map((code) => ({ code, name: `c${code}` })),
  };
  const desc = {
    architecture: { key: 'unet' as const, config: { ...UNET_PRESETS.tiny, nClasses: 3 } },
    genotype: null,
    preprocessing,
  };
  const recorded = createModelBundle(net, {
    ...desc,
    inference: { mirror: ['width'], postprocessing: 'largest-per-class' },
  }).manifest;
  const old = createModelBundle(net, desc).manifest;
  // A manifest without the section (older bundles) reads as plain inference.
  assert.deepEqual(old.inference, { mirror: [], postprocessing: 'none' });
  assert.deepEqual(parseManifest(JSON.parse(JSON.stringify(recorded))).inference, recorded.inference);
  assert.throws(
    () => parseManifest({ ...recorded, inference: { mirror: ['depth'] } }),
    /manifest\.inference\.mirror\.0: Invalid option/,
  );
  assert.throws(
    () => parseManifest({ ...recorded, inference: { mirror: ['width', 'width'] } }),
    /mirror axes must be distinct/,
  );

  const [X, Y, Z] = [16, 16, 3];
  const vol = makeVolume(
    Float32Array.from({ length: X * Y * Z }, (_, i) => Math.sin(i * 0.7) + ((i * 7919) % 13) / 6),
    [X, Y, Z],
  );
  const plain = segmentVolumeClasses(net, vol, inferenceSpec(old));
  const mirroredOnly = segmentVolumeClasses(net, vol, { ...inferenceSpec(recorded), postprocessing: 'none' });
  const served = segmentVolumeClasses(net, vol, inferenceSpec(recorded));
  assert.notDeepEqual(mirroredOnly, plain, 'mirroring changes an untrained, asymmetric network’s mask');
  assert.deepEqual(served, postprocessMask(mirroredOnly, [X, Y, Z], 'largest-per-class'));
  assert.notDeepEqual(served, mirroredOnly, 'the speckled mask of an untrained network loses regions');
  net.dispose();
});

/** `set` with every image and label mirrored left-right. */
function mirrorSet(set: SliceSet): SliceSet {
  const flip = <T extends Float32Array | Uint8Array>(a: T): T => {
    const out = a.slice() as T;
    for (let r = 0; r < set.height; r++) {
      for (let q = 0; q < set.width; q++) out[r * set.width + q] = a[r * set.width + set.width - 1 - q]!;
    }
    return out;
  };
  return { ...set, slices: set.slices.map((s) => ({ ...s, image: flip(s.image), label: flip(s.label) })) };
}

test('evaluate applies recorded inference settings: postprocessing removes the stray pixel, mirroring makes the net see both sides', () => {
  const set = cubeCases();
  const none: InferenceSettings = { mirror: [], postprocessing: 'none' };
  assert.ok(Math.abs(evaluate(threshold, set, { hd95: false }).meanDice - 54 / 55) < 1e-12);
  assert.deepEqual(evaluate(threshold, set, { inference: none }), evaluate(threshold, set));
  const kept = evaluate(threshold, set, { inference: { mirror: [], postprocessing: 'largest-foreground' } });
  assert.equal(kept.meanDice, 1);

  // `threshold` one column to the right: not mirror-symmetric. On the set it misses a
  // column of the cube (and the stray pixel falls off the edge); on the mirrored set the
  // stray pixel stays, so the plain Dice differ.
  const shifted: SegmentationNet = {
    ...threshold,
    apply: (x: Tensor4D, training) =>
      threshold.apply(
        tf.pad(tf.slice(x, [0, 0, 0, 0], [-1, -1, 7, -1]), [
          [0, 0],
          [0, 0],
          [1, 0],
          [0, 0],
        ]) as Tensor4D,
        training,
      ),
  };
  const mirrored = mirrorSet(set);
  const plain = [evaluate(shifted, set).meanDice, evaluate(shifted, mirrored).meanDice];
  assert.ok(Math.abs(plain[0]! - 36 / 54) < 1e-12, `${plain[0]}`);
  assert.ok(Math.abs(plain[1]! - 36 / 55) < 1e-12, `${plain[1]}`);
  // Mirrored at test time, its prediction of a mirrored image is the mirrored prediction.
  const withMirror: EvaluateOptions = { inference: { mirror: ['width'], postprocessing: 'none' } };
  const a = evaluate(shifted, set, withMirror);
  const b = evaluate(shifted, mirrored, withMirror);
  assert.deepEqual(a.perCase, b.perCase);
  assert.notEqual(a.meanDice, plain[0]);
});
