// Original file: proto/nasunet/v1/inference_service.proto

import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from '../../nasunet/v1/ModelRef.js';

export interface SegmentStudyRequest {
  'model'?: (_nasunet_v1_ModelRef | null);
  'studyInstanceUid'?: (string);
  'seriesInstanceUid'?: (string);
}

export interface SegmentStudyRequest__Output {
  'model': (_nasunet_v1_ModelRef__Output | null);
  'studyInstanceUid': (string);
  'seriesInstanceUid': (string);
}
