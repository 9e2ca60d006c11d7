/**
 * Encodes a binary DICOM Segmentation (SEG) of a label mask on a source series, written
 * element by element in dcmjs's data model (not dcmjs's `derivations.Segmentation`, whose
 * pitfalls are listed in shared/docs/DICOM-PACS.md):
 * - one segment per class but the background (class 0), numbered by class index, coded
 *   as given or, by default, category SCT 91723000 "Anatomical Structure" and type
 *   SCT 85756007 "Tissue" (a type modifier when given); SegmentAlgorithmType AUTOMATIC,
 *   SegmentAlgorithmName the model name; SoftwareVersions holds the model version and the
 *   genotype digest, DeviceSerialNumber the weights digest (Enhanced General Equipment),
 *   ContentDescription all three in short;
 * - one frame per segment and source slice holding that segment, referencing the slice by
 *   SOPInstanceUID with its ImagePositionPatient; an empty mask gives one all-zero frame
 *   of segment 1 on the first slice, so the SEG stays valid;
 * - shared orientation and pixel measures with the source's own SliceThickness (the
 *   computed step is SpacingBetweenSlices); DimensionIndexSequence =
 *   [ReferencedSegmentNumber, ImagePositionPatient]; SegmentsOverlap NO;
 * - patient and study attributes copied from the source, the source series referenced,
 *   new SOP instance and series UIDs; always Explicit VR Little Endian, SpecificCharacterSet
 *   ISO_IR 192, PixelData as OB with frames packed bit after bit.
 */
import dcmjs, { type DicomDataset, type DicomElement } from 'dcmjs';
import { ValidationError } from '../../core/src/index.js';
import { voxelCount } from '../../data/src/index.js';
import type { DicomSeries } from './read-series.js';
import { newUid } from './uids.js';

/** A coded concept (code value, coding scheme designator, code meaning). */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/** One segment: the class index it marks in the mask, its label and optional codes. */
export interface SegmentSpec {
  classIndex: number;
  label: string;
  category?: Code | undefined;
  type?: Code | undefined;
  /** SegmentedPropertyTypeModifier, e.g. SCT 255549009 "Anterior". */
  modifier?: Code | undefined;
}

/** The model that made the mask. */
export interface SegAlgorithm {
  /** Registry model name (or bundle folder): SegmentAlgorithmName. */
  name: string;
  /** Registry version: the first SoftwareVersions value. */
  version: string;
  /** Digest of the weights: DeviceSerialNumber. */
  weightsDigest: string;
  /** Hex SHA-256 of the genotype (or "none" for a baseline): the second SoftwareVersions value. */
  genotypeDigest: string;
}

/** A written SEG and the identifiers a caller reports. */
export interface EncodedSegmentation {
  /** Part 10 bytes. */
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** Number of frames (at least 1). */
  frames: number;
}

export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';
/** SeriesDescription of every SEG written here starts with this (a PACS trigger skips such series). */
export const SEG_SERIES_DESCRIPTION_PREFIX = 'Segmentation by ';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLEMENTATION_CLASS_UID = '2.25.271828182845904523536028747135266249775';
export const DEFAULT_CATEGORY: Code = { value: '91723000', scheme: 'SCT', meaning: 'Anatomical Structure' };
export const DEFAULT_TYPE: Code = { value: '85756007', scheme: 'SCT', meaning: 'Tissue' };
const SOURCE_IMAGE_PURPOSE: Code = {
  value: '121322',
  scheme: 'DCM',
  meaning: 'Source image for image processing operation',
};
const SEGMENTATION_DERIVATION: Code = { value: '113076', scheme: 'DCM', meaning: 'Segmentation' };

/** Patient and study attributes copied from the source: type 2 ones are written empty when absent. */
const COPIED: [tag: string, vr: string, type2: boolean][] = [
  ['00100010', 'PN', true], // PatientName
  ['00100020', 'LO', true], // PatientID
  ['00100021', 'LO', false], // IssuerOfPatientID
  ['00100030', 'DA', true], // PatientBirthDate
  ['00100040', 'CS', true], // PatientSex
  ['00101010', 'AS', false], // PatientAge
  ['00080020', 'DA', true], // StudyDate
  ['00080030', 'TM', true], // StudyTime
  ['00080050', 'SH', true], // AccessionNumber
  ['00080090', 'PN', true], // ReferringPhysicianName
  ['00081030', 'LO', false], // StudyDescription
  ['00200010', 'SH', true], // StudyID
  ['00201040', 'LO', true], // PositionReferenceIndicator
];

