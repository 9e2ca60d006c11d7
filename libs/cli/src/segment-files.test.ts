/**
 * What `segment` writes: a palette mask PNG that shows the class colours and keeps the
 * label codes as its pixel values, a grey PNG of the raw codes, a NIfTI of the codes for
 * volumes, and an overlay whose legend shows each class's colour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { decodeImage2D, makeVolume, readNifti } from '../../data/src/index.js';
import { classColor, legendSwatch } from './overlay.js';
import { writeSegmentation } from './segment-files.js';

const work = mkdtempSync(join(tmpdir(), 'nasunet-segfiles-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** Label codes 0, 1 and 3: the code of a class is not its index. */
const CLASSES = [
  { code: 0, name: 'background' },
  { code: 1, name: 'anterior' },
  { code: 3, name: 'posterior' },
];

/** The palette indices of an 8-bit, unfiltered palette PNG (as encodePngPalette writes it). */
function paletteIndices(png: Buffer): { colourType: number; indices: number[] } {
  const width = png.readUInt32BE(16);
  const colourType = png[25] as number;
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o);
    if (png.toString('latin1', o + 4, o + 8) === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += len + 12;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const indices: number[] = [];
  for (let r = 0; r * (width + 1) < rows.length; r++) {
    assert.equal(rows[r * (width + 1)], 0, 'filter type none');
    indices.push(...rows.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)));
  }
  return { colourType, indices };
}

test('a 2D mask PNG shows class colours, keeps the codes as palette indices; labels.png holds the raw codes', async () => {
  const [X, Y] = [6, 4];
  const indices = Uint8Array.from({ length: X * Y }, (_, i) => (i % X < 2 ? 0 : i % X < 4 ? 1 : 2));
  const image = makeVolume(
    Float32Array.from(indices, (k) => k * 50),
    [X, Y, 1],
  );
  const codes = [...indices].map((k) => CLASSES[k]?.code);
  const r = await writeSegmentation('/in/scan.png', image, indices, CLASSES, join(work, 'png'));
  assert.equal(r.maskPath, join(work, 'png', 'scan-mask.png'));
  assert.equal(r.labelsPath, join(work, 'png', 'scan-labels.png'));
  assert.deepEqual(r.classVoxels, { background: 8, anterior: 8, posterior: 8 });

  const mask = readFileSync(r.maskPath);
  const raw = paletteIndices(mask);
  assert.equal(raw.colourType, 3, 'an indexed-colour PNG');
  assert.deepEqual(raw.indices, codes, 'palette indices are the label codes');
  const rgba = pngjs.PNG.sync.read(mask).data;
  indices.forEach((k, i) => {
    assert.deepEqual([...rgba.subarray(4 * i, 4 * i + 3)], [...classColor(k)], `colour of pixel ${i}`);
  });

  const labels = decodeImage2D(readFileSync(r.labelsPath), 'labels.png');
  assert.deepEqual(labels.shape, [X, Y, 1]);
  assert.deepEqual([...labels.data], codes, 'labels.png decodes to the exact label codes');
});

test('the overlay has a legend swatch of each foreground class colour below the image', async () => {
  const [X, Y] = [6, 4];
  const indices = Uint8Array.from({ length: X * Y }, (_, i) => (i % X < 3 ? 1 : 2));
  const image = makeVolume(new Float32Array(X * Y), [X, Y, 1]);
  const r = await writeSegmentation('/in/scan.png', image, indices, CLASSES, join(work, 'overlay'));
  const png = pngjs.PNG.sync.read(readFileSync(r.overlayPath));
  const imageHeight = Y * 8; // small images are enlarged 8x
  assert.ok(png.height > imageHeight, 'the legend sits below the image');
  for (const k of [1, 2]) {
    const s = legendSwatch(k, imageHeight);
    const [x, y] = [s.x + Math.floor(s.size / 2), s.y + Math.floor(s.size / 2)];
    const o = (y * png.width + x) * 4;
    assert.deepEqual([...png.data.subarray(o, o + 3)], [...classColor(k)], `swatch of class ${k}`);
  }
  const below = legendSwatch(3, imageHeight);
  const o = ((below.y + 2) * png.width + below.x + 2) * 4;
  assert.deepEqual([...png.data.subarray(o, o + 3)], [0, 0, 0], 'no swatch for a class the model lacks');
});

test('a volume is written as a NIfTI of the label codes, which is also the raw output', async () => {
  const shape: [number, number, number] = [4, 3, 2];
  const indices = Uint8Array.from({ length: 24 }, (_, i) => i % 3);
  const image = makeVolume(new Float32Array(24).fill(1), shape);
  const r = await writeSegmentation('/in/case.nii.gz', image, indices, CLASSES, join(work, 'nii'));
  assert.equal(r.maskPath, join(work, 'nii', 'case-mask.nii.gz'));
  assert.equal(r.labelsPath, r.maskPath);
  const mask = await readNifti(r.maskPath);
  assert.deepEqual(mask.shape, shape);
  assert.deepEqual(
    [...mask.data],
    [...indices].map((k) => CLASSES[k]?.code),
  );
});
