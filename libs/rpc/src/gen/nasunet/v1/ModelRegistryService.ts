// Original file: proto/nasunet/v1/registry_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateGenotypeRequest as _nasunet_v1_CreateGenotypeRequest, CreateGenotypeRequest__Output as _nasunet_v1_CreateGenotypeRequest__Output } from '../../nasunet/v1/CreateGenotypeRequest.js';
import type { CreateGenotypeResponse as _nasunet_v1_CreateGenotypeResponse, CreateGenotypeResponse__Output as _nasunet_v1_CreateGenotypeResponse__Output } from '../../nasunet/v1/CreateGenotypeResponse.js';
import type { DeleteAliasRequest as _nasunet_v1_DeleteAliasRequest, DeleteAliasRequest__Output as _nasunet_v1_DeleteAliasRequest__Output } from '../../nasunet/v1/DeleteAliasRequest.js';
import type { DeleteAliasResponse as _nasunet_v1_DeleteAliasResponse, DeleteAliasResponse__Output as _nasunet_v1_DeleteAliasResponse__Output } from '../../nasunet/v1/DeleteAliasResponse.js';
import type { DownloadDatasetRequest as _nasunet_v1_DownloadDatasetRequest, DownloadDatasetRequest__Output as _nasunet_v1_DownloadDatasetRequest__Output } from '../../nasunet/v1/DownloadDatasetRequest.js';
import type { DownloadDatasetResponse as _nasunet_v1_DownloadDatasetResponse, DownloadDatasetResponse__Output as _nasunet_v1_DownloadDatasetResponse__Output } from '../../nasunet/v1/DownloadDatasetResponse.js';
import type { DownloadModelRequest as _nasunet_v1_DownloadModelRequest, DownloadModelRequest__Output as _nasunet_v1_DownloadModelRequest__Output } from '../../nasunet/v1/DownloadModelRequest.js';
import type { DownloadModelResponse as _nasunet_v1_DownloadModelResponse, DownloadModelResponse__Output as _nasunet_v1_DownloadModelResponse__Output } from '../../nasunet/v1/DownloadModelResponse.js';
import type { GetDatasetRequest as _nasunet_v1_GetDatasetRequest, GetDatasetRequest__Output as _nasunet_v1_GetDatasetRequest__Output } from '../../nasunet/v1/GetDatasetRequest.js';
import type { GetDatasetResponse as _nasunet_v1_GetDatasetResponse, GetDatasetResponse__Output as _nasunet_v1_GetDatasetResponse__Output } from '../../nasunet/v1/GetDatasetResponse.js';
import type { GetGenotypeRequest as _nasunet_v1_GetGenotypeRequest, GetGenotypeRequest__Output as _nasunet_v1_GetGenotypeRequest__Output } from '../../nasunet/v1/GetGenotypeRequest.js';
import type { GetGenotypeResponse as _nasunet_v1_GetGenotypeResponse, GetGenotypeResponse__Output as _nasunet_v1_GetGenotypeResponse__Output } from '../../nasunet/v1/GetGenotypeResponse.js';
import type { GetModelRequest as _nasunet_v1_GetModelRequest, GetModelRequest__Output as _nasunet_v1_GetModelRequest__Output } from '../../nasunet/v1/GetModelRequest.js';
import type { GetModelResponse as _nasunet_v1_GetModelResponse, GetModelResponse__Output as _nasunet_v1_GetModelResponse__Output } from '../../nasunet/v1/GetModelResponse.js';
import type { ListAuditEventsRequest as _nasunet_v1_ListAuditEventsRequest, ListAuditEventsRequest__Output as _nasunet_v1_ListAuditEventsRequest__Output } from '../../nasunet/v1/ListAuditEventsRequest.js';
import type { ListAuditEventsResponse as _nasunet_v1_ListAuditEventsResponse, ListAuditEventsResponse__Output as _nasunet_v1_ListAuditEventsResponse__Output } from '../../nasunet/v1/ListAuditEventsResponse.js';
import type { ListDatasetsRequest as _nasunet_v1_ListDatasetsRequest, ListDatasetsRequest__Output as _nasunet_v1_ListDatasetsRequest__Output } from '../../nasunet/v1/ListDatasetsRequest.js';
import type { ListDatasetsResponse as _nasunet_v1_ListDatasetsResponse, ListDatasetsResponse__Output as _nasunet_v1_ListDatasetsResponse__Output } from '../../nasunet/v1/ListDatasetsResponse.js';
import type { ListGenotypesRequest as _nasunet_v1_ListGenotypesRequest, ListGenotypesRequest__Output as _nasunet_v1_ListGenotypesRequest__Output } from '../../nasunet/v1/ListGenotypesRequest.js';
import type { ListGenotypesResponse as _nasunet_v1_ListGenotypesResponse, ListGenotypesResponse__Output as _nasunet_v1_ListGenotypesResponse__Output } from '../../nasunet/v1/ListGenotypesResponse.js';
import type { ListModelsRequest as _nasunet_v1_ListModelsRequest, ListModelsRequest__Output as _nasunet_v1_ListModelsRequest__Output } from '../../nasunet/v1/ListModelsRequest.js';
import type { ListModelsResponse as _nasunet_v1_ListModelsResponse, ListModelsResponse__Output as _nasunet_v1_ListModelsResponse__Output } from '../../nasunet/v1/ListModelsResponse.js';
import type { RegisterDatasetRequest as _nasunet_v1_RegisterDatasetRequest, RegisterDatasetRequest__Output as _nasunet_v1_RegisterDatasetRequest__Output } from '../../nasunet/v1/RegisterDatasetRequest.js';
import type { RegisterDatasetResponse as _nasunet_v1_RegisterDatasetResponse, RegisterDatasetResponse__Output as _nasunet_v1_RegisterDatasetResponse__Output } from '../../nasunet/v1/RegisterDatasetResponse.js';
import type { RegisterDatasetUriRequest as _nasunet_v1_RegisterDatasetUriRequest, RegisterDatasetUriRequest__Output as _nasunet_v1_RegisterDatasetUriRequest__Output } from '../../nasunet/v1/RegisterDatasetUriRequest.js';
import type { RegisterDatasetUriResponse as _nasunet_v1_RegisterDatasetUriResponse, RegisterDatasetUriResponse__Output as _nasunet_v1_RegisterDatasetUriResponse__Output } from '../../nasunet/v1/RegisterDatasetUriResponse.js';
import type { RetireModelRequest as _nasunet_v1_RetireModelRequest, RetireModelRequest__Output as _nasunet_v1_RetireModelRequest__Output } from '../../nasunet/v1/RetireModelRequest.js';
import type { RetireModelResponse as _nasunet_v1_RetireModelResponse, RetireModelResponse__Output as _nasunet_v1_RetireModelResponse__Output } from '../../nasunet/v1/RetireModelResponse.js';
import type { SetAliasRequest as _nasunet_v1_SetAliasRequest, SetAliasRequest__Output as _nasunet_v1_SetAliasRequest__Output } from '../../nasunet/v1/SetAliasRequest.js';
import type { SetAliasResponse as _nasunet_v1_SetAliasResponse, SetAliasResponse__Output as _nasunet_v1_SetAliasResponse__Output } from '../../nasunet/v1/SetAliasResponse.js';
import type { UploadModelRequest as _nasunet_v1_UploadModelRequest, UploadModelRequest__Output as _nasunet_v1_UploadModelRequest__Output } from '../../nasunet/v1/UploadModelRequest.js';
import type { UploadModelResponse as _nasunet_v1_UploadModelResponse, UploadModelResponse__Output as _nasunet_v1_UploadModelResponse__Output } from '../../nasunet/v1/UploadModelResponse.js';