const el = (vr: string, ...value: unknown[]): DicomElement => ({ vr, Value: value });
const seq = (...items: DicomDataset[]): DicomElement => el('SQ', ...items);
const codeItem = (c: Code): DicomDataset => ({
  '00080100': el('SH', c.value),
  '00080102': el('SH', c.scheme),
  '00080104': el('LO', c.meaning),
});
const code = (c: Code): DicomElement => seq(codeItem(c));
/** SegmentedPropertyTypeCodeSequence, with its modifier inside the item when given. */
const typeCode = (type: Code, modifier: Code | undefined): DicomElement =>
  seq(modifier ? { ...codeItem(type), '00620011': code(modifier) } : codeItem(type));

function copiedAttributes(header: DicomDataset): DicomDataset {
  const out: DicomDataset = {};
  for (const [tag, vr, type2] of COPIED) {
    const source = header[tag];
    if (source?.Value !== undefined && source.Value.length > 0) out[tag] = { vr, Value: source.Value };
    else if (type2) out[tag] = { vr, Value: [] };
  }
  return out;
}

function dicomDateTime(now: Date): [string, string] {
  const iso = now.toISOString(); // UTC
  return [iso.slice(0, 10).replace(/-/g, ''), iso.slice(11, 19).replace(/:/g, '')];
}

/** A (segment, slice) frame and its bits. */
interface Frame {
  segment: number;
  z: number;
}

/** The frames to write: every slice holding each segment, or one empty frame for an empty mask. */
function framesOf(
  mask: Uint8Array,
  sliceSize: number,
  slices: number,
  segments: readonly SegmentSpec[],
): Frame[] {
  const frames: Frame[] = [];
  for (const s of segments) {
    for (let z = 0; z < slices; z++) {
      if (mask.subarray(z * sliceSize, (z + 1) * sliceSize).includes(s.classIndex))
        frames.push({ segment: s.classIndex, z });
    }
  }
  return frames.length > 0 ? frames : [{ segment: (segments[0] as SegmentSpec).classIndex, z: 0 }];
}

/** The frames' bits, frame after frame with no padding between them, least significant bit first. */
function packFrames(mask: Uint8Array, sliceSize: number, frames: readonly Frame[]): ArrayBuffer {
  const bits = frames.length * sliceSize;
  const bytes = new Uint8Array(Math.ceil(bits / 8) + (Math.ceil(bits / 8) % 2));
  frames.forEach(({ segment, z }, f) => {
    for (let i = 0; i < sliceSize; i++) {
      if (mask[z * sliceSize + i] === segment) {
        const bit = f * sliceSize + i;
        bytes[bit >> 3] = (bytes[bit >> 3] as number) | (1 << (bit & 7));
      }
    }
  });
  return bytes.buffer;
}

/**
 * A DICOM SEG (Part 10 bytes) of `mask`, the class index of every voxel of `series.volume`.
 * @throws ValidationError when the mask does not fit the series or no segment is given.
 */
