/* eslint-disable */
// @ts-nocheck
import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Artifact as _nasunet_v1_Artifact, Artifact__Output as _nasunet_v1_Artifact__Output } from './nasunet/v1/Artifact.js';
import type { ArtifactChunk as _nasunet_v1_ArtifactChunk, ArtifactChunk__Output as _nasunet_v1_ArtifactChunk__Output } from './nasunet/v1/ArtifactChunk.js';
import type { AuditEvent as _nasunet_v1_AuditEvent, AuditEvent__Output as _nasunet_v1_AuditEvent__Output } from './nasunet/v1/AuditEvent.js';
import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from './nasunet/v1/ClassMetrics.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from './nasunet/v1/ClassVolume.js';
import type { CreateGenotypeRequest as _nasunet_v1_CreateGenotypeRequest, CreateGenotypeRequest__Output as _nasunet_v1_CreateGenotypeRequest__Output } from './nasunet/v1/CreateGenotypeRequest.js';
import type { CreateGenotypeResponse as _nasunet_v1_CreateGenotypeResponse, CreateGenotypeResponse__Output as _nasunet_v1_CreateGenotypeResponse__Output } from './nasunet/v1/CreateGenotypeResponse.js';
import type { Dataset as _nasunet_v1_Dataset, Dataset__Output as _nasunet_v1_Dataset__Output } from './nasunet/v1/Dataset.js';
import type { DatasetFile as _nasunet_v1_DatasetFile, DatasetFile__Output as _nasunet_v1_DatasetFile__Output } from './nasunet/v1/DatasetFile.js';
import type { DatasetMetadata as _nasunet_v1_DatasetMetadata, DatasetMetadata__Output as _nasunet_v1_DatasetMetadata__Output } from './nasunet/v1/DatasetMetadata.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from './nasunet/v1/DatasetRef.js';
import type { DeleteAliasRequest as _nasunet_v1_DeleteAliasRequest, DeleteAliasRequest__Output as _nasunet_v1_DeleteAliasRequest__Output } from './nasunet/v1/DeleteAliasRequest.js';
import type { DeleteAliasResponse as _nasunet_v1_DeleteAliasResponse, DeleteAliasResponse__Output as _nasunet_v1_DeleteAliasResponse__Output } from './nasunet/v1/DeleteAliasResponse.js';
import type { DownloadDatasetRequest as _nasunet_v1_DownloadDatasetRequest, DownloadDatasetRequest__Output as _nasunet_v1_DownloadDatasetRequest__Output } from './nasunet/v1/DownloadDatasetRequest.js';
import type { DownloadDatasetResponse as _nasunet_v1_DownloadDatasetResponse, DownloadDatasetResponse__Output as _nasunet_v1_DownloadDatasetResponse__Output } from './nasunet/v1/DownloadDatasetResponse.js';
import type { DownloadModelRequest as _nasunet_v1_DownloadModelRequest, DownloadModelRequest__Output as _nasunet_v1_DownloadModelRequest__Output } from './nasunet/v1/DownloadModelRequest.js';
import type { DownloadModelResponse as _nasunet_v1_DownloadModelResponse, DownloadModelResponse__Output as _nasunet_v1_DownloadModelResponse__Output } from './nasunet/v1/DownloadModelResponse.js';
import type { FileChunk as _nasunet_v1_FileChunk, FileChunk__Output as _nasunet_v1_FileChunk__Output } from './nasunet/v1/FileChunk.js';
import type { Genotype as _nasunet_v1_Genotype, Genotype__Output as _nasunet_v1_Genotype__Output } from './nasunet/v1/Genotype.js';
import type { GenotypeLineage as _nasunet_v1_GenotypeLineage, GenotypeLineage__Output as _nasunet_v1_GenotypeLineage__Output } from './nasunet/v1/GenotypeLineage.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from './nasunet/v1/GenotypeRef.js';
import type { GetDatasetRequest as _nasunet_v1_GetDatasetRequest, GetDatasetRequest__Output as _nasunet_v1_GetDatasetRequest__Output } from './nasunet/v1/GetDatasetRequest.js';
import type { GetDatasetResponse as _nasunet_v1_GetDatasetResponse, GetDatasetResponse__Output as _nasunet_v1_GetDatasetResponse__Output } from './nasunet/v1/GetDatasetResponse.js';
import type { GetGenotypeRequest as _nasunet_v1_GetGenotypeRequest, GetGenotypeRequest__Output as _nasunet_v1_GetGenotypeRequest__Output } from './nasunet/v1/GetGenotypeRequest.js';
import type { GetGenotypeResponse as _nasunet_v1_GetGenotypeResponse, GetGenotypeResponse__Output as _nasunet_v1_GetGenotypeResponse__Output } from './nasunet/v1/GetGenotypeResponse.js';
import type { GetModelRequest as _nasunet_v1_GetModelRequest, GetModelRequest__Output as _nasunet_v1_GetModelRequest__Output } from './nasunet/v1/GetModelRequest.js';
import type { GetModelResponse as _nasunet_v1_GetModelResponse, GetModelResponse__Output as _nasunet_v1_GetModelResponse__Output } from './nasunet/v1/GetModelResponse.js';
import type { ListAuditEventsRequest as _nasunet_v1_ListAuditEventsRequest, ListAuditEventsRequest__Output as _nasunet_v1_ListAuditEventsRequest__Output } from './nasunet/v1/ListAuditEventsRequest.js';
import type { ListAuditEventsResponse as _nasunet_v1_ListAuditEventsResponse, ListAuditEventsResponse__Output as _nasunet_v1_ListAuditEventsResponse__Output } from './nasunet/v1/ListAuditEventsResponse.js';
import type { ListDatasetsRequest as _nasunet_v1_ListDatasetsRequest, ListDatasetsRequest__Output as _nasunet_v1_ListDatasetsRequest__Output } from './nasunet/v1/ListDatasetsRequest.js';
import type { ListDatasetsResponse as _nasunet_v1_ListDatasetsResponse, ListDatasetsResponse__Output as _nasunet_v1_ListDatasetsResponse__Output } from './nasunet/v1/ListDatasetsResponse.js';
import type { ListGenotypesRequest as _nasunet_v1_ListGenotypesRequest, ListGenotypesRequest__Output as _nasunet_v1_ListGenotypesRequest__Output } from './nasunet/v1/ListGenotypesRequest.js';
import type { ListGenotypesResponse as _nasunet_v1_ListGenotypesResponse, ListGenotypesResponse__Output as _nasunet_v1_ListGenotypesResponse__Output } from './nasunet/v1/ListGenotypesResponse.js';
import type { ListModelsRequest as _nasunet_v1_ListModelsRequest, ListModelsRequest__Output as _nasunet_v1_ListModelsRequest__Output } from './nasunet/v1/ListModelsRequest.js';
import type { ListModelsResponse as _nasunet_v1_ListModelsResponse, ListModelsResponse__Output as _nasunet_v1_ListModelsResponse__Output } from './nasunet/v1/ListModelsResponse.js';
import type { Model as _nasunet_v1_Model, Model__Output as _nasunet_v1_Model__Output } from './nasunet/v1/Model.js';
import type { ModelLineage as _nasunet_v1_ModelLineage, ModelLineage__Output as _nasunet_v1_ModelLineage__Output } from './nasunet/v1/ModelLineage.js';
import type { ModelMetadata as _nasunet_v1_ModelMetadata, ModelMetadata__Output as _nasunet_v1_ModelMetadata__Output } from './nasunet/v1/ModelMetadata.js';
import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from './nasunet/v1/ModelRef.js';
import type { ModelRegistryServiceClient as _nasunet_v1_ModelRegistryServiceClient, ModelRegistryServiceDefinition as _nasunet_v1_ModelRegistryServiceDefinition } from './nasunet/v1/ModelRegistryService.js';
import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from './nasunet/v1/PageRequest.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from './nasunet/v1/RawImage.js';
import type { RegisterDatasetRequest as _nasunet_v1_RegisterDatasetRequest, RegisterDatasetRequest__Output as _nasunet_v1_RegisterDatasetRequest__Output } from './nasunet/v1/RegisterDatasetRequest.js';
import type { RegisterDatasetResponse as _nasunet_v1_RegisterDatasetResponse, RegisterDatasetResponse__Output as _nasunet_v1_RegisterDatasetResponse__Output } from './nasunet/v1/RegisterDatasetResponse.js';
import type { RegisterDatasetUriRequest as _nasunet_v1_RegisterDatasetUriRequest, RegisterDatasetUriRequest__Output as _nasunet_v1_RegisterDatasetUriRequest__Output } from './nasunet/v1/RegisterDatasetUriRequest.js';
import type { RegisterDatasetUriResponse as _nasunet_v1_RegisterDatasetUriResponse, RegisterDatasetUriResponse__Output as _nasunet_v1_RegisterDatasetUriResponse__Output } from './nasunet/v1/RegisterDatasetUriResponse.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from './nasunet/v1/ResolvedModel.js';
import type { RetireModelRequest as _nasunet_v1_RetireModelRequest, RetireModelRequest__Output as _nasunet_v1_RetireModelRequest__Output } from './nasunet/v1/RetireModelRequest.js';
import type { RetireModelResponse as _nasunet_v1_RetireModelResponse, RetireModelResponse__Output as _nasunet_v1_RetireModelResponse__Output } from './nasunet/v1/RetireModelResponse.js';
import type { SetAliasRequest as _nasunet_v1_SetAliasRequest, SetAliasRequest__Output as _nasunet_v1_SetAliasRequest__Output } from './nasunet/v1/SetAliasRequest.js';
import type { SetAliasResponse as _nasunet_v1_SetAliasResponse, SetAliasResponse__Output as _nasunet_v1_SetAliasResponse__Output } from './nasunet/v1/SetAliasResponse.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from './nasunet/v1/Spacing.js';
import type { UploadModelRequest as _nasunet_v1_UploadModelRequest, UploadModelRequest__Output as _nasunet_v1_UploadModelRequest__Output } from './nasunet/v1/UploadModelRequest.js';
import type { UploadModelResponse as _nasunet_v1_UploadModelResponse, UploadModelResponse__Output as _nasunet_v1_UploadModelResponse__Output } from './nasunet/v1/UploadModelResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nasunet: {
    v1: {
      Artifact: MessageTypeDefinition<_nasunet_v1_Artifact, _nasunet_v1_Artifact__Output>
      ArtifactChunk: MessageTypeDefinition<_nasunet_v1_ArtifactChunk, _nasunet_v1_ArtifactChunk__Output>
      AuditAction: EnumTypeDefinition
      AuditEvent: MessageTypeDefinition<_nasunet_v1_AuditEvent, _nasunet_v1_AuditEvent__Output>
      ClassMetrics: MessageTypeDefinition<_nasunet_v1_ClassMetrics, _nasunet_v1_ClassMetrics__Output>
      ClassVolume: MessageTypeDefinition<_nasunet_v1_ClassVolume, _nasunet_v1_ClassVolume__Output>
      CreateGenotypeRequest: MessageTypeDefinition<_nasunet_v1_CreateGenotypeRequest, _nasunet_v1_CreateGenotypeRequest__Output>
      CreateGenotypeResponse: MessageTypeDefinition<_nasunet_v1_CreateGenotypeResponse, _nasunet_v1_CreateGenotypeResponse__Output>
      Dataset: MessageTypeDefinition<_nasunet_v1_Dataset, _nasunet_v1_Dataset__Output>
      DatasetFile: MessageTypeDefinition<_nasunet_v1_DatasetFile, _nasunet_v1_DatasetFile__Output>
      DatasetLayout: EnumTypeDefinition
      DatasetMetadata: MessageTypeDefinition<_nasunet_v1_DatasetMetadata, _nasunet_v1_DatasetMetadata__Output>
      DatasetRef: MessageTypeDefinition<_nasunet_v1_DatasetRef, _nasunet_v1_DatasetRef__Output>
      DeleteAliasRequest: MessageTypeDefinition<_nasunet_v1_DeleteAliasRequest, _nasunet_v1_DeleteAliasRequest__Output>
      DeleteAliasResponse: MessageTypeDefinition<_nasunet_v1_DeleteAliasResponse, _nasunet_v1_DeleteAliasResponse__Output>
      DownloadDatasetRequest: MessageTypeDefinition<_nasunet_v1_DownloadDatasetRequest, _nasunet_v1_DownloadDatasetRequest__Output>
      DownloadDatasetResponse: MessageTypeDefinition<_nasunet_v1_DownloadDatasetResponse, _nasunet_v1_DownloadDatasetResponse__Output>
      DownloadModelRequest: MessageTypeDefinition<_nasunet_v1_DownloadModelRequest, _nasunet_v1_DownloadModelRequest__Output>
      DownloadModelResponse: MessageTypeDefinition<_nasunet_v1_DownloadModelResponse, _nasunet_v1_DownloadModelResponse__Output>
      FileChunk: MessageTypeDefinition<_nasunet_v1_FileChunk, _nasunet_v1_FileChunk__Output>
      Genotype: MessageTypeDefinition<_nasunet_v1_Genotype, _nasunet_v1_Genotype__Output>
      GenotypeLineage: MessageTypeDefinition<_nasunet_v1_GenotypeLineage, _nasunet_v1_GenotypeLineage__Output>
      GenotypeRef: MessageTypeDefinition<_nasunet_v1_GenotypeRef, _nasunet_v1_GenotypeRef__Output>
      GetDatasetRequest: MessageTypeDefinition<_nasunet_v1_GetDatasetRequest, _nasunet_v1_GetDatasetRequest__Output>
      GetDatasetResponse: MessageTypeDefinition<_nasunet_v1_GetDatasetResponse, _nasunet_v1_GetDatasetResponse__Output>
      GetGenotypeRequest: MessageTypeDefinition<_nasunet_v1_GetGenotypeRequest, _nasunet_v1_GetGenotypeRequest__Output>
      GetGenotypeResponse: MessageTypeDefinition<_nasunet_v1_GetGenotypeResponse, _nasunet_v1_GetGenotypeResponse__Output>
      GetModelRequest: MessageTypeDefinition<_nasunet_v1_GetModelRequest, _nasunet_v1_GetModelRequest__Output>
      GetModelResponse: MessageTypeDefinition<_nasunet_v1_GetModelResponse, _nasunet_v1_GetModelResponse__Output>
      JobState: EnumTypeDefinition
      ListAuditEventsRequest: MessageTypeDefinition<_nasunet_v1_ListAuditEventsRequest, _nasunet_v1_ListAuditEventsRequest__Output>
      ListAuditEventsResponse: MessageTypeDefinition<_nasunet_v1_ListAuditEventsResponse, _nasunet_v1_ListAuditEventsResponse__Output>
      ListDatasetsRequest: MessageTypeDefinition<_nasunet_v1_ListDatasetsRequest, _nasunet_v1_ListDatasetsRequest__Output>
      ListDatasetsResponse: MessageTypeDefinition<_nasunet_v1_ListDatasetsResponse, _nasunet_v1_ListDatasetsResponse__Output>
      ListGenotypesRequest: MessageTypeDefinition<_nasunet_v1_ListGenotypesRequest, _nasunet_v1_ListGenotypesRequest__Output>
      ListGenotypesResponse: MessageTypeDefinition<_nasunet_v1_ListGenotypesResponse, _nasunet_v1_ListGenotypesResponse__Output>
      ListModelsRequest: MessageTypeDefinition<_nasunet_v1_ListModelsRequest, _nasunet_v1_ListModelsRequest__Output>
      ListModelsResponse: MessageTypeDefinition<_nasunet_v1_ListModelsResponse, _nasunet_v1_ListModelsResponse__Output>
      Model: MessageTypeDefinition<_nasunet_v1_Model, _nasunet_v1_Model__Output>
      ModelLineage: MessageTypeDefinition<_nasunet_v1_ModelLineage, _nasunet_v1_ModelLineage__Output>
      ModelMetadata: MessageTypeDefinition<_nasunet_v1_ModelMetadata, _nasunet_v1_ModelMetadata__Output>
      ModelRef: MessageTypeDefinition<_nasunet_v1_ModelRef, _nasunet_v1_ModelRef__Output>
      ModelRegistryService: SubtypeConstructor<typeof grpc.Client, _nasunet_v1_ModelRegistryServiceClient> & { service: _nasunet_v1_ModelRegistryServiceDefinition }
      PageRequest: MessageTypeDefinition<_nasunet_v1_PageRequest, _nasunet_v1_PageRequest__Output>
      PixelDtype: EnumTypeDefinition
      RawImage: MessageTypeDefinition<_nasunet_v1_RawImage, _nasunet_v1_RawImage__Output>
      RegisterDatasetRequest: MessageTypeDefinition<_nasunet_v1_RegisterDatasetRequest, _nasunet_v1_RegisterDatasetRequest__Output>
      RegisterDatasetResponse: MessageTypeDefinition<_nasunet_v1_RegisterDatasetResponse, _nasunet_v1_RegisterDatasetResponse__Output>
      RegisterDatasetUriRequest: MessageTypeDefinition<_nasunet_v1_RegisterDatasetUriRequest, _nasunet_v1_RegisterDatasetUriRequest__Output>
      RegisterDatasetUriResponse: MessageTypeDefinition<_nasunet_v1_RegisterDatasetUriResponse, _nasunet_v1_RegisterDatasetUriResponse__Output>
      ResolvedModel: MessageTypeDefinition<_nasunet_v1_ResolvedModel, _nasunet_v1_ResolvedModel__Output>
      RetireModelRequest: MessageTypeDefinition<_nasunet_v1_RetireModelRequest, _nasunet_v1_RetireModelRequest__Output>
      RetireModelResponse: MessageTypeDefinition<_nasunet_v1_RetireModelResponse, _nasunet_v1_RetireModelResponse__Output>
      SetAliasRequest: MessageTypeDefinition<_nasunet_v1_SetAliasRequest, _nasunet_v1_SetAliasRequest__Output>
      SetAliasResponse: MessageTypeDefinition<_nasunet_v1_SetAliasResponse, _nasunet_v1_SetAliasResponse__Output>
      Spacing: MessageTypeDefinition<_nasunet_v1_Spacing, _nasunet_v1_Spacing__Output>
      UploadModelRequest: MessageTypeDefinition<_nasunet_v1_UploadModelRequest, _nasunet_v1_UploadModelRequest__Output>
      UploadModelResponse: MessageTypeDefinition<_nasunet_v1_UploadModelResponse, _nasunet_v1_UploadModelResponse__Output>
    }
  }
}

