/**
 * DICOM bench: reading a series into a volume, moving it onto an RAS 1 mm model grid,
 * writing its SEG and reading the SEG back, for the two samples of
 * ../shared/data/dicom-samples; pydicom (Debian `python3-pydicom`) reads the same series
 * and SEG in the same run as the reference. Then, when dcmtk is installed, the per-slice
 * cost of reading compressed copies of the T1 series (libs/dicom testing/compressed-copies)
 * against the uncompressed read. Median of `--reps` runs after one warm-up; prints the
 * load average beside the figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toModelGrid } from '../../libs/data/src/index.js';
import {
  dicomDirInputs,
  readDicomSeries,
  readSegmentationMask,
  SUPPORTED_TRANSFER_SYNTAXES,
  writeSeriesSegmentation,
} from '../../libs/dicom/src/index.js';
import { COPY_SYNTAXES, compressedCopy, hasDcmtk } from '../../libs/dicom/src/testing/compressed-copies.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1] ?? 5) || 5;
const samples = fileURLToPath(new URL('../../../../shared/data/dicom-samples', import.meta.url));

async function median(f: () => unknown): Promise<number> {
  await f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    await f();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)] as number;
}

/** pydicom's median ms to read the folder's files and sort them along the normal, and to decode the SEG. */
function pydicom(dir: string, seg: string): [number, number] | undefined {
  const script = `
import sys, glob, os, time, statistics, numpy as np, pydicom
def series():
    ds = [pydicom.dcmread(f) for f in sorted(glob.glob(os.path.join(sys.argv[1], '*')))]
    n = np.cross(np.array(ds[0].ImageOrientationPatient[:3], float), np.array(ds[0].ImageOrientationPatient[3:], float))
    ds.sort(key=lambda d: float(np.dot(n, np.array(d.ImagePositionPatient, float))))
    return np.stack([d.pixel_array * float(getattr(d, 'RescaleSlope', 1)) + float(getattr(d, 'RescaleIntercept', 0)) for d in ds])
def seg():
    return pydicom.dcmread(sys.argv[2]).pixel_array
out = []
for f in (series, seg):
    f(); t = []
    for _ in range(int(sys.argv[3])):
        s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1000)
    out.append(statistics.median(t))
print(*out)`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, dir, seg, String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [a, b] = r.stdout.trim().split(' ').map(Number);
  return [a as number, b as number];
}

const [l1, l5] = loadavg();
console.log(
  `# DICOM bench: median of ${reps}; load average ${l1?.toFixed(2)} ${l5?.toFixed(2)}; ${new Date().toISOString()}`,
);
console.log(
  'series | shape | read ms (pydicom ms, ratio) | to RAS 1 mm ms | SEG write ms | SEG read ms (pydicom ms, ratio)',
);
const work = mkdtempSync(join(tmpdir(), 'nasunet-bench-dicom-'));
try {
  for (const name of ['11_HCropVolume', '11-T1post-18670']) {
    const dir = join(samples, name);
    const inputs = dicomDirInputs(dir);
    const read = await median(() => readDicomSeries(inputs));
    const series = await readDicomSeries(inputs);
    const grid = await median(() => toModelGrid(series.volume, 'RAS', [1, 1, undefined]));
    const mask = Uint8Array.from(series.volume.data, (v) => (v > 300 ? 1 : v > 150 ? 2 : 0));
    const classes = [{ name: 'background' }, { name: 'bright' }, { name: 'mid' }];
    const model = { name: 'bench', version: '1', weightsDigest: 'sha256:00', genotype: null };
    const write = await median(() => writeSeriesSegmentation(series, mask, classes, model));
    const seg = writeSeriesSegmentation(series, mask, classes, model).bytes;
    const segRead = await median(() => readSegmentationMask(seg, series));
    writeFileSync(join(work, 'seg.dcm'), seg);
    const ref = pydicom(dir, join(work, 'seg.dcm'));
    const vs = (ours: number, theirs: number | undefined) =>
      theirs === undefined
        ? `${ours.toFixed(1)} (no pydicom)`
        : `${ours.toFixed(1)} (${theirs.toFixed(1)}, ${(ours / theirs).toFixed(2)})`;
    console.log(
      `${name} | ${series.volume.shape.join('x')} | ${vs(read, ref?.[0])} | ${grid.toFixed(1)} | ${write.toFixed(1)} | ${vs(segRead, ref?.[1])}`,
    );
  }
  if (hasDcmtk) {
    const name = '11-T1post-18670';
    const perSlice = async (dir: string) => {
      const inputs = dicomDirInputs(dir);
      return (await median(() => readDicomSeries(inputs))) / inputs.length;
    };
    const plain = await perSlice(join(samples, name));
    console.log(`\n${name}: read ms per slice by transfer syntax (uncompressed ${plain.toFixed(1)}, ratio)`);
    for (const syntax of COPY_SYNTAXES.filter((s) => SUPPORTED_TRANSFER_SYNTAXES[s] !== undefined)) {
      await compressedCopy(join(samples, name), join(work, syntax), syntax);
      const ms = await perSlice(join(work, syntax));
      console.log(`${SUPPORTED_TRANSFER_SYNTAXES[syntax]} | ${ms.toFixed(1)} (${(ms / plain).toFixed(1)})`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
