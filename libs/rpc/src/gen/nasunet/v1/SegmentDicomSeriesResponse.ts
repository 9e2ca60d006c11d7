// Original file: proto/nasunet/v1/inference_service.proto

import type { DicomSegmentationSummary as _nasunet_v1_DicomSegmentationSummary, DicomSegmentationSummary__Output as _nasunet_v1_DicomSegmentationSummary__Output } from '../../nasunet/v1/DicomSegmentationSummary.js';

export interface SegmentDicomSeriesResponse {
  'summary'?: (_nasunet_v1_DicomSegmentationSummary | null);
  'segChunk'?: (Buffer | Uint8Array | string);
  'part'?: "summary"|"segChunk";
}

export interface SegmentDicomSeriesResponse__Output {
  'summary'?: (_nasunet_v1_DicomSegmentationSummary__Output | null);
  'segChunk'?: (Buffer);
  'part'?: "summary"|"segChunk";
}
