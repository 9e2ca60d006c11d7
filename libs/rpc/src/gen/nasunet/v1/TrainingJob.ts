// Original file: proto/nasunet/v1/training_service.proto

import type { JobState as _nasunet_v1_JobState, JobState__Output as _nasunet_v1_JobState__Output } from '../../nasunet/v1/JobState.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from '../../nasunet/v1/GenotypeRef.js';
import type { BaselineArchitecture as _nasunet_v1_BaselineArchitecture, BaselineArchitecture__Output as _nasunet_v1_BaselineArchitecture__Output } from '../../nasunet/v1/BaselineArchitecture.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from '../../nasunet/v1/DatasetRef.js';
import type { TrainingHyperParameters as _nasunet_v1_TrainingHyperParameters, TrainingHyperParameters__Output as _nasunet_v1_TrainingHyperParameters__Output } from '../../nasunet/v1/TrainingHyperParameters.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from '../../nasunet/v1/ResolvedModel.js';

export interface TrainingJob {
  'jobId'?: (string);
  'state'?: (_nasunet_v1_JobState);
  'genotype'?: (_nasunet_v1_GenotypeRef | null);
  'baseline'?: (_nasunet_v1_BaselineArchitecture);
  'dataset'?: (_nasunet_v1_DatasetRef | null);
  'hyperParameters'?: (_nasunet_v1_TrainingHyperParameters | null);
  'seed'?: (number);
  'modelName'?: (string);
  'epoch'?: (number);
  'bestValidationDice'?: (number | string);
  'resultModel'?: (_nasunet_v1_ResolvedModel | null);
  'errorMessage'?: (string);
  'createdAt'?: (string);
  'startedAt'?: (string);
  'finishedAt'?: (string);
  'step'?: (number);
  'totalSteps'?: (number);
  'etaSeconds'?: (number | string);
  'architecture'?: "genotype"|"baseline";
}

export interface TrainingJob__Output {
  'jobId': (string);
  'state': (_nasunet_v1_JobState__Output);
  'genotype'?: (_nasunet_v1_GenotypeRef__Output | null);
  'baseline'?: (_nasunet_v1_BaselineArchitecture__Output);
  'dataset': (_nasunet_v1_DatasetRef__Output | null);
  'hyperParameters': (_nasunet_v1_TrainingHyperParameters__Output | null);
  'seed': (number);
  'modelName': (string);
  'epoch': (number);
  'bestValidationDice': (number);
  'resultModel': (_nasunet_v1_ResolvedModel__Output | null);
  'errorMessage': (string);
  'createdAt': (string);
  'startedAt': (string);
  'finishedAt': (string);
  'step': (number);
  'totalSteps': (number);
  'etaSeconds': (number);
  'architecture'?: "genotype"|"baseline";
}
