// Original file: proto/nasunet/v1/inference_service.proto

import type { DicomSegmentationSummary as _nasunet_v1_DicomSegmentationSummary, DicomSegmentationSummary__Output as _nasunet_v1_DicomSegmentationSummary__Output } from '../../nasunet/v1/DicomSegmentationSummary.js';

export interface SegmentStudyResponse {
  'summary'?: (_nasunet_v1_DicomSegmentationSummary | null);
}

export interface SegmentStudyResponse__Output {
  'summary': (_nasunet_v1_DicomSegmentationSummary__Output | null);
}
