// Original file: proto/nasunet/v1/training_service.proto

import type { TrainingJob as _nasunet_v1_TrainingJob, TrainingJob__Output as _nasunet_v1_TrainingJob__Output } from '../../nasunet/v1/TrainingJob.js';

export interface ListTrainingsResponse {
  'jobs'?: (_nasunet_v1_TrainingJob)[];
  'nextPageToken'?: (string);
}

export interface ListTrainingsResponse__Output {
  'jobs': (_nasunet_v1_TrainingJob__Output)[];
  'nextPageToken': (string);
}
