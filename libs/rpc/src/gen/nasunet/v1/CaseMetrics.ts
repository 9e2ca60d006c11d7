// Original file: proto/nasunet/v1/training_service.proto

import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from '../../nasunet/v1/ClassMetrics.js';

export interface CaseMetrics {
  'caseId'?: (string);
  'classes'?: (_nasunet_v1_ClassMetrics)[];
  'pixelAccuracy'?: (number | string);
}

export interface CaseMetrics__Output {
  'caseId': (string);
  'classes': (_nasunet_v1_ClassMetrics__Output)[];
  'pixelAccuracy': (number);
}
