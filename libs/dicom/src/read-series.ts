/**
 * Reads one DICOM image series into a `Volume` (RAS+ affine, as every reader of libs/data
 * gives) together with what a derived object (a SEG) must reference: each slice's SOP
 * instance and position in volume order, and the source's patient, study and frame of
 * reference. Refused with a DataFormatError: objects that are not images (SEG, RTSTRUCT,
 * ...), objects of two series, missing or inconsistent geometry, non-uniform spacing, and
 * transfer syntaxes other than uncompressed little endian, deflate and those codecs.ts
 * decodes (see part10.ts). Compressed slices are decoded one at a time, yielding to the
 * event loop between them. Messages name objects by the label the caller gave, never by a
 * patient attribute.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DicomDataset } from 'dcmjs';
import { DataFormatError, NotFoundError } from '../../core/src/index.js';
import { orientationFromAffine, type Volume } from '../../data/src/index.js';
import { decodePixelData } from './codecs.js';
import { flipLpsRas } from './coordinates.js';
import { number, numbers, TAG, text } from './elements.js';
import { seriesGeometry, type SlicePlacement } from './geometry.js';
import { parseDicomObject } from './part10.js';
import { modalityPixels } from './pixels.js';
import { nonImageKind } from './sop-classes.js';

/** One input object: its bytes and the label that names it in messages (e.g. a file name). */
export interface DicomInput {
  label: string;
  bytes: Uint8Array;
}

/** A source slice, in volume order. */
export interface SourceSlice {
  sopClassUid: string;
  sopInstanceUid: string;
  /** ImagePositionPatient (LPS+ mm). */
  position: [number, number, number];
}

/** A series read for segmentation. */
export interface DicomSeries {
  /** Modality values, x = column, y = row, z = slice ascending along the normal. */
  volume: Volume;
  /** The slice at each z of `volume`. */
  slices: SourceSlice[];
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  /** ImageOrientationPatient and PixelSpacing as in the source. */
  orientation: [number, number, number, number, number, number];
  pixelSpacing: [number, number];
  /** SliceThickness of the source (mm), when it has one. */
  sliceThickness: number | undefined;
  /** The first slice's dataset, whose patient and study attributes a derived object copies. */
  header: DicomDataset;
}

function required(ds: DicomDataset, tag: string, name: string, label: string): string {
  const v = text(ds, tag);
  if (v === undefined) throw new DataFormatError(`${label}: ${name} is missing`);
  return v;
}

function placementOf(ds: DicomDataset, label: string): SlicePlacement {
  const position = numbers(ds, TAG.ImagePositionPatient, 'ImagePositionPatient', 3);
  const orientation = numbers(ds, TAG.ImageOrientationPatient, 'ImageOrientationPatient', 6);
  const pixelSpacing = numbers(ds, TAG.PixelSpacing, 'PixelSpacing', 2);
  if (position === undefined || orientation === undefined || pixelSpacing === undefined) {
    throw new DataFormatError(
      `${label}: geometry missing (ImagePositionPatient, ImageOrientationPatient and PixelSpacing are all needed)`,
    );
  }
  if (!pixelSpacing.every((s) => s > 0)) throw new DataFormatError(`${label}: PixelSpacing must be positive`);
  return {
    position: position as SlicePlacement['position'],
    orientation: orientation as SlicePlacement['orientation'],
    pixelSpacing: pixelSpacing as SlicePlacement['pixelSpacing'],
  };
}

/**
 * Reads the series made of `inputs` (any order).
 * @throws DataFormatError (see the module doc); NotFoundError when `inputs` is empty.
 */
