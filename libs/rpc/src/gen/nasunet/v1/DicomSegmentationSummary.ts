// Original file: proto/nasunet/v1/inference_service.proto

import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from '../../nasunet/v1/ResolvedModel.js';
import type { DicomSegment as _nasunet_v1_DicomSegment, DicomSegment__Output as _nasunet_v1_DicomSegment__Output } from '../../nasunet/v1/DicomSegment.js';

export interface DicomSegmentationSummary {
  'model'?: (_nasunet_v1_ResolvedModel | null);
  'segSopInstanceUid'?: (string);
  'segSeriesInstanceUid'?: (string);
  'segments'?: (_nasunet_v1_DicomSegment)[];
  'sourceInstances'?: (number);
  'frames'?: (number);
  'latencyMs'?: (number | string);
}

export interface DicomSegmentationSummary__Output {
  'model': (_nasunet_v1_ResolvedModel__Output | null);
  'segSopInstanceUid': (string);
  'segSeriesInstanceUid': (string);
  'segments': (_nasunet_v1_DicomSegment__Output)[];
  'sourceInstances': (number);
  'frames': (number);
  'latencyMs': (number);
}
