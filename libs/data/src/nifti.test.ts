import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { DataFormatError, NotFoundError, ResourceLimitError } from '../../core/src/index.js';
import { encodeNifti, makeVolume, parseNifti, readNifti, writeNifti } from './index.js';
import { hippocampusDir, rawNifti, tempDir } from './fixtures.js';

const HIPPO = hippocampusDir();
const skipReal = HIPPO ? false : 'shared data ../shared/data/msd-hippocampus is absent (present in CI)';
const at = (shape: number[], x: number, y: number, z: number): number =>
  x + (shape[0] as number) * (y + (shape[1] as number) * z);

// Reference values below were obtained independently with python3: gzip.open(...).read(),
// struct.unpack on the 348-byte header (dims at 40, datatype at 70, pixdim at 76, qform/sform
// codes at 252/254, srow at 280..328) and numpy.frombuffer of the voxels at offset 352.
test('reads a real uint8 MSD image: shape, spacing, affine, voxels', { skip: skipReal }, async () => {
  const v = await readNifti(join(HIPPO as string, 'images/hippocampus_001.nii.gz'));
  assert.deepEqual(v.shape, [35, 51, 35]);
  assert.deepEqual(v.spacingMm, [1, 1, 1]);
  // sform_code = 1, srow_x = (1,0,0,1), srow_y = (0,1,0,1), srow_z = (0,0,1,1)
  assert.deepEqual(v.affine, [
    [1, 0, 0, 1],
    [0, 1, 0, 1],
    [0, 0, 1, 1],
    [0, 0, 0, 1],
  ]);
  assert.equal(v.orientation, 'RAS');
  assert.equal(v.data[at(v.shape, 0, 0, 0)], 42);
  assert.equal(v.data[at(v.shape, 34, 50, 34)], 12);
  assert.equal(v.data[at(v.shape, 10, 20, 15)], 56);
  assert.equal(v.data[at(v.shape, 17, 25, 18)], 37);
  assert.equal(v.data[at(v.shape, 20, 30, 10)], 92);
  assert.equal(
    v.data.reduce((a, b) => a + b, 0),
    3968524,
  );
});

test('reads a real float32 MSD image and its label', { skip: skipReal }, async () => {
  const v = await readNifti(join(HIPPO as string, 'images/hippocampus_003.nii.gz'));
  assert.deepEqual(v.shape, [34, 52, 35]);
  assert.equal(v.data[at(v.shape, 0, 0, 0)], 387.33306884765625);
  assert.equal(v.data[at(v.shape, 33, 51, 34)], 381.37408447265625);
  assert.equal(v.data[at(v.shape, 17, 25, 18)], 560.1431884765625);
  let sum = 0;
  for (const x of v.data) sum += x;
  assert.ok(Math.abs(sum - 29866089.86869049) < 1e-3);
  const l = await readNifti(join(HIPPO as string, 'labels/hippocampus_003.nii.gz'));
  const counts = [0, 0, 0];
  for (const x of l.data) counts[x] = (counts[x] as number) + 1;
  assert.deepEqual(counts, [58527, 1550, 1803]);
  assert.equal(l.data[at(l.shape, 10, 20, 15)], 2);
});

test('decodes each datatype, little and big endian', () => {
  const values = [0, 1, 2, 3, 4, 5, 6, 100];
  for (const datatype of [2, 4, 8, 16, 64, 512] as const) {
    for (const bigEndian of [false, true]) {
      const v = parseNifti(rawNifti({ dims: [2, 2, 2], datatype, values, bigEndian }), `dt${datatype}.nii`);
      assert.deepEqual([...v.data], values, `datatype ${datatype} bigEndian ${bigEndian}`);
    }
  }
  const neg = parseNifti(rawNifti({ dims: [2, 1, 1], datatype: 4, values: [-300, 300] }), 'i16.nii');
  assert.deepEqual([...neg.data], [-300, 300]);
});

test('applies scl_slope and scl_inter; slope 0 means unscaled', () => {
  const v = parseNifti(
    rawNifti({ dims: [3, 1, 1], datatype: 4, values: [0, 10, -4], slope: 0.5, inter: 100 }),
    's.nii',
  );
  assert.deepEqual([...v.data], [100, 105, 98]);
  const u = parseNifti(
    rawNifti({ dims: [2, 1, 1], datatype: 2, values: [7, 9], slope: 0, inter: 5 }),
    'u.nii',
  );
  assert.deepEqual([...u.data], [7, 9]);
});

