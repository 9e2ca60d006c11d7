/**
 * A model that records the orientation and spacing it was trained in segments the same
 * anatomy alike whether it arrives as a NIfTI (RAS, 1 mm) or as a DICOM series (LPS, finer
 * pixels): the one segmentation path moves the volume onto the model's grid and the mask
 * back onto the source grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../tensor/src/index.js';
import { orientationFromAffine, type Volume } from '../../data/src/index.js';
import { UNET_PRESETS, UNet } from '../../nas/src/index.js';
import { segmentVolumeClasses, type InferenceSpec } from './index.js';

await initBackend({ backend: 'cpu', logger: () => {} });

const [X, Y, Z] = [16, 12, 2];

function volume(data: Float32Array, shape: [number, number, number], affine: number[][]): Volume {
  const spacingMm = [0, 1, 2].map((c) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!)) as [
    number,
    number,
    number,
  ];
  return { data, shape, spacingMm, affine, orientation: orientationFromAffine(affine) };
}

/** The anatomy as NIfTI: RAS, 1 mm, a smooth random pattern. */
const anatomy = Float32Array.from(
  { length: X * Y * Z },
  (_, i) => Math.sin(i * 0.37) * 3 + Math.cos(i * 0.11),
);
const nifti = volume(
  anatomy,
  [X, Y, Z],
  [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ],
);

/** The same anatomy as DICOM gives it: LPS (x and y reversed), pixels of 0.5 mm (each voxel twice in x and y). */
const dicomData = new Float32Array(2 * X * 2 * Y * Z);
for (let z = 0; z < Z; z++)
  for (let y = 0; y < 2 * Y; y++)
    for (let x = 0; x < 2 * X; x++) {
      const sx = X - 1 - (x >> 1);
      const sy = Y - 1 - (y >> 1);
      dicomData[x + 2 * X * (y + 2 * Y * z)] = anatomy[sx + X * (sy + Y * z)]!;
    }
const dicom = volume(
  dicomData,
  [2 * X, 2 * Y, Z],
  [
    [-0.5, 0, 0, X - 0.75],
    [0, -0.5, 0, Y - 0.75],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ],
);

const net = new UNet({ ...UNET_PRESETS.tiny, nClasses: 3 }, { seed: 3 });
const pre = (orientation: string, spacingMm: number[] | null): InferenceSpec => ({
  sliceAxis: 2,
  normalization: { kind: 'fixed', mean: 0, std: 2 },
  padMultiple: 8,
  padMode: 'zero',
  inputSize: [16, 16],
  nClasses: 3,
  orientation,
  spacingMm,
});

/** The DICOM-grid mask seen on the NIfTI grid (the source voxel at each NIfTI voxel's centre). */
function onNiftiGrid(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(X * Y * Z);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++)
        out[x + X * (y + Y * z)] = mask[2 * (X - 1 - x) + 2 * X * (2 * (Y - 1 - y) + 2 * Y * z)]!;
  return out;
}

test('the same anatomy as NIfTI and as DICOM gets the same mask when the model records its grid', () => {
  const recorded = pre('RAS', [1, 1, 1]);
  const fromNifti = segmentVolumeClasses(net, nifti, recorded);
  const fromDicom = segmentVolumeClasses(net, dicom, recorded);
  assert.equal(fromDicom.length, 4 * X * Y * Z);
  assert.ok(new Set(fromNifti).size >= 2, 'the mask has two classes or more');
  assert.deepEqual(onNiftiGrid(fromDicom), fromNifti);
  // Each NIfTI voxel's label covers the 2 x 2 DICOM pixels of that voxel.
  for (let y = 0; y < 2 * Y; y++)
    for (let x = 0; x < 2 * X; x++)
      assert.equal(fromDicom[x + 2 * X * y], fromDicom[(x & ~1) + 2 * X * (y & ~1)]);
  // A bundle recording no grid segments the series as stored: another mask.
  const asStored = segmentVolumeClasses(net, dicom, pre('as-stored', null));
  assert.notDeepEqual(onNiftiGrid(asStored), fromNifti);
});
