// Original file: proto/nasunet/v1/training_service.proto

import type { JobState as _nasunet_v1_JobState, JobState__Output as _nasunet_v1_JobState__Output } from '../../nasunet/v1/JobState.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from '../../nasunet/v1/ResolvedModel.js';

export interface TrainingStateEvent {
  'state'?: (_nasunet_v1_JobState);
  'errorMessage'?: (string);
  'resultModel'?: (_nasunet_v1_ResolvedModel | null);
}

export interface TrainingStateEvent__Output {
  'state': (_nasunet_v1_JobState__Output);
  'errorMessage': (string);
  'resultModel': (_nasunet_v1_ResolvedModel__Output | null);
}
