// Original file: proto/nasunet/v1/training_service.proto

import type { TrainingJob as _nasunet_v1_TrainingJob, TrainingJob__Output as _nasunet_v1_TrainingJob__Output } from '../../nasunet/v1/TrainingJob.js';

export interface StartTrainingResponse {
  'job'?: (_nasunet_v1_TrainingJob | null);
}

export interface StartTrainingResponse__Output {
  'job': (_nasunet_v1_TrainingJob__Output | null);
}
