// Original file: proto/nasunet/v1/training_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelTrainingRequest as _nasunet_v1_CancelTrainingRequest, CancelTrainingRequest__Output as _nasunet_v1_CancelTrainingRequest__Output } from '../../nasunet/v1/CancelTrainingRequest.js';
import type { CancelTrainingResponse as _nasunet_v1_CancelTrainingResponse, CancelTrainingResponse__Output as _nasunet_v1_CancelTrainingResponse__Output } from '../../nasunet/v1/CancelTrainingResponse.js';
import type { EvaluateRequest as _nasunet_v1_EvaluateRequest, EvaluateRequest__Output as _nasunet_v1_EvaluateRequest__Output } from '../../nasunet/v1/EvaluateRequest.js';
import type { EvaluateResponse as _nasunet_v1_EvaluateResponse, EvaluateResponse__Output as _nasunet_v1_EvaluateResponse__Output } from '../../nasunet/v1/EvaluateResponse.js';
import type { GetTrainingRequest as _nasunet_v1_GetTrainingRequest, GetTrainingRequest__Output as _nasunet_v1_GetTrainingRequest__Output } from '../../nasunet/v1/GetTrainingRequest.js';
import type { GetTrainingResponse as _nasunet_v1_GetTrainingResponse, GetTrainingResponse__Output as _nasunet_v1_GetTrainingResponse__Output } from '../../nasunet/v1/GetTrainingResponse.js';
import type { ListTrainingsRequest as _nasunet_v1_ListTrainingsRequest, ListTrainingsRequest__Output as _nasunet_v1_ListTrainingsRequest__Output } from '../../nasunet/v1/ListTrainingsRequest.js';
import type { ListTrainingsResponse as _nasunet_v1_ListTrainingsResponse, ListTrainingsResponse__Output as _nasunet_v1_ListTrainingsResponse__Output } from '../../nasunet/v1/ListTrainingsResponse.js';
import type { StartTrainingRequest as _nasunet_v1_StartTrainingRequest, StartTrainingRequest__Output as _nasunet_v1_StartTrainingRequest__Output } from '../../nasunet/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _nasunet_v1_StartTrainingResponse, StartTrainingResponse__Output as _nasunet_v1_StartTrainingResponse__Output } from '../../nasunet/v1/StartTrainingResponse.js';
import type { WatchTrainingRequest as _nasunet_v1_WatchTrainingRequest, WatchTrainingRequest__Output as _nasunet_v1_WatchTrainingRequest__Output } from '../../nasunet/v1/WatchTrainingRequest.js';
import type { WatchTrainingResponse as _nasunet_v1_WatchTrainingResponse, WatchTrainingResponse__Output as _nasunet_v1_WatchTrainingResponse__Output } from '../../nasunet/v1/WatchTrainingResponse.js';

