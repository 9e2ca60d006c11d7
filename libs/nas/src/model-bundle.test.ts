import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf, type Tensor4D } from '../../tensor/src/index.js';
import {
  DataFormatError,
  IntegrityError,
  NotFoundError,
  ShapeError,
  ValidationError,
} from '../../core/src/errors.js';
import {
  FixedNetwork,
  NASUNET_PRESETS,
  UNet,
  UNET_PRESETS,
  FCDENSENET_PRESETS,
  FcDenseNet,
  createModelBundle,
  createModelBundleAsync,
  loadModelBundle,
  readModelBundleDir,
  referenceGenotype,
  sha256Hex,
  writeModelBundleDir,
  type ModelBundle,
  type ModelDescription,
  type NamedWeightsNet,
} from './index.js';

await initBackend({ backend: 'cpu' });

const cfg = NASUNET_PRESETS.tiny;
const v2 = referenceGenotype('v2');
const preprocessing: ModelDescription['preprocessing'] = {
  inputChannels: 1,
  sliceAxis: 2,
  orientation: 'RAS',
  spacingMm: [0.625, 0.625, 3.6],
  normalization: { kind: 'fixed', mean: 412.5, std: 130.25 },
  padMultiple: 8,
  classes: [
    { code: 0, name: 'background' },
    { code: 1, name: 'prostate' },
  ],
};
const desc: ModelDescription = {
  architecture: { key: 'nasunet', config: cfg },
  genotype: v2,
  preprocessing,
  metadata: { dataset: 'synthetic' },
};
const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 21) as Tensor4D;

function outputs(net: NamedWeightsNet): number[] {
  return tf.tidy(() => [...net.apply(x, false).dataSync()]);
}

function makeBundle(): { net: FixedNetwork; bundle: ModelBundle } {
  const net = FixedNetwork.fromGenotype(v2, cfg, { seed: 17 });
  return { net, bundle: createModelBundle(net, desc) };
}

test('in memory: save -> load gives identical outputs (a fresh net differs)', () => {
  const { net, bundle } = makeBundle();
  assert.equal(bundle.manifest.formatVersion, 1);
  assert.equal(bundle.weights.byteLength, 4 * net.parameterCount());
  assert.equal(bundle.manifest.weightsSha256, sha256Hex(bundle.weights));
  assert.equal(bundle.manifest.preprocessing.padMode, 'zero');
  const fresh = FixedNetwork.fromGenotype(v2, cfg, { seed: 0 });
  assert.notDeepEqual(outputs(fresh), outputs(net));
  // the manifest survives JSON text, as it does through the registry and gRPC
  const { net: loaded, manifest } = loadModelBundle({
    manifest: JSON.parse(JSON.stringify(bundle.manifest)),
    weights: bundle.weights.slice(),
  });
  assert.deepEqual(outputs(loaded), outputs(net));
  assert.deepEqual(manifest.genotype, v2);
  assert.deepEqual(manifest.preprocessing.classes[1], { code: 1, name: 'prostate' });
  for (const n of [net, fresh, loaded]) n.dispose();
});

test('async bundle creation gives the same bytes and manifest', async () => {
  const { net, bundle } = makeBundle();
  const again = await createModelBundleAsync(net, desc);
  assert.deepEqual(again.manifest, bundle.manifest);
  assert.deepEqual(again.weights, bundle.weights);
  net.dispose();
});

test('weights are little-endian float32 at the recorded offsets', () => {
  const { net, bundle } = makeBundle();
  const spec = bundle.manifest.weights[3]!;
  const v = net
    .namedWeights()
    .find((p) => p.name === spec.name)!
    .variable.dataSync();
  const view = new DataView(bundle.weights.buffer, bundle.weights.byteOffset);
  assert.equal(view.getFloat32(spec.offset, true), v[0]);
  assert.equal(view.getFloat32(spec.offset + 4 * (v.length - 1), true), v[v.length - 1]);
  net.dispose();
});

