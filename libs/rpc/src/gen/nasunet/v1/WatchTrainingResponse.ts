// Original file: proto/nasunet/v1/training_service.proto

import type { TrainingStepEvent as _nasunet_v1_TrainingStepEvent, TrainingStepEvent__Output as _nasunet_v1_TrainingStepEvent__Output } from '../../nasunet/v1/TrainingStepEvent.js';
import type { TrainingEpochEvent as _nasunet_v1_TrainingEpochEvent, TrainingEpochEvent__Output as _nasunet_v1_TrainingEpochEvent__Output } from '../../nasunet/v1/TrainingEpochEvent.js';
import type { TrainingStateEvent as _nasunet_v1_TrainingStateEvent, TrainingStateEvent__Output as _nasunet_v1_TrainingStateEvent__Output } from '../../nasunet/v1/TrainingStateEvent.js';

export interface WatchTrainingResponse {
  'jobId'?: (string);
  'time'?: (string);
  'step'?: (_nasunet_v1_TrainingStepEvent | null);
  'epoch'?: (_nasunet_v1_TrainingEpochEvent | null);
  'state'?: (_nasunet_v1_TrainingStateEvent | null);
  'event'?: "step"|"epoch"|"state";
}

export interface WatchTrainingResponse__Output {
  'jobId': (string);
  'time': (string);
  'step'?: (_nasunet_v1_TrainingStepEvent__Output | null);
  'epoch'?: (_nasunet_v1_TrainingEpochEvent__Output | null);
  'state'?: (_nasunet_v1_TrainingStateEvent__Output | null);
  'event'?: "step"|"epoch"|"state";
}