test('affine from qform (180 deg about z -> LPS) and from sform; spacing from pixdim', () => {
  const q = parseNifti(
    rawNifti({
      dims: [2, 2, 2],
      datatype: 2,
      values: [0, 0, 0, 0, 0, 0, 0, 0],
      pixdim: [0.5, 0.75, 2],
      qform: { b: 0, c: 0, d: 1, x: 10, y: 20, z: -5 },
    }),
    'q.nii',
  );
  assert.deepEqual(q.spacingMm, [0.5, 0.75, 2]);
  assert.equal(q.orientation, 'LPS');
  assert.ok(Math.abs((q.affine[0]?.[0] as number) + 0.5) < 1e-6);
  assert.ok(Math.abs((q.affine[1]?.[1] as number) + 0.75) < 1e-6);
  assert.equal(q.affine[2]?.[2], 2);
  assert.deepEqual([q.affine[0]?.[3], q.affine[1]?.[3], q.affine[2]?.[3]], [10, 20, -5]);
  const flipped = parseNifti(
    rawNifti({
      dims: [1, 1, 2],
      datatype: 2,
      values: [0, 0],
      qform: { b: 0, c: 0, d: 0, x: 0, y: 0, z: 0, qfac: -1 },
    }),
    'qfac.nii',
  );
  assert.equal(flipped.orientation, 'RAI');
  assert.equal(flipped.affine[2]?.[2], -1);
  // sform permuting axes: voxel i -> world -z (I), j -> +x (R), k -> +y (A).
  const s = parseNifti(
    rawNifti({
      dims: [1, 1, 1],
      datatype: 2,
      values: [0],
      sform: [
        [0, 2, 0, 1],
        [0, 0, 3, 2],
        [-1, 0, 0, 3],
      ],
    }),
    's.nii',
  );
  assert.equal(s.orientation, 'IRA');
  assert.deepEqual(s.affine[2], [-1, 0, 0, 3]);
});

test('writer round trip keeps values, affine, spacing; gzip by extension', async () => {
  const dir = await tempDir();
  const vol = makeVolume(new Float32Array([0, 1, 2, 1, 0, 2]), [3, 2, 1], [0.5, 0.5, 3]);
  vol.affine[0]![3] = -12.5;
  const path = join(dir, 'mask.nii.gz');
  await writeNifti(path, vol, 'uint8');
  const bytes = await readFile(path);
  assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
  const back = await readNifti(path);
  assert.deepEqual([...back.data], [0, 1, 2, 1, 0, 2]);
  assert.deepEqual(back.shape, [3, 2, 1]);
  assert.deepEqual(back.spacingMm, [0.5, 0.5, 3]);
  assert.equal(back.affine[0]?.[3], -12.5);
  const f = parseNifti(
    encodeNifti(makeVolume(new Float32Array([1.25, -3.5]), [2, 1, 1]), 'float32'),
    'f.nii',
  );
  assert.deepEqual([...f.data], [1.25, -3.5]);
  assert.throws(
    () => encodeNifti(makeVolume(new Float32Array([300]), [1, 1, 1]), 'uint8'),
    /does not fit uint8/,
  );
});

test('truncated .nii.gz, corrupt gzip, truncated data, NaN and missing file name the file', async () => {
  const dir = await tempDir();
  const good = gzipSync(
    rawNifti({ dims: [8, 8, 8], datatype: 16, values: Array.from({ length: 512 }, (_, i) => i) }),
  );
  const trunc = join(dir, 'trunc.nii.gz');
  await writeFile(trunc, good.subarray(0, Math.floor(good.length / 2)));
  await assert.rejects(
    readNifti(trunc),
    (e: unknown) => e instanceof DataFormatError && e.message.includes(trunc),
  );

  const corrupt = join(dir, 'corrupt.nii.gz');
  const bad = new Uint8Array(good);
  bad.fill(0xff, 10, 60);
  await writeFile(corrupt, bad);
  await assert.rejects(
    readNifti(corrupt),
    (e: unknown) => e instanceof DataFormatError && e.message.includes(corrupt),
  );

  const raw = rawNifti({ dims: [4, 4, 4], datatype: 16, values: Array.from({ length: 64 }, () => 1) });
  const shortFile = join(dir, 'short.nii');
  await writeFile(shortFile, raw.subarray(0, 352 + 100));
  await assert.rejects(
    readNifti(shortFile),
    (e: unknown) => e instanceof DataFormatError && /short\.nii: truncated/.test(e.message),
  );

  const nan = join(dir, 'nan.nii');
  await writeFile(nan, rawNifti({ dims: [2, 1, 1], datatype: 16, values: [1, NaN] }));
  await assert.rejects(
    readNifti(nan),
    (e: unknown) => e instanceof DataFormatError && e.message.includes(nan) && /non-finite/.test(e.message),
  );

  const notNifti = join(dir, 'text.nii');
  await writeFile(notNifti, 'hello world'.repeat(50));
  await assert.rejects(
    readNifti(notNifti),
    (e: unknown) => e instanceof DataFormatError && e.message.includes(notNifti),
  );

  await assert.rejects(
    readNifti(join(dir, 'nope.nii.gz')),
    (e: unknown) => e instanceof NotFoundError && e.message.includes('nope.nii.gz'),
  );
});