test('directory: write -> read -> load gives identical outputs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nas-bundle-'));
  try {
    const { net, bundle } = makeBundle();
    await writeModelBundleDir(join(dir, 'm'), bundle);
    const { net: loaded } = loadModelBundle(await readModelBundleDir(join(dir, 'm')));
    assert.deepEqual(outputs(loaded), outputs(net));
    // U-Net too
    const u = new UNet(UNET_PRESETS.tiny, { seed: 3 });
    await writeModelBundleDir(
      join(dir, 'u'),
      createModelBundle(u, {
        ...desc,
        architecture: { key: 'unet', config: UNET_PRESETS.tiny },
        genotype: null,
      }),
    );
    const { net: u2 } = loadModelBundle(await readModelBundleDir(join(dir, 'u')));
    assert.ok(u2 instanceof UNet);
    assert.deepEqual(outputs(u2), outputs(u));
    // FC-DenseNet too, in memory
    const fd = new FcDenseNet(FCDENSENET_PRESETS.tiny, { seed: 4 });
    const fb = createModelBundle(fd, {
      ...desc,
      architecture: { key: 'fcdensenet', config: FCDENSENET_PRESETS.tiny },
      genotype: null,
    });
    const { net: fd2 } = loadModelBundle(fb);
    assert.deepEqual(outputs(fd2), outputs(fd));
    fd.dispose();
    fd2.dispose();
    // bad files
    await assert.rejects(readModelBundleDir(join(dir, 'missing')), NotFoundError);
    await writeFile(join(dir, 'm', 'manifest.json'), '{ broken');
    await assert.rejects(
      readModelBundleDir(join(dir, 'm')),
      (e: unknown) => e instanceof DataFormatError && e.message.includes('manifest.json'),
    );
    for (const n of [net, loaded, u, u2]) n.dispose();
    assert.ok((await readFile(join(dir, 'u', 'weights.bin'))).byteLength > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loading refuses a changed byte, a wrong shape, a missing or extra tensor, naming it', () => {
  const { net, bundle } = makeBundle();
  const m = bundle.manifest;
  const corrupt = bundle.weights.slice();
  corrupt[100]! ^= 0xff;
  assert.throws(
    () => loadModelBundle({ manifest: m, weights: corrupt }),
    (e: unknown) => e instanceof IntegrityError && e.message.includes('SHA-256'),
  );
  assert.throws(() => loadModelBundle({ manifest: m, weights: bundle.weights.slice(4) }), IntegrityError);

  const reshaped = structuredClone(m);
  const w0 = reshaped.weights[0]!;
  w0.shape = [...w0.shape.slice(0, -1), w0.shape[w0.shape.length - 1]! + 1];
  assert.throws(
    () => loadModelBundle({ manifest: reshaped, weights: bundle.weights }),
    (e: unknown) => e instanceof ShapeError && e.message.includes(`'${w0.name}'`),
  );

  const renamed = structuredClone(m);
  const name = renamed.weights[5]!.name;
  renamed.weights[5]!.name = 'down0.extra.w';
  assert.throws(
    () => loadModelBundle({ manifest: renamed, weights: bundle.weights }),
    (e: unknown) =>
      e instanceof IntegrityError && (e.message.includes('down0.extra.w') || e.message.includes(name)),
  );
  const dropped = structuredClone(m);
  dropped.weights.splice(2, 1);
  assert.throws(
    () => loadModelBundle({ manifest: dropped, weights: bundle.weights }),
    (e: unknown) => e instanceof IntegrityError && e.message.includes(m.weights[2]!.name),
  );

  const otherGenotype = structuredClone(m);
  otherGenotype.genotype!.down[0] = ['down_cweight', 1];
  assert.throws(() => loadModelBundle({ manifest: otherGenotype, weights: bundle.weights }), IntegrityError);
  net.dispose();
});

test('descriptions that disagree with the architecture or the schema are refused naming the field', () => {
  const net = FixedNetwork.fromGenotype(v2, cfg);
  assert.throws(
    () =>
      createModelBundle(net, {
        ...desc,
        preprocessing: { ...preprocessing, classes: [{ code: 0, name: 'bg' }] },
      }),
    (e: unknown) => e instanceof ValidationError && e.message.includes('preprocessing.classes'),
  );
  assert.throws(
    () => createModelBundle(net, { ...desc, preprocessing: { ...preprocessing, inputChannels: 3 } }),
    (e: unknown) => e instanceof ValidationError && e.message.includes('inputChannels'),
  );
  assert.throws(
    () => createModelBundle(net, { ...desc, preprocessing: { ...preprocessing, spacingMm: [0.5, -1] } }),
    (e: unknown) => e instanceof ValidationError && e.message.includes('preprocessing.spacingMm.1'),
  );
  assert.throws(
    () => createModelBundle(net, { ...desc, preprocessing: { ...preprocessing, sliceAxis: 3 as 2 } }),
    (e: unknown) => e instanceof ValidationError && e.message.includes('sliceAxis'),
  );
  net.dispose();
});