export function encodeSegmentation(
  series: DicomSeries,
  mask: Uint8Array,
  segments: readonly SegmentSpec[],
  algorithm: SegAlgorithm,
  now = new Date(),
): EncodedSegmentation {
  const [X, Y, Z] = series.volume.shape;
  if (mask.length !== voxelCount(series.volume.shape)) {
    throw new ValidationError(`a mask of ${mask.length} voxels does not fit a ${X}x${Y}x${Z} series`);
  }
  if (segments.length === 0 || segments.some((s) => s.classIndex < 1 || s.classIndex > 65535)) {
    throw new ValidationError(
      'a SEG needs at least one segment, each with a class index above 0 (background)',
    );
  }
  const frames = framesOf(mask, X * Y, Z, segments);
  const sopInstanceUid = newUid();
  const seriesInstanceUid = newUid();
  const dimensionOrganizationUid = newUid();
  const [date, time] = dicomDateTime(now);
  const pixelMeasures: DicomDataset = {
    '00280030': el('DS', ...series.pixelSpacing),
    '00180088': el('DS', series.volume.spacingMm[2]),
  };
  if (series.sliceThickness !== undefined) pixelMeasures['00180050'] = el('DS', series.sliceThickness);
  const dataset: DicomDataset = {
    ...copiedAttributes(series.header),
    '00080005': el('CS', 'ISO_IR 192'),
    '00080008': el('CS', 'DERIVED', 'PRIMARY'),
    '00080012': el('DA', date),
    '00080013': el('TM', time),
    '00080016': el('UI', SEG_SOP_CLASS_UID),
    '00080018': el('UI', sopInstanceUid),
    '00080023': el('DA', date),
    '00080033': el('TM', time),
    '00080060': el('CS', 'SEG'),
    '00080070': el('LO', 'NAS-Unet as a service'),
    '0008103E': el('LO', `${SEG_SERIES_DESCRIPTION_PREFIX}${algorithm.name}`.slice(0, 64)),
    '00081090': el('LO', algorithm.name.slice(0, 64)),
    '00081115': seq({
      '0020000E': el('UI', series.seriesInstanceUid),
      '0008114A': seq(
        ...series.slices.map((s) => ({
          '00081150': el('UI', s.sopClassUid),
          '00081155': el('UI', s.sopInstanceUid),
        })),
      ),
    }),
    '00181000': el('LO', algorithm.weightsDigest.slice(0, 64)),
    '00181020': el('LO', algorithm.version.slice(0, 64), algorithm.genotypeDigest.slice(0, 64)),
    '0020000D': el('UI', series.studyInstanceUid),
    '0020000E': el('UI', seriesInstanceUid),
    '00200011': el('IS', 9000),
    '00200013': el('IS', 1),
    '00200052': el('UI', series.frameOfReferenceUid),
    '00209221': seq({ '00209164': el('UI', dimensionOrganizationUid) }),
    '00209222': seq(
      {
        '00209164': el('UI', dimensionOrganizationUid),
        '00209165': el('AT', 0x0062000b),
        '00209167': el('AT', 0x0062000a),
        '00209421': el('LO', 'ReferencedSegmentNumber'),
      },
      {
        '00209164': el('UI', dimensionOrganizationUid),
        '00209165': el('AT', 0x00200032),
        '00209167': el('AT', 0x00209113),
        '00209421': el('LO', 'ImagePositionPatient'),
      },
    ),
    '00209311': el('CS', '3D'),
    '00280002': el('US', 1),
    '00280004': el('CS', 'MONOCHROME2'),
    '00280008': el('IS', frames.length),
    '00280010': el('US', Y),
    '00280011': el('US', X),
    '00280100': el('US', 1),
    '00280101': el('US', 1),
    '00280102': el('US', 0),
    '00280103': el('US', 0),
    '00282110': el('CS', '00'),
    '00620001': el('CS', 'BINARY'),
    '00620002': seq(
      ...segments.map((s) => ({
        '00620003': code(s.category ?? DEFAULT_CATEGORY),
        '00620004': el('US', s.classIndex),
        '00620005': el('LO', s.label.slice(0, 64)),
        '00620008': el('CS', 'AUTOMATIC'),
        '00620009': el('LO', algorithm.name.slice(0, 64)),
        '0062000F': typeCode(s.type ?? DEFAULT_TYPE, s.modifier),
      })),
    ),
    '00620013': el('CS', 'NO'),
    '00700080': el('CS', 'SEGMENTATION'),
    '00700081': el(
      'LO',
      `${algorithm.name} v${algorithm.version} genotype ${algorithm.genotypeDigest.slice(0, 12)}`.slice(
        0,
        64,
      ),
    ),
    '00700084': { vr: 'PN', Value: [] },
    '52009229': seq({
      '00209116': seq({ '00200037': el('DS', ...series.orientation) }),
      '00289110': seq(pixelMeasures),
    }),
    '52009230': seq(
      ...frames.map(({ segment, z }) => {
        const slice = series.slices[z] as DicomSeries['slices'][number];
        return {
          '00089124': seq({
            '00082112': seq({
              '00081150': el('UI', slice.sopClassUid),
              '00081155': el('UI', slice.sopInstanceUid),
              '0040A170': code(SOURCE_IMAGE_PURPOSE),
            }),
            '00089215': code(SEGMENTATION_DERIVATION),
          }),
          '00209111': seq({ '00209157': el('UL', segment, z + 1) }),
          '00209113': seq({ '00200032': el('DS', ...slice.position) }),
          '0062000A': seq({ '0062000B': el('US', segment) }),
        };
      }),
    ),
    '7FE00010': el('OB', packFrames(mask, X * Y, frames)),
  };
  const dict = new dcmjs.data.DicomDict({
    '00020001': el('OB', new Uint8Array([0, 1]).buffer),
    '00020002': el('UI', SEG_SOP_CLASS_UID),
    '00020003': el('UI', sopInstanceUid),
    '00020010': el('UI', EXPLICIT_LE),
    '00020012': el('UI', IMPLEMENTATION_CLASS_UID),
    '00020013': el('SH', 'NASUNET_0_1'),
  });
  dict.dict = dataset;
  return { bytes: new Uint8Array(dict.write()), sopInstanceUid, seriesInstanceUid, frames: frames.length };
}