/** A small float32 NIfTI-1 file whose header fields `edit` changes (offsets of the NIfTI-1 layout). */
function editedHeader(edit: (v: DataView) => void): Uint8Array {
  const bytes = encodeNifti(makeVolume(new Float32Array(8), [2, 2, 2], [1, 1, 1]), 'float32');
  edit(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return bytes;
}

test('sizes are checked from the header before the voxel data is inflated', () => {
  // A header declaring 1024 x 1024 x 256 float32 voxels (1 GiB) with almost no data: the
  // gzip bomb is refused as too large, not decompressed and then found truncated.
  const bomb = editedHeader((v) => {
    v.setInt16(42, 1024, true);
    v.setInt16(44, 1024, true);
    v.setInt16(46, 256, true);
  });
  const limit = 512 * 512 * 512;
  for (const bytes of [bomb, gzipSync(bomb)]) {
    assert.throws(
      () => parseNifti(bytes, 'bomb.nii', { maxVoxels: limit }),
      (e: unknown) =>
        e instanceof ResourceLimitError && /1024x1024x256 = 268435456 voxels exceeds/.test(e.message),
    );
  }
  // Without a limit it is the truncation that is reported.
  assert.throws(() => parseNifti(bomb, 'bomb.nii'), DataFormatError);
  // Within the limit a well-formed file still reads.
  const ok = editedHeader(() => {});
  assert.deepEqual(parseNifti(gzipSync(ok), 'ok.nii.gz', { maxVoxels: 8 }).shape, [2, 2, 2]);
  assert.throws(() => parseNifti(ok, 'ok.nii', { maxVoxels: 7 }), ResourceLimitError);
});

test('a data offset inside the header and implausible spacings are format errors, not crashes', () => {
  const offset = editedHeader((v) => v.setFloat32(108, -1000, true));
  assert.throws(
    () => parseNifti(offset, 'offset.nii'),
    (e: unknown) => e instanceof DataFormatError && /invalid vox_offset -1000/.test(e.message),
  );
  const spacing = editedHeader((v) => v.setFloat32(80, 3.0e38, true));
  assert.throws(
    () => parseNifti(spacing, 'spacing.nii'),
    (e: unknown) => e instanceof DataFormatError && /spacing .* not plausible/.test(e.message),
  );
});

test('readNifti (inflating on the thread pool) reads what parseNifti does and bounds the inflation alike', async () => {
  const dir = await tempDir();
  try {
    const vol = makeVolume(
      Float32Array.from({ length: 24 }, (_, i) => i - 3.5),
      [2, 3, 4],
      [1, 2, 3],
    );
    const bytes = encodeNifti(vol, 'float32');
    const file = join(dir, 'v.nii.gz');
    await writeFile(file, gzipSync(bytes));
    const fromDisk = await readNifti(file);
    assert.deepEqual(fromDisk, parseNifti(gzipSync(bytes), file));
    assert.deepEqual(Array.from(fromDisk.data), Array.from(vol.data));
    // More compressed data than the header declares: refused before it is all inflated.
    const longer = new Uint8Array(bytes.length + 4096);
    longer.set(bytes);
    const over = join(dir, 'over.nii.gz');
    await writeFile(over, gzipSync(longer));
    for (const read of [() => readNifti(over), async () => parseNifti(gzipSync(longer), over)]) {
      await assert.rejects(
        read,
        (e: unknown) => e instanceof DataFormatError && /holds more than the header declares/.test(e.message),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
