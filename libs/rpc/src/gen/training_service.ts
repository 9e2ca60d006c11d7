/* eslint-disable */
// @ts-nocheck
import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CancelTrainingRequest as _nasunet_v1_CancelTrainingRequest, CancelTrainingRequest__Output as _nasunet_v1_CancelTrainingRequest__Output } from './nasunet/v1/CancelTrainingRequest.js';
import type { CancelTrainingResponse as _nasunet_v1_CancelTrainingResponse, CancelTrainingResponse__Output as _nasunet_v1_CancelTrainingResponse__Output } from './nasunet/v1/CancelTrainingResponse.js';
import type { CaseMetrics as _nasunet_v1_CaseMetrics, CaseMetrics__Output as _nasunet_v1_CaseMetrics__Output } from './nasunet/v1/CaseMetrics.js';
import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from './nasunet/v1/ClassMetrics.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from './nasunet/v1/ClassVolume.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from './nasunet/v1/DatasetRef.js';
import type { EvaluateRequest as _nasunet_v1_EvaluateRequest, EvaluateRequest__Output as _nasunet_v1_EvaluateRequest__Output } from './nasunet/v1/EvaluateRequest.js';
import type { EvaluateResponse as _nasunet_v1_EvaluateResponse, EvaluateResponse__Output as _nasunet_v1_EvaluateResponse__Output } from './nasunet/v1/EvaluateResponse.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from './nasunet/v1/GenotypeRef.js';
import type { GetTrainingRequest as _nasunet_v1_GetTrainingRequest, GetTrainingRequest__Output as _nasunet_v1_GetTrainingRequest__Output } from './nasunet/v1/GetTrainingRequest.js';
import type { GetTrainingResponse as _nasunet_v1_GetTrainingResponse, GetTrainingResponse__Output as _nasunet_v1_GetTrainingResponse__Output } from './nasunet/v1/GetTrainingResponse.js';
import type { ListTrainingsRequest as _nasunet_v1_ListTrainingsRequest, ListTrainingsRequest__Output as _nasunet_v1_ListTrainingsRequest__Output } from './nasunet/v1/ListTrainingsRequest.js';
import type { ListTrainingsResponse as _nasunet_v1_ListTrainingsResponse, ListTrainingsResponse__Output as _nasunet_v1_ListTrainingsResponse__Output } from './nasunet/v1/ListTrainingsResponse.js';
import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from './nasunet/v1/ModelRef.js';
import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from './nasunet/v1/PageRequest.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from './nasunet/v1/RawImage.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from './nasunet/v1/ResolvedModel.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from './nasunet/v1/Spacing.js';
import type { StartTrainingRequest as _nasunet_v1_StartTrainingRequest, StartTrainingRequest__Output as _nasunet_v1_StartTrainingRequest__Output } from './nasunet/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _nasunet_v1_StartTrainingResponse, StartTrainingResponse__Output as _nasunet_v1_StartTrainingResponse__Output } from './nasunet/v1/StartTrainingResponse.js';
import type { TrainingEpochEvent as _nasunet_v1_TrainingEpochEvent, TrainingEpochEvent__Output as _nasunet_v1_TrainingEpochEvent__Output } from './nasunet/v1/TrainingEpochEvent.js';
import type { TrainingHyperParameters as _nasunet_v1_TrainingHyperParameters, TrainingHyperParameters__Output as _nasunet_v1_TrainingHyperParameters__Output } from './nasunet/v1/TrainingHyperParameters.js';
import type { TrainingJob as _nasunet_v1_TrainingJob, TrainingJob__Output as _nasunet_v1_TrainingJob__Output } from './nasunet/v1/TrainingJob.js';
import type { TrainingServiceClient as _nasunet_v1_TrainingServiceClient, TrainingServiceDefinition as _nasunet_v1_TrainingServiceDefinition } from './nasunet/v1/TrainingService.js';
import type { TrainingStateEvent as _nasunet_v1_TrainingStateEvent, TrainingStateEvent__Output as _nasunet_v1_TrainingStateEvent__Output } from './nasunet/v1/TrainingStateEvent.js';
import type { TrainingStepEvent as _nasunet_v1_TrainingStepEvent, TrainingStepEvent__Output as _nasunet_v1_TrainingStepEvent__Output } from './nasunet/v1/TrainingStepEvent.js';
import type { WatchTrainingRequest as _nasunet_v1_WatchTrainingRequest, WatchTrainingRequest__Output as _nasunet_v1_WatchTrainingRequest__Output } from './nasunet/v1/WatchTrainingRequest.js';
import type { WatchTrainingResponse as _nasunet_v1_WatchTrainingResponse, WatchTrainingResponse__Output as _nasunet_v1_WatchTrainingResponse__Output } from './nasunet/v1/WatchTrainingResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nasunet: {
    v1: {
      BaselineArchitecture: EnumTypeDefinition
      CancelTrainingRequest: MessageTypeDefinition<_nasunet_v1_CancelTrainingRequest, _nasunet_v1_CancelTrainingRequest__Output>
      CancelTrainingResponse: MessageTypeDefinition<_nasunet_v1_CancelTrainingResponse, _nasunet_v1_CancelTrainingResponse__Output>
      CaseMetrics: MessageTypeDefinition<_nasunet_v1_CaseMetrics, _nasunet_v1_CaseMetrics__Output>
      ClassMetrics: MessageTypeDefinition<_nasunet_v1_ClassMetrics, _nasunet_v1_ClassMetrics__Output>
      ClassVolume: MessageTypeDefinition<_nasunet_v1_ClassVolume, _nasunet_v1_ClassVolume__Output>
      DatasetRef: MessageTypeDefinition<_nasunet_v1_DatasetRef, _nasunet_v1_DatasetRef__Output>
      EvaluateRequest: MessageTypeDefinition<_nasunet_v1_EvaluateRequest, _nasunet_v1_EvaluateRequest__Output>
      EvaluateResponse: MessageTypeDefinition<_nasunet_v1_EvaluateResponse, _nasunet_v1_EvaluateResponse__Output>
      GenotypeRef: MessageTypeDefinition<_nasunet_v1_GenotypeRef, _nasunet_v1_GenotypeRef__Output>
      GetTrainingRequest: MessageTypeDefinition<_nasunet_v1_GetTrainingRequest, _nasunet_v1_GetTrainingRequest__Output>
      GetTrainingResponse: MessageTypeDefinition<_nasunet_v1_GetTrainingResponse, _nasunet_v1_GetTrainingResponse__Output>
      JobState: EnumTypeDefinition
      ListTrainingsRequest: MessageTypeDefinition<_nasunet_v1_ListTrainingsRequest, _nasunet_v1_ListTrainingsRequest__Output>
      ListTrainingsResponse: MessageTypeDefinition<_nasunet_v1_ListTrainingsResponse, _nasunet_v1_ListTrainingsResponse__Output>
      ModelRef: MessageTypeDefinition<_nasunet_v1_ModelRef, _nasunet_v1_ModelRef__Output>
      PageRequest: MessageTypeDefinition<_nasunet_v1_PageRequest, _nasunet_v1_PageRequest__Output>
      PixelDtype: EnumTypeDefinition
      RawImage: MessageTypeDefinition<_nasunet_v1_RawImage, _nasunet_v1_RawImage__Output>
      ResolvedModel: MessageTypeDefinition<_nasunet_v1_ResolvedModel, _nasunet_v1_ResolvedModel__Output>
      Spacing: MessageTypeDefinition<_nasunet_v1_Spacing, _nasunet_v1_Spacing__Output>
      StartTrainingRequest: MessageTypeDefinition<_nasunet_v1_StartTrainingRequest, _nasunet_v1_StartTrainingRequest__Output>
      StartTrainingResponse: MessageTypeDefinition<_nasunet_v1_StartTrainingResponse, _nasunet_v1_StartTrainingResponse__Output>
      TrainingEpochEvent: MessageTypeDefinition<_nasunet_v1_TrainingEpochEvent, _nasunet_v1_TrainingEpochEvent__Output>
      TrainingHyperParameters: MessageTypeDefinition<_nasunet_v1_TrainingHyperParameters, _nasunet_v1_TrainingHyperParameters__Output>
      TrainingJob: MessageTypeDefinition<_nasunet_v1_TrainingJob, _nasunet_v1_TrainingJob__Output>
      TrainingService: SubtypeConstructor<typeof grpc.Client, _nasunet_v1_TrainingServiceClient> & { service: _nasunet_v1_TrainingServiceDefinition }
      TrainingStateEvent: MessageTypeDefinition<_nasunet_v1_TrainingStateEvent, _nasunet_v1_TrainingStateEvent__Output>
      TrainingStepEvent: MessageTypeDefinition<_nasunet_v1_TrainingStepEvent, _nasunet_v1_TrainingStepEvent__Output>
      WatchTrainingRequest: MessageTypeDefinition<_nasunet_v1_WatchTrainingRequest, _nasunet_v1_WatchTrainingRequest__Output>
      WatchTrainingResponse: MessageTypeDefinition<_nasunet_v1_WatchTrainingResponse, _nasunet_v1_WatchTrainingResponse__Output>
    }
  }
}