export interface TrainingServiceClient extends grpc.Client {
  CancelTraining(argument: _nasunet_v1_CancelTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  CancelTraining(argument: _nasunet_v1_CancelTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  CancelTraining(argument: _nasunet_v1_CancelTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  CancelTraining(argument: _nasunet_v1_CancelTrainingRequest, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _nasunet_v1_CancelTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _nasunet_v1_CancelTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _nasunet_v1_CancelTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _nasunet_v1_CancelTrainingRequest, callback: grpc.requestCallback<_nasunet_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  Evaluate(argument: _nasunet_v1_EvaluateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _nasunet_v1_EvaluateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _nasunet_v1_EvaluateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _nasunet_v1_EvaluateRequest, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _nasunet_v1_EvaluateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _nasunet_v1_EvaluateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _nasunet_v1_EvaluateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _nasunet_v1_EvaluateRequest, callback: grpc.requestCallback<_nasunet_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  
  GetTraining(argument: _nasunet_v1_GetTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  GetTraining(argument: _nasunet_v1_GetTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  GetTraining(argument: _nasunet_v1_GetTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  GetTraining(argument: _nasunet_v1_GetTrainingRequest, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  getTraining(argument: _nasunet_v1_GetTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  getTraining(argument: _nasunet_v1_GetTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  getTraining(argument: _nasunet_v1_GetTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  getTraining(argument: _nasunet_v1_GetTrainingRequest, callback: grpc.requestCallback<_nasunet_v1_GetTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  ListTrainings(argument: _nasunet_v1_ListTrainingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  ListTrainings(argument: _nasunet_v1_ListTrainingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  ListTrainings(argument: _nasunet_v1_ListTrainingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  ListTrainings(argument: _nasunet_v1_ListTrainingsRequest, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  listTrainings(argument: _nasunet_v1_ListTrainingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  listTrainings(argument: _nasunet_v1_ListTrainingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  listTrainings(argument: _nasunet_v1_ListTrainingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  listTrainings(argument: _nasunet_v1_ListTrainingsRequest, callback: grpc.requestCallback<_nasunet_v1_ListTrainingsResponse__Output>): grpc.ClientUnaryCall;
  
  StartTraining(argument: _nasunet_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _nasunet_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _nasunet_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _nasunet_v1_StartTrainingRequest, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _nasunet_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _nasunet_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _nasunet_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _nasunet_v1_StartTrainingRequest, callback: grpc.requestCallback<_nasunet_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  WatchTraining(argument: _nasunet_v1_WatchTrainingRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchTrainingResponse__Output>;
  WatchTraining(argument: _nasunet_v1_WatchTrainingRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchTrainingResponse__Output>;
  watchTraining(argument: _nasunet_v1_WatchTrainingRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchTrainingResponse__Output>;
  watchTraining(argument: _nasunet_v1_WatchTrainingRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchTrainingResponse__Output>;
  
}

export interface TrainingServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelTraining: grpc.handleUnaryCall<_nasunet_v1_CancelTrainingRequest__Output, _nasunet_v1_CancelTrainingResponse>;
  
  Evaluate: grpc.handleUnaryCall<_nasunet_v1_EvaluateRequest__Output, _nasunet_v1_EvaluateResponse>;
  
  GetTraining: grpc.handleUnaryCall<_nasunet_v1_GetTrainingRequest__Output, _nasunet_v1_GetTrainingResponse>;
  
  ListTrainings: grpc.handleUnaryCall<_nasunet_v1_ListTrainingsRequest__Output, _nasunet_v1_ListTrainingsResponse>;
  
  StartTraining: grpc.handleUnaryCall<_nasunet_v1_StartTrainingRequest__Output, _nasunet_v1_StartTrainingResponse>;
  
  WatchTraining: grpc.handleServerStreamingCall<_nasunet_v1_WatchTrainingRequest__Output, _nasunet_v1_WatchTrainingResponse>;
  
}

export interface TrainingServiceDefinition extends grpc.ServiceDefinition {
  CancelTraining: MethodDefinition<_nasunet_v1_CancelTrainingRequest, _nasunet_v1_CancelTrainingResponse, _nasunet_v1_CancelTrainingRequest__Output, _nasunet_v1_CancelTrainingResponse__Output>
  Evaluate: MethodDefinition<_nasunet_v1_EvaluateRequest, _nasunet_v1_EvaluateResponse, _nasunet_v1_EvaluateRequest__Output, _nasunet_v1_EvaluateResponse__Output>
  GetTraining: MethodDefinition<_nasunet_v1_GetTrainingRequest, _nasunet_v1_GetTrainingResponse, _nasunet_v1_GetTrainingRequest__Output, _nasunet_v1_GetTrainingResponse__Output>
  ListTrainings: MethodDefinition<_nasunet_v1_ListTrainingsRequest, _nasunet_v1_ListTrainingsResponse, _nasunet_v1_ListTrainingsRequest__Output, _nasunet_v1_ListTrainingsResponse__Output>
  StartTraining: MethodDefinition<_nasunet_v1_StartTrainingRequest, _nasunet_v1_StartTrainingResponse, _nasunet_v1_StartTrainingRequest__Output, _nasunet_v1_StartTrainingResponse__Output>
  WatchTraining: MethodDefinition<_nasunet_v1_WatchTrainingRequest, _nasunet_v1_WatchTrainingResponse, _nasunet_v1_WatchTrainingRequest__Output, _nasunet_v1_WatchTrainingResponse__Output>
}
