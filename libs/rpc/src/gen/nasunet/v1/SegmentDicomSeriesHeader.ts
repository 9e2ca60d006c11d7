// Original file: proto/nasunet/v1/inference_service.proto

import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from '../../nasunet/v1/ModelRef.js';

export interface SegmentDicomSeriesHeader {
  'model'?: (_nasunet_v1_ModelRef | null);
}

export interface SegmentDicomSeriesHeader__Output {
  'model': (_nasunet_v1_ModelRef__Output | null);
}
