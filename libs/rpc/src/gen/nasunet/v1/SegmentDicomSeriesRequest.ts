// Original file: proto/nasunet/v1/inference_service.proto

import type { SegmentDicomSeriesHeader as _nasunet_v1_SegmentDicomSeriesHeader, SegmentDicomSeriesHeader__Output as _nasunet_v1_SegmentDicomSeriesHeader__Output } from '../../nasunet/v1/SegmentDicomSeriesHeader.js';
import type { DicomInstanceChunk as _nasunet_v1_DicomInstanceChunk, DicomInstanceChunk__Output as _nasunet_v1_DicomInstanceChunk__Output } from '../../nasunet/v1/DicomInstanceChunk.js';

export interface SegmentDicomSeriesRequest {
  'header'?: (_nasunet_v1_SegmentDicomSeriesHeader | null);
  'instanceChunk'?: (_nasunet_v1_DicomInstanceChunk | null);
  'part'?: "header"|"instanceChunk";
}

export interface SegmentDicomSeriesRequest__Output {
  'header'?: (_nasunet_v1_SegmentDicomSeriesHeader__Output | null);
  'instanceChunk'?: (_nasunet_v1_DicomInstanceChunk__Output | null);
  'part'?: "header"|"instanceChunk";
}
