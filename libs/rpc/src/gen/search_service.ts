/* eslint-disable */
// @ts-nocheck
import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AlphaMatrix as _nasunet_v1_AlphaMatrix, AlphaMatrix__Output as _nasunet_v1_AlphaMatrix__Output } from './nasunet/v1/AlphaMatrix.js';
import type { CancelSearchRequest as _nasunet_v1_CancelSearchRequest, CancelSearchRequest__Output as _nasunet_v1_CancelSearchRequest__Output } from './nasunet/v1/CancelSearchRequest.js';
import type { CancelSearchResponse as _nasunet_v1_CancelSearchResponse, CancelSearchResponse__Output as _nasunet_v1_CancelSearchResponse__Output } from './nasunet/v1/CancelSearchResponse.js';
import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from './nasunet/v1/ClassMetrics.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from './nasunet/v1/ClassVolume.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from './nasunet/v1/DatasetRef.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from './nasunet/v1/GenotypeRef.js';
import type { GetSearchGroupRequest as _nasunet_v1_GetSearchGroupRequest, GetSearchGroupRequest__Output as _nasunet_v1_GetSearchGroupRequest__Output } from './nasunet/v1/GetSearchGroupRequest.js';
import type { GetSearchGroupResponse as _nasunet_v1_GetSearchGroupResponse, GetSearchGroupResponse__Output as _nasunet_v1_GetSearchGroupResponse__Output } from './nasunet/v1/GetSearchGroupResponse.js';
import type { GetSearchRequest as _nasunet_v1_GetSearchRequest, GetSearchRequest__Output as _nasunet_v1_GetSearchRequest__Output } from './nasunet/v1/GetSearchRequest.js';
import type { GetSearchResponse as _nasunet_v1_GetSearchResponse, GetSearchResponse__Output as _nasunet_v1_GetSearchResponse__Output } from './nasunet/v1/GetSearchResponse.js';
import type { ListSearchesRequest as _nasunet_v1_ListSearchesRequest, ListSearchesRequest__Output as _nasunet_v1_ListSearchesRequest__Output } from './nasunet/v1/ListSearchesRequest.js';
import type { ListSearchesResponse as _nasunet_v1_ListSearchesResponse, ListSearchesResponse__Output as _nasunet_v1_ListSearchesResponse__Output } from './nasunet/v1/ListSearchesResponse.js';
import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from './nasunet/v1/ModelRef.js';
import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from './nasunet/v1/PageRequest.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from './nasunet/v1/RawImage.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from './nasunet/v1/ResolvedModel.js';
import type { SearchBudget as _nasunet_v1_SearchBudget, SearchBudget__Output as _nasunet_v1_SearchBudget__Output } from './nasunet/v1/SearchBudget.js';
import type { SearchEpochEvent as _nasunet_v1_SearchEpochEvent, SearchEpochEvent__Output as _nasunet_v1_SearchEpochEvent__Output } from './nasunet/v1/SearchEpochEvent.js';
import type { SearchHyperParameters as _nasunet_v1_SearchHyperParameters, SearchHyperParameters__Output as _nasunet_v1_SearchHyperParameters__Output } from './nasunet/v1/SearchHyperParameters.js';
import type { SearchJob as _nasunet_v1_SearchJob, SearchJob__Output as _nasunet_v1_SearchJob__Output } from './nasunet/v1/SearchJob.js';
import type { SearchServiceClient as _nasunet_v1_SearchServiceClient, SearchServiceDefinition as _nasunet_v1_SearchServiceDefinition } from './nasunet/v1/SearchService.js';
import type { SearchSpace as _nasunet_v1_SearchSpace, SearchSpace__Output as _nasunet_v1_SearchSpace__Output } from './nasunet/v1/SearchSpace.js';
import type { SearchStateEvent as _nasunet_v1_SearchStateEvent, SearchStateEvent__Output as _nasunet_v1_SearchStateEvent__Output } from './nasunet/v1/SearchStateEvent.js';
import type { SearchStepEvent as _nasunet_v1_SearchStepEvent, SearchStepEvent__Output as _nasunet_v1_SearchStepEvent__Output } from './nasunet/v1/SearchStepEvent.js';
import type { SeedAgreement as _nasunet_v1_SeedAgreement, SeedAgreement__Output as _nasunet_v1_SeedAgreement__Output } from './nasunet/v1/SeedAgreement.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from './nasunet/v1/Spacing.js';
import type { StartSearchRequest as _nasunet_v1_StartSearchRequest, StartSearchRequest__Output as _nasunet_v1_StartSearchRequest__Output } from './nasunet/v1/StartSearchRequest.js';
import type { StartSearchResponse as _nasunet_v1_StartSearchResponse, StartSearchResponse__Output as _nasunet_v1_StartSearchResponse__Output } from './nasunet/v1/StartSearchResponse.js';
import type { WatchSearchRequest as _nasunet_v1_WatchSearchRequest, WatchSearchRequest__Output as _nasunet_v1_WatchSearchRequest__Output } from './nasunet/v1/WatchSearchRequest.js';
import type { WatchSearchResponse as _nasunet_v1_WatchSearchResponse, WatchSearchResponse__Output as _nasunet_v1_WatchSearchResponse__Output } from './nasunet/v1/WatchSearchResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nasunet: {
    v1: {
      AlphaMatrix: MessageTypeDefinition<_nasunet_v1_AlphaMatrix, _nasunet_v1_AlphaMatrix__Output>
      CancelSearchRequest: MessageTypeDefinition<_nasunet_v1_CancelSearchRequest, _nasunet_v1_CancelSearchRequest__Output>
      CancelSearchResponse: MessageTypeDefinition<_nasunet_v1_CancelSearchResponse, _nasunet_v1_CancelSearchResponse__Output>
      ClassMetrics: MessageTypeDefinition<_nasunet_v1_ClassMetrics, _nasunet_v1_ClassMetrics__Output>
      ClassVolume: MessageTypeDefinition<_nasunet_v1_ClassVolume, _nasunet_v1_ClassVolume__Output>
      DatasetRef: MessageTypeDefinition<_nasunet_v1_DatasetRef, _nasunet_v1_DatasetRef__Output>
      GenotypeRef: MessageTypeDefinition<_nasunet_v1_GenotypeRef, _nasunet_v1_GenotypeRef__Output>
      GetSearchGroupRequest: MessageTypeDefinition<_nasunet_v1_GetSearchGroupRequest, _nasunet_v1_GetSearchGroupRequest__Output>
      GetSearchGroupResponse: MessageTypeDefinition<_nasunet_v1_GetSearchGroupResponse, _nasunet_v1_GetSearchGroupResponse__Output>
      GetSearchRequest: MessageTypeDefinition<_nasunet_v1_GetSearchRequest, _nasunet_v1_GetSearchRequest__Output>
      GetSearchResponse: MessageTypeDefinition<_nasunet_v1_GetSearchResponse, _nasunet_v1_GetSearchResponse__Output>
      JobState: EnumTypeDefinition
      ListSearchesRequest: MessageTypeDefinition<_nasunet_v1_ListSearchesRequest, _nasunet_v1_ListSearchesRequest__Output>
      ListSearchesResponse: MessageTypeDefinition<_nasunet_v1_ListSearchesResponse, _nasunet_v1_ListSearchesResponse__Output>
      ModelRef: MessageTypeDefinition<_nasunet_v1_ModelRef, _nasunet_v1_ModelRef__Output>
      PageRequest: MessageTypeDefinition<_nasunet_v1_PageRequest, _nasunet_v1_PageRequest__Output>
      PixelDtype: EnumTypeDefinition
      RawImage: MessageTypeDefinition<_nasunet_v1_RawImage, _nasunet_v1_RawImage__Output>
      ResolvedModel: MessageTypeDefinition<_nasunet_v1_ResolvedModel, _nasunet_v1_ResolvedModel__Output>
      SearchBudget: MessageTypeDefinition<_nasunet_v1_SearchBudget, _nasunet_v1_SearchBudget__Output>
      SearchEpochEvent: MessageTypeDefinition<_nasunet_v1_SearchEpochEvent, _nasunet_v1_SearchEpochEvent__Output>
      SearchHyperParameters: MessageTypeDefinition<_nasunet_v1_SearchHyperParameters, _nasunet_v1_SearchHyperParameters__Output>
      SearchJob: MessageTypeDefinition<_nasunet_v1_SearchJob, _nasunet_v1_SearchJob__Output>
      SearchService: SubtypeConstructor<typeof grpc.Client, _nasunet_v1_SearchServiceClient> & { service: _nasunet_v1_SearchServiceDefinition }
      SearchSpace: MessageTypeDefinition<_nasunet_v1_SearchSpace, _nasunet_v1_SearchSpace__Output>
      SearchSpacePreset: EnumTypeDefinition
      SearchStateEvent: MessageTypeDefinition<_nasunet_v1_SearchStateEvent, _nasunet_v1_SearchStateEvent__Output>
      SearchStepEvent: MessageTypeDefinition<_nasunet_v1_SearchStepEvent, _nasunet_v1_SearchStepEvent__Output>
      SeedAgreement: MessageTypeDefinition<_nasunet_v1_SeedAgreement, _nasunet_v1_SeedAgreement__Output>
      Spacing: MessageTypeDefinition<_nasunet_v1_Spacing, _nasunet_v1_Spacing__Output>
      StartSearchRequest: MessageTypeDefinition<_nasunet_v1_StartSearchRequest, _nasunet_v1_StartSearchRequest__Output>
      StartSearchResponse: MessageTypeDefinition<_nasunet_v1_StartSearchResponse, _nasunet_v1_StartSearchResponse__Output>
      WatchSearchRequest: MessageTypeDefinition<_nasunet_v1_WatchSearchRequest, _nasunet_v1_WatchSearchRequest__Output>
      WatchSearchResponse: MessageTypeDefinition<_nasunet_v1_WatchSearchResponse, _nasunet_v1_WatchSearchResponse__Output>
    }
  }
}