export async function readDicomSeries(inputs: readonly DicomInput[]): Promise<DicomSeries> {
  if (inputs.length === 0) throw new NotFoundError('no DICOM objects given');
  const datasets = inputs.map(({ label, bytes }) => {
    const { dataset, transferSyntaxUid } = parseDicomObject(bytes, label);
    const kind = nonImageKind(text(dataset, TAG.SOPClassUID), text(dataset, TAG.Modality));
    if (kind !== undefined) {
      throw new DataFormatError(`${label} is ${kind}, not an image; give the image series to segment`);
    }
    return { label, dataset, transferSyntaxUid };
  });
  const first = datasets[0] as (typeof datasets)[number];
  const seriesInstanceUid = required(first.dataset, TAG.SeriesInstanceUID, 'SeriesInstanceUID', first.label);
  const other = datasets.find((d) => text(d.dataset, TAG.SeriesInstanceUID) !== seriesInstanceUid);
  if (other !== undefined) {
    throw new DataFormatError(
      `${other.label} and ${first.label} belong to two series; give one series at a time`,
    );
  }
  const placements = datasets.map((d) => placementOf(d.dataset, d.label));
  const rows = number(first.dataset, TAG.Rows, 'Rows');
  const columns = number(first.dataset, TAG.Columns, 'Columns');
  const odd = datasets.find(
    (d) =>
      number(d.dataset, TAG.Rows, 'Rows') !== rows || number(d.dataset, TAG.Columns, 'Columns') !== columns,
  );
  if (odd !== undefined) throw new DataFormatError(`${odd.label} has another image size than ${first.label}`);
  const sliceThickness = number(first.dataset, TAG.SliceThickness, 'SliceThickness');
  const singleStep =
    number(first.dataset, TAG.SpacingBetweenSlices, 'SpacingBetweenSlices') ?? sliceThickness ?? 1;
  const geometry = seriesGeometry(placements, singleStep);
  const X = columns as number;
  const Y = rows as number;
  const data = new Float32Array(X * Y * datasets.length);
  const slices: SourceSlice[] = [];
  for (const [z, i] of geometry.order.entries()) {
    const { label, dataset, transferSyntaxUid } = datasets[i] as (typeof datasets)[number];
    await decodePixelData(dataset, transferSyntaxUid, label);
    data.set(modalityPixels(dataset, label), z * X * Y);
    slices.push({
      sopClassUid: required(dataset, TAG.SOPClassUID, 'SOPClassUID', label),
      sopInstanceUid: required(dataset, TAG.SOPInstanceUID, 'SOPInstanceUID', label),
      position: (placements[i] as SlicePlacement).position,
    });
  }
  if (new Set(slices.map((s) => s.sopInstanceUid)).size !== slices.length) {
    throw new DataFormatError('the same SOP instance was given twice');
  }
  const affine = flipLpsRas(geometry.affineLps);
  const firstPlacement = placements[0] as SlicePlacement;
  return {
    volume: {
      data,
      shape: [X, Y, datasets.length],
      spacingMm: geometry.spacingMm,
      affine,
      orientation: orientationFromAffine(affine),
    },
    slices,
    seriesInstanceUid,
    studyInstanceUid: required(first.dataset, TAG.StudyInstanceUID, 'StudyInstanceUID', first.label),
    frameOfReferenceUid: required(first.dataset, TAG.FrameOfReferenceUID, 'FrameOfReferenceUID', first.label),
    orientation: firstPlacement.orientation,
    pixelSpacing: firstPlacement.pixelSpacing,
    sliceThickness,
    header: first.dataset,
  };
}

/**
 * The regular files of `dir` (not its subfolders) as inputs labelled by file name, a
 * DICOMDIR index and hidden files left out.
 * @throws NotFoundError when `dir` holds no files.
 */
export function dicomDirInputs(dir: string): DicomInput[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(`${dir}: no such folder`);
  const names = readdirSync(dir)
    .filter((n) => n !== 'DICOMDIR' && !n.startsWith('.') && statSync(join(dir, n)).isFile())
    .sort();
  if (names.length === 0) throw new NotFoundError(`${dir}: no DICOM files in this folder`);
  return names.map((n) => ({ label: n, bytes: readFileSync(join(dir, n)) }));
}

/**
 * Reads the files of `dir` ({@link dicomDirInputs}) as one series.
 * @throws NotFoundError when `dir` holds no files; see {@link readDicomSeries}.
 */
export function readDicomDir(dir: string): Promise<DicomSeries> {
  return readDicomSeries(dicomDirInputs(dir));
}
