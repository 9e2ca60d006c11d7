/**
 * libs/dicom public API: reading a DICOM image series into a `Volume` and writing a binary
 * DICOM Segmentation of a label mask on it.
 */
export { flipLpsRas } from './coordinates.js';
export { cross, seriesGeometry, type SeriesGeometry, type SlicePlacement } from './geometry.js';
export { parseDicomObject, SUPPORTED_TRANSFER_SYNTAXES, type ParsedObject } from './part10.js';
export {
  readDicomSeries,
  readDicomDir,
  dicomDirInputs,
  type DicomInput,
  type DicomSeries,
  type SourceSlice,
} from './read-series.js';
export {
  encodeSegmentation,
  SEG_SOP_CLASS_UID,
  SEG_SERIES_DESCRIPTION_PREFIX,
  type Code,
  type EncodedSegmentation,
  type SegmentSpec,
  type SegAlgorithm,
} from './seg-write.js';
export {
  segAlgorithm,
  segmentSpecs,
  writeSeriesSegmentation,
  type ModelClass,
  type ModelIdentity,
  type SegmentTally,
  type SeriesSegmentation,
} from './series-seg.js';
export {
  dicomWebConfig,
  fetchSeries,
  storeInstances,
  type DicomWebConfig,
  type SeriesLimits,
} from './dicomweb.js';
export { boundaryOf, joinMultipart, splitMultipart } from './multipart.js';
export { readSegmentationMask } from './seg-read.js';
export { isUid, newUid, uidTag } from './uids.js';
