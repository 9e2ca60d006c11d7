// Original file: proto/nasunet/v1/inference_service.proto

import type { SegmentVolumeHeader as _nasunet_v1_SegmentVolumeHeader, SegmentVolumeHeader__Output as _nasunet_v1_SegmentVolumeHeader__Output } from '../../nasunet/v1/SegmentVolumeHeader.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from '../../nasunet/v1/RawImage.js';

export interface SegmentVolumeRequest {
  'header'?: (_nasunet_v1_SegmentVolumeHeader | null);
  'niftiChunk'?: (Buffer | Uint8Array | string);
  'slice'?: (_nasunet_v1_RawImage | null);
  'part'?: "header"|"niftiChunk"|"slice";
}

export interface SegmentVolumeRequest__Output {
  'header'?: (_nasunet_v1_SegmentVolumeHeader__Output | null);
  'niftiChunk'?: (Buffer);
  'slice'?: (_nasunet_v1_RawImage__Output | null);
  'part'?: "header"|"niftiChunk"|"slice";
}
