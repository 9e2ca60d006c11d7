/**
 * The files of `segment`, in-process or through the services: its input (a 2D image or a
 * NIfTI volume) and what it writes for it:
 * - a 2D image: `<stem>-mask.png`, a palette PNG whose pixel values are the label codes
 *   and whose colours are those of the overlay (background black), so it is viewable as it
 *   is; and `<stem>-labels.png`, an 8-bit grey PNG of the raw label codes, for tools that
 *   read PNGs as grey values (e.g. as training masks);
 * - a volume: `<stem>-mask.nii.gz`, uint8 label codes on the input's grid (the raw codes
 *   and what NIfTI viewers show);
 * - a DICOM series: `<stem>-seg.dcm`, a binary DICOM Segmentation on the source series
 *   (one segment per foreground class; libs/dicom);
 * - `<stem>-overlay.png`: the slice with the most foreground, the mask blended in, and a
 *   legend naming the classes.
 */
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ValidationError } from '../../core/src/index.js';
import {
  encodePngGray,
  encodePngPalette,
  extractSlice,
  is2DImagePath,
  isNiftiPath,
  readImage2D,
  readNifti,
  volumeLike,
  writeNifti,
  type ClassInfo,
  type Rgb,
  type Volume,
} from '../../data/src/index.js';
import type { DicomSeries } from '../../dicom/src/index.js';
import { writeFileAtomic } from '../../engine/src/index.js';
import { classColor, renderOverlay } from './overlay.js';
import type { SegmentSummary } from './runner.js';

/**
 * Reads `--input`: a .nii/.nii.gz volume or a .png/.tif/.tiff/.gif image (a 1-slice volume).
 * @throws ValidationError for another extension; DataFormatError / NotFoundError from the readers.
 */
export async function readSegmentInput(input: string): Promise<Volume> {
  if (isNiftiPath(input)) return readNifti(input);
  if (is2DImagePath(input)) return readImage2D(input);
  throw new ValidationError(
    `--input ${input}: expected a .nii/.nii.gz volume or a .png/.tif/.tiff/.gif image`,
  );
}

/** Palette of the mask PNG: the colour of each class at its label code, black elsewhere. */
export function maskPalette(classes: readonly ClassInfo[]): Rgb[] {
  const palette: Rgb[] = Array.from({ length: Math.max(...classes.map((c) => c.code)) + 1 }, () => [0, 0, 0]);
  classes.forEach((c, k) => (palette[c.code] = classColor(k)));
  return palette;
}

/** Index of the z slice with the most foreground voxels (the first on ties). */
function busiestSlice(indices: Uint8Array, sliceSize: number, slices: number): number {
  let best = 0;
  let bestCount = -1;
  for (let z = 0; z < slices; z++) {
    let count = 0;
    for (let i = z * sliceSize; i < (z + 1) * sliceSize; i++) if (indices[i] !== 0) count++;
    if (count > bestCount) {
      bestCount = count;
      best = z;
    }
  }
  return best;
}

/**
 * Writes the outputs of segmenting `input` (read as `volume`) into `outDir`. `indices`
 * holds the class index of every voxel (x fastest, then y, then z), `classes` the model's
 * classes by index (label code and name).
 */
export async function writeSegmentation(
  input: string,
  volume: Volume,
  indices: Uint8Array,
  classes: readonly ClassInfo[],
  outDir: string,
): Promise<SegmentSummary> {
  const [X, Y] = volume.shape;
  const codes = Float32Array.from(indices, (k) => classes[k]?.code ?? 0);
  mkdirSync(outDir, { recursive: true });
  const stem = basename(input).replace(/\.nii\.gz$|\.[^.]+$/i, '');
  let maskPath: string;
  let labelsPath: string;
  if (isNiftiPath(input)) {
    maskPath = labelsPath = join(outDir, `${stem}-mask.nii.gz`);
    await writeNifti(maskPath, volumeLike(volume, codes), 'uint8');
  } else {
    maskPath = join(outDir, `${stem}-mask.png`);
    labelsPath = join(outDir, `${stem}-labels.png`);
    writeFileAtomic(maskPath, encodePngPalette(codes, X, Y, maskPalette(classes)));
    writeFileAtomic(labelsPath, encodePngGray(codes, X, Y));
  }
  const { overlayPath, classVoxels } = writeOverlay(volume, indices, classes, outDir, stem);
  return { maskPath, labelsPath, overlayPath, classVoxels };
}

/**
 * Writes `<stem>-overlay.png` (the busiest slice with the mask and a legend) and counts the
 * voxels of each class.
 */
function writeOverlay(
  volume: Volume,
  indices: Uint8Array,
  classes: readonly ClassInfo[],
  outDir: string,
  stem: string,
): { overlayPath: string; classVoxels: Record<string, number> } {
  const [X, Y, Z] = volume.shape;
  const z = busiestSlice(indices, X * Y, Z);
  const image = extractSlice(volume.data, volume.shape, 2, z, new Float32Array(X * Y));
  const overlayPath = join(outDir, `${stem}-overlay.png`);
  const scale = Math.max(1, Math.min(8, Math.floor(512 / Math.max(X, Y))));
  const names = classes.map((c) => c.name);
  writeFileAtomic(
    overlayPath,
    renderOverlay(image, indices.subarray(z * X * Y, (z + 1) * X * Y), Y, X, scale, names),
  );
  const classVoxels: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const k of indices) {
    const name = names[k];
    if (name !== undefined) classVoxels[name] = (classVoxels[name] ?? 0) + 1;
  }
  return { overlayPath, classVoxels };
}

/**
 * Writes the outputs of segmenting the DICOM series in folder `dir`: `<stem>-seg.dcm`, the
 * SEG `seg` (one segment per foreground class, libs/dicom), and the overlay. `indices` holds
 * the class index of every voxel of `series.volume`, `classes` the model's classes.
 */
export function writeDicomSegmentation(
  dir: string,
  series: DicomSeries,
  indices: Uint8Array,
  classes: readonly ClassInfo[],
  seg: Uint8Array,
  outDir: string,
): SegmentSummary {
  mkdirSync(outDir, { recursive: true });
  const stem = basename(resolve(dir));
  const maskPath = join(outDir, `${stem}-seg.dcm`);
  writeFileAtomic(maskPath, Buffer.from(seg));
  return { maskPath, labelsPath: maskPath, ...writeOverlay(series.volume, indices, classes, outDir, stem) };
}
