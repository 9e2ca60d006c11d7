/**
 * The runtime switch and the one segmentation path on ONNX Runtime: `auto` resolves by
 * backend and architecture, bad choices are refused, and a real hippocampus volume
 * segmented and evaluated through ONNX Runtime gives the engine's masks and report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PreconditionError, ValidationError } from '../../core/src/index.js';
import { hippocampusDir } from '../../data/src/fixtures.js';
import { readNifti } from '../../data/src/index.js';
import {
  evaluateCases,
  evaluateCasesAsync,
  inferenceSpec,
  runForwardStepsAsync,
  segmentVolumeClasses,
  segmentVolumeSteps,
} from '../../engine/src/index.js';
import { presetConfig, referenceGenotype } from '../../nas/src/index.js';
import { initBackend } from '../../tensor/src/index.js';
import { createServingModel, exportOnnx, parseRuntimeChoice, resolveRuntime } from './index.js';
import { noisyModel } from './testing/bundles.js';

// wasm: fast enough for whole volumes; masks (argmax) agree with ONNX Runtime up to near-ties.
await initBackend({ backend: 'wasm' });

const HIPPO = hippocampusDir();
const skipReal = HIPPO ? false : 'shared data ../shared/data/msd-hippocampus is absent (present in CI)';

test('auto picks ONNX Runtime on the CPU backends for exportable architectures, tfjs otherwise', () => {
  assert.equal(resolveRuntime('auto', 'wasm', 'nasunet'), 'onnx');
  assert.equal(resolveRuntime('auto', 'cpu', 'fcdensenet'), 'onnx');
  assert.equal(resolveRuntime('auto', 'webgpu', 'unet'), 'tfjs');
  assert.equal(resolveRuntime('auto', 'wasm', 'nasunet_search'), 'tfjs');
  assert.equal(resolveRuntime('tfjs', 'wasm', 'unet'), 'tfjs');
  assert.equal(resolveRuntime('onnx', 'webgpu', 'unet'), 'onnx');
  assert.throws(() => resolveRuntime('onnx', 'wasm', 'nasunet_search'), PreconditionError);
  assert.equal(parseRuntimeChoice('onnx', 'runtime'), 'onnx');
  assert.throws(
    () => parseRuntimeChoice('gpu', '--runtime'),
    (e) => e instanceof ValidationError && /--runtime: 'gpu' .* valid: auto, onnx, tfjs/.test(e.message),
  );
});

test(
  'a real volume segmented and evaluated on ONNX Runtime: the engine’s masks and report',
  { skip: skipReal },
  async () => {
    const image = await readNifti(join(HIPPO as string, 'images/hippocampus_003.nii.gz'));
    const label = await readNifti(join(HIPPO as string, 'labels/hippocampus_003.nii.gz'));
    const config = presetConfig('nasunet', 'tiny', { inChannels: 1, nClasses: 3 });
    const { net, bundle } = noisyModel('nasunet', config, {
      genotype: referenceGenotype('v2'),
      padMultiple: 8,
    });
    // Windows of 32 x 32 over the padded slices: the sliding-window path runs too.
    const pre = {
      ...inferenceSpec(bundle.manifest),
      inputSize: [32, 32] as [number, number],
    };
    const onnx = await createServingModel('onnx', { net, onnx: () => exportOnnx(bundle) }, 1);
    try {
      assert.equal(onnx.runtime, 'onnx');
      const want = segmentVolumeClasses(net, image, pre, { batchSize: 3 });
      const got = await runForwardStepsAsync(segmentVolumeSteps(image, pre, { batchSize: 3 }), onnx);
      assert.equal(got.length, image.data.length);
      const differ = got.filter((v, i) => v !== want[i]).length;
      assert.ok(differ <= got.length * 1e-4, `${differ} of ${got.length} voxels differ`);
      assert.ok(new Set(got).size === 3, 'every class occurs in the mask');

      const cases = [{ id: 'hippocampus_003', image, label }];
      const classes = bundle.manifest.preprocessing.classes;
      const a = evaluateCases(net, cases, pre, classes, { hd95: false });
      const b = await evaluateCasesAsync(onnx, cases, pre, classes, { hd95: false });
      assert.ok(Math.abs(a.meanDice - b.meanDice) < 1e-3, `mean Dice ${a.meanDice} vs ${b.meanDice}`);
    } finally {
      await onnx.dispose();
      net.dispose();
    }
  },
);