export interface ModelRegistryServiceClient extends grpc.Client {
  CreateGenotype(argument: _nasunet_v1_CreateGenotypeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  CreateGenotype(argument: _nasunet_v1_CreateGenotypeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  CreateGenotype(argument: _nasunet_v1_CreateGenotypeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  CreateGenotype(argument: _nasunet_v1_CreateGenotypeRequest, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  createGenotype(argument: _nasunet_v1_CreateGenotypeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  createGenotype(argument: _nasunet_v1_CreateGenotypeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  createGenotype(argument: _nasunet_v1_CreateGenotypeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  createGenotype(argument: _nasunet_v1_CreateGenotypeRequest, callback: grpc.requestCallback<_nasunet_v1_CreateGenotypeResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteAlias(argument: _nasunet_v1_DeleteAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  DeleteAlias(argument: _nasunet_v1_DeleteAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  DeleteAlias(argument: _nasunet_v1_DeleteAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  DeleteAlias(argument: _nasunet_v1_DeleteAliasRequest, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _nasunet_v1_DeleteAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _nasunet_v1_DeleteAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _nasunet_v1_DeleteAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _nasunet_v1_DeleteAliasRequest, callback: grpc.requestCallback<_nasunet_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  
  DownloadDataset(argument: _nasunet_v1_DownloadDatasetRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadDatasetResponse__Output>;
  DownloadDataset(argument: _nasunet_v1_DownloadDatasetRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadDatasetResponse__Output>;
  downloadDataset(argument: _nasunet_v1_DownloadDatasetRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadDatasetResponse__Output>;
  downloadDataset(argument: _nasunet_v1_DownloadDatasetRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadDatasetResponse__Output>;
  
  DownloadModel(argument: _nasunet_v1_DownloadModelRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadModelResponse__Output>;
  DownloadModel(argument: _nasunet_v1_DownloadModelRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadModelResponse__Output>;
  downloadModel(argument: _nasunet_v1_DownloadModelRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadModelResponse__Output>;
  downloadModel(argument: _nasunet_v1_DownloadModelRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_DownloadModelResponse__Output>;
  
  GetDataset(argument: _nasunet_v1_GetDatasetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  GetDataset(argument: _nasunet_v1_GetDatasetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  GetDataset(argument: _nasunet_v1_GetDatasetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  GetDataset(argument: _nasunet_v1_GetDatasetRequest, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  getDataset(argument: _nasunet_v1_GetDatasetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  getDataset(argument: _nasunet_v1_GetDatasetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  getDataset(argument: _nasunet_v1_GetDatasetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  getDataset(argument: _nasunet_v1_GetDatasetRequest, callback: grpc.requestCallback<_nasunet_v1_GetDatasetResponse__Output>): grpc.ClientUnaryCall;
  
  GetGenotype(argument: _nasunet_v1_GetGenotypeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  GetGenotype(argument: _nasunet_v1_GetGenotypeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  GetGenotype(argument: _nasunet_v1_GetGenotypeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  GetGenotype(argument: _nasunet_v1_GetGenotypeRequest, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  getGenotype(argument: _nasunet_v1_GetGenotypeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  getGenotype(argument: _nasunet_v1_GetGenotypeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  getGenotype(argument: _nasunet_v1_GetGenotypeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  getGenotype(argument: _nasunet_v1_GetGenotypeRequest, callback: grpc.requestCallback<_nasunet_v1_GetGenotypeResponse__Output>): grpc.ClientUnaryCall;
  
  GetModel(argument: _nasunet_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _nasunet_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _nasunet_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _nasunet_v1_GetModelRequest, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _nasunet_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _nasunet_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _nasunet_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _nasunet_v1_GetModelRequest, callback: grpc.requestCallback<_nasunet_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  
  ListAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  listAuditEvents(argument: _nasunet_v1_ListAuditEventsRequest, callback: grpc.requestCallback<_nasunet_v1_ListAuditEventsResponse__Output>): grpc.ClientUnaryCall;
  
  ListDatasets(argument: _nasunet_v1_ListDatasetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  ListDatasets(argument: _nasunet_v1_ListDatasetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  ListDatasets(argument: _nasunet_v1_ListDatasetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  ListDatasets(argument: _nasunet_v1_ListDatasetsRequest, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  listDatasets(argument: _nasunet_v1_ListDatasetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  listDatasets(argument: _nasunet_v1_ListDatasetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  listDatasets(argument: _nasunet_v1_ListDatasetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  listDatasets(argument: _nasunet_v1_ListDatasetsRequest, callback: grpc.requestCallback<_nasunet_v1_ListDatasetsResponse__Output>): grpc.ClientUnaryCall;
  
  ListGenotypes(argument: _nasunet_v1_ListGenotypesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  ListGenotypes(argument: _nasunet_v1_ListGenotypesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  ListGenotypes(argument: _nasunet_v1_ListGenotypesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  ListGenotypes(argument: _nasunet_v1_ListGenotypesRequest, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  listGenotypes(argument: _nasunet_v1_ListGenotypesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  listGenotypes(argument: _nasunet_v1_ListGenotypesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  listGenotypes(argument: _nasunet_v1_ListGenotypesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  listGenotypes(argument: _nasunet_v1_ListGenotypesRequest, callback: grpc.requestCallback<_nasunet_v1_ListGenotypesResponse__Output>): grpc.ClientUnaryCall;
  
  ListModels(argument: _nasunet_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _nasunet_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _nasunet_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _nasunet_v1_ListModelsRequest, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nasunet_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nasunet_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nasunet_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nasunet_v1_ListModelsRequest, callback: grpc.requestCallback<_nasunet_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
  RegisterDataset(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  RegisterDataset(metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  RegisterDataset(options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  RegisterDataset(callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  registerDataset(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  registerDataset(metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  registerDataset(options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  registerDataset(callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_RegisterDatasetRequest>;
  
  RegisterDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  RegisterDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  RegisterDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  RegisterDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  registerDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  registerDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  registerDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  registerDatasetUri(argument: _nasunet_v1_RegisterDatasetUriRequest, callback: grpc.requestCallback<_nasunet_v1_RegisterDatasetUriResponse__Output>): grpc.ClientUnaryCall;
  
  RetireModel(argument: _nasunet_v1_RetireModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  RetireModel(argument: _nasunet_v1_RetireModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  RetireModel(argument: _nasunet_v1_RetireModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  RetireModel(argument: _nasunet_v1_RetireModelRequest, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  retireModel(argument: _nasunet_v1_RetireModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  retireModel(argument: _nasunet_v1_RetireModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  retireModel(argument: _nasunet_v1_RetireModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  retireModel(argument: _nasunet_v1_RetireModelRequest, callback: grpc.requestCallback<_nasunet_v1_RetireModelResponse__Output>): grpc.ClientUnaryCall;
  
  SetAlias(argument: _nasunet_v1_SetAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  SetAlias(argument: _nasunet_v1_SetAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  SetAlias(argument: _nasunet_v1_SetAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  SetAlias(argument: _nasunet_v1_SetAliasRequest, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _nasunet_v1_SetAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _nasunet_v1_SetAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _nasunet_v1_SetAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _nasunet_v1_SetAliasRequest, callback: grpc.requestCallback<_nasunet_v1_SetAliasResponse__Output>): grpc.ClientUnaryCall;
  
  UploadModel(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  UploadModel(metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  UploadModel(options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  UploadModel(callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  uploadModel(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  uploadModel(metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  uploadModel(options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  uploadModel(callback: grpc.requestCallback<_nasunet_v1_UploadModelResponse__Output>): grpc.ClientWritableStream<_nasunet_v1_UploadModelRequest>;
  
}

export interface ModelRegistryServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateGenotype: grpc.handleUnaryCall<_nasunet_v1_CreateGenotypeRequest__Output, _nasunet_v1_CreateGenotypeResponse>;
  
  DeleteAlias: grpc.handleUnaryCall<_nasunet_v1_DeleteAliasRequest__Output, _nasunet_v1_DeleteAliasResponse>;
  
  DownloadDataset: grpc.handleServerStreamingCall<_nasunet_v1_DownloadDatasetRequest__Output, _nasunet_v1_DownloadDatasetResponse>;
  
  DownloadModel: grpc.handleServerStreamingCall<_nasunet_v1_DownloadModelRequest__Output, _nasunet_v1_DownloadModelResponse>;
  
  GetDataset: grpc.handleUnaryCall<_nasunet_v1_GetDatasetRequest__Output, _nasunet_v1_GetDatasetResponse>;
  
  GetGenotype: grpc.handleUnaryCall<_nasunet_v1_GetGenotypeRequest__Output, _nasunet_v1_GetGenotypeResponse>;
  
  GetModel: grpc.handleUnaryCall<_nasunet_v1_GetModelRequest__Output, _nasunet_v1_GetModelResponse>;
  
  ListAuditEvents: grpc.handleUnaryCall<_nasunet_v1_ListAuditEventsRequest__Output, _nasunet_v1_ListAuditEventsResponse>;
  
  ListDatasets: grpc.handleUnaryCall<_nasunet_v1_ListDatasetsRequest__Output, _nasunet_v1_ListDatasetsResponse>;
  
  ListGenotypes: grpc.handleUnaryCall<_nasunet_v1_ListGenotypesRequest__Output, _nasunet_v1_ListGenotypesResponse>;
  
  ListModels: grpc.handleUnaryCall<_nasunet_v1_ListModelsRequest__Output, _nasunet_v1_ListModelsResponse>;
  
  RegisterDataset: grpc.handleClientStreamingCall<_nasunet_v1_RegisterDatasetRequest__Output, _nasunet_v1_RegisterDatasetResponse>;
  
  RegisterDatasetUri: grpc.handleUnaryCall<_nasunet_v1_RegisterDatasetUriRequest__Output, _nasunet_v1_RegisterDatasetUriResponse>;
  
  RetireModel: grpc.handleUnaryCall<_nasunet_v1_RetireModelRequest__Output, _nasunet_v1_RetireModelResponse>;
  
  SetAlias: grpc.handleUnaryCall<_nasunet_v1_SetAliasRequest__Output, _nasunet_v1_SetAliasResponse>;
  
  UploadModel: grpc.handleClientStreamingCall<_nasunet_v1_UploadModelRequest__Output, _nasunet_v1_UploadModelResponse>;
  
}

export interface ModelRegistryServiceDefinition extends grpc.ServiceDefinition {
  CreateGenotype: MethodDefinition<_nasunet_v1_CreateGenotypeRequest, _nasunet_v1_CreateGenotypeResponse, _nasunet_v1_CreateGenotypeRequest__Output, _nasunet_v1_CreateGenotypeResponse__Output>
  DeleteAlias: MethodDefinition<_nasunet_v1_DeleteAliasRequest, _nasunet_v1_DeleteAliasResponse, _nasunet_v1_DeleteAliasRequest__Output, _nasunet_v1_DeleteAliasResponse__Output>
  DownloadDataset: MethodDefinition<_nasunet_v1_DownloadDatasetRequest, _nasunet_v1_DownloadDatasetResponse, _nasunet_v1_DownloadDatasetRequest__Output, _nasunet_v1_DownloadDatasetResponse__Output>
  DownloadModel: MethodDefinition<_nasunet_v1_DownloadModelRequest, _nasunet_v1_DownloadModelResponse, _nasunet_v1_DownloadModelRequest__Output, _nasunet_v1_DownloadModelResponse__Output>
  GetDataset: MethodDefinition<_nasunet_v1_GetDatasetRequest, _nasunet_v1_GetDatasetResponse, _nasunet_v1_GetDatasetRequest__Output, _nasunet_v1_GetDatasetResponse__Output>
  GetGenotype: MethodDefinition<_nasunet_v1_GetGenotypeRequest, _nasunet_v1_GetGenotypeResponse, _nasunet_v1_GetGenotypeRequest__Output, _nasunet_v1_GetGenotypeResponse__Output>
  GetModel: MethodDefinition<_nasunet_v1_GetModelRequest, _nasunet_v1_GetModelResponse, _nasunet_v1_GetModelRequest__Output, _nasunet_v1_GetModelResponse__Output>
  ListAuditEvents: MethodDefinition<_nasunet_v1_ListAuditEventsRequest, _nasunet_v1_ListAuditEventsResponse, _nasunet_v1_ListAuditEventsRequest__Output, _nasunet_v1_ListAuditEventsResponse__Output>
  ListDatasets: MethodDefinition<_nasunet_v1_ListDatasetsRequest, _nasunet_v1_ListDatasetsResponse, _nasunet_v1_ListDatasetsRequest__Output, _nasunet_v1_ListDatasetsResponse__Output>
  ListGenotypes: MethodDefinition<_nasunet_v1_ListGenotypesRequest, _nasunet_v1_ListGenotypesResponse, _nasunet_v1_ListGenotypesRequest__Output, _nasunet_v1_ListGenotypesResponse__Output>
  ListModels: MethodDefinition<_nasunet_v1_ListModelsRequest, _nasunet_v1_ListModelsResponse, _nasunet_v1_ListModelsRequest__Output, _nasunet_v1_ListModelsResponse__Output>
  RegisterDataset: MethodDefinition<_nasunet_v1_RegisterDatasetRequest, _nasunet_v1_RegisterDatasetResponse, _nasunet_v1_RegisterDatasetRequest__Output, _nasunet_v1_RegisterDatasetResponse__Output>
  RegisterDatasetUri: MethodDefinition<_nasunet_v1_RegisterDatasetUriRequest, _nasunet_v1_RegisterDatasetUriResponse, _nasunet_v1_RegisterDatasetUriRequest__Output, _nasunet_v1_RegisterDatasetUriResponse__Output>
  RetireModel: MethodDefinition<_nasunet_v1_RetireModelRequest, _nasunet_v1_RetireModelResponse, _nasunet_v1_RetireModelRequest__Output, _nasunet_v1_RetireModelResponse__Output>
  SetAlias: MethodDefinition<_nasunet_v1_SetAliasRequest, _nasunet_v1_SetAliasResponse, _nasunet_v1_SetAliasRequest__Output, _nasunet_v1_SetAliasResponse__Output>
  UploadModel: MethodDefinition<_nasunet_v1_UploadModelRequest, _nasunet_v1_UploadModelResponse, _nasunet_v1_UploadModelRequest__Output, _nasunet_v1_UploadModelResponse__Output>
}
