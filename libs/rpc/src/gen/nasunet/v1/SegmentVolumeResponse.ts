// Original file: proto/nasunet/v1/inference_service.proto

import type { SegmentVolumeSummary as _nasunet_v1_SegmentVolumeSummary, SegmentVolumeSummary__Output as _nasunet_v1_SegmentVolumeSummary__Output } from '../../nasunet/v1/SegmentVolumeSummary.js';

export interface SegmentVolumeResponse {
  'summary'?: (_nasunet_v1_SegmentVolumeSummary | null);
  'maskChunk'?: (Buffer | Uint8Array | string);
  'part'?: "summary"|"maskChunk";
}

export interface SegmentVolumeResponse__Output {
  'summary'?: (_nasunet_v1_SegmentVolumeSummary__Output | null);
  'maskChunk'?: (Buffer);
  'part'?: "summary"|"maskChunk";
}
