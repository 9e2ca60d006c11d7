// Original file: proto/nasunet/v1/training_service.proto

import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from '../../nasunet/v1/ResolvedModel.js';
import type { CaseMetrics as _nasunet_v1_CaseMetrics, CaseMetrics__Output as _nasunet_v1_CaseMetrics__Output } from '../../nasunet/v1/CaseMetrics.js';
import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from '../../nasunet/v1/ClassMetrics.js';

export interface EvaluateResponse {
  'model'?: (_nasunet_v1_ResolvedModel | null);
  'datasetDigest'?: (string);
  'cases'?: (_nasunet_v1_CaseMetrics)[];
  'meanPerClass'?: (_nasunet_v1_ClassMetrics)[];
  'meanDice'?: (number | string);
  'meanIou'?: (number | string);
}

export interface EvaluateResponse__Output {
  'model': (_nasunet_v1_ResolvedModel__Output | null);
  'datasetDigest': (string);
  'cases': (_nasunet_v1_CaseMetrics__Output)[];
  'meanPerClass': (_nasunet_v1_ClassMetrics__Output)[];
  'meanDice': (number);
  'meanIou': (number);
}
