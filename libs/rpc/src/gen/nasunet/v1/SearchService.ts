// Original file: proto/nasunet/v1/search_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelSearchRequest as _nasunet_v1_CancelSearchRequest, CancelSearchRequest__Output as _nasunet_v1_CancelSearchRequest__Output } from '../../nasunet/v1/CancelSearchRequest.js';
import type { CancelSearchResponse as _nasunet_v1_CancelSearchResponse, CancelSearchResponse__Output as _nasunet_v1_CancelSearchResponse__Output } from '../../nasunet/v1/CancelSearchResponse.js';
import type { GetSearchGroupRequest as _nasunet_v1_GetSearchGroupRequest, GetSearchGroupRequest__Output as _nasunet_v1_GetSearchGroupRequest__Output } from '../../nasunet/v1/GetSearchGroupRequest.js';
import type { GetSearchGroupResponse as _nasunet_v1_GetSearchGroupResponse, GetSearchGroupResponse__Output as _nasunet_v1_GetSearchGroupResponse__Output } from '../../nasunet/v1/GetSearchGroupResponse.js';
import type { GetSearchRequest as _nasunet_v1_GetSearchRequest, GetSearchRequest__Output as _nasunet_v1_GetSearchRequest__Output } from '../../nasunet/v1/GetSearchRequest.js';
import type { GetSearchResponse as _nasunet_v1_GetSearchResponse, GetSearchResponse__Output as _nasunet_v1_GetSearchResponse__Output } from '../../nasunet/v1/GetSearchResponse.js';
import type { ListSearchesRequest as _nasunet_v1_ListSearchesRequest, ListSearchesRequest__Output as _nasunet_v1_ListSearchesRequest__Output } from '../../nasunet/v1/ListSearchesRequest.js';
import type { ListSearchesResponse as _nasunet_v1_ListSearchesResponse, ListSearchesResponse__Output as _nasunet_v1_ListSearchesResponse__Output } from '../../nasunet/v1/ListSearchesResponse.js';
import type { StartSearchRequest as _nasunet_v1_StartSearchRequest, StartSearchRequest__Output as _nasunet_v1_StartSearchRequest__Output } from '../../nasunet/v1/StartSearchRequest.js';
import type { StartSearchResponse as _nasunet_v1_StartSearchResponse, StartSearchResponse__Output as _nasunet_v1_StartSearchResponse__Output } from '../../nasunet/v1/StartSearchResponse.js';
import type { WatchSearchRequest as _nasunet_v1_WatchSearchRequest, WatchSearchRequest__Output as _nasunet_v1_WatchSearchRequest__Output } from '../../nasunet/v1/WatchSearchRequest.js';
import type { WatchSearchResponse as _nasunet_v1_WatchSearchResponse, WatchSearchResponse__Output as _nasunet_v1_WatchSearchResponse__Output } from '../../nasunet/v1/WatchSearchResponse.js';

export interface SearchServiceClient extends grpc.Client {
  CancelSearch(argument: _nasunet_v1_CancelSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  CancelSearch(argument: _nasunet_v1_CancelSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  CancelSearch(argument: _nasunet_v1_CancelSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  CancelSearch(argument: _nasunet_v1_CancelSearchRequest, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _nasunet_v1_CancelSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _nasunet_v1_CancelSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _nasunet_v1_CancelSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _nasunet_v1_CancelSearchRequest, callback: grpc.requestCallback<_nasunet_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  
  GetSearch(argument: _nasunet_v1_GetSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  GetSearch(argument: _nasunet_v1_GetSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  GetSearch(argument: _nasunet_v1_GetSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  GetSearch(argument: _nasunet_v1_GetSearchRequest, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  getSearch(argument: _nasunet_v1_GetSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  getSearch(argument: _nasunet_v1_GetSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  getSearch(argument: _nasunet_v1_GetSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  getSearch(argument: _nasunet_v1_GetSearchRequest, callback: grpc.requestCallback<_nasunet_v1_GetSearchResponse__Output>): grpc.ClientUnaryCall;
  
  GetSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  GetSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  GetSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  GetSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  getSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  getSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  getSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  getSearchGroup(argument: _nasunet_v1_GetSearchGroupRequest, callback: grpc.requestCallback<_nasunet_v1_GetSearchGroupResponse__Output>): grpc.ClientUnaryCall;
  
  ListSearches(argument: _nasunet_v1_ListSearchesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  ListSearches(argument: _nasunet_v1_ListSearchesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  ListSearches(argument: _nasunet_v1_ListSearchesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  ListSearches(argument: _nasunet_v1_ListSearchesRequest, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _nasunet_v1_ListSearchesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _nasunet_v1_ListSearchesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _nasunet_v1_ListSearchesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _nasunet_v1_ListSearchesRequest, callback: grpc.requestCallback<_nasunet_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  
  StartSearch(argument: _nasunet_v1_StartSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  StartSearch(argument: _nasunet_v1_StartSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  StartSearch(argument: _nasunet_v1_StartSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  StartSearch(argument: _nasunet_v1_StartSearchRequest, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  startSearch(argument: _nasunet_v1_StartSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  startSearch(argument: _nasunet_v1_StartSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  startSearch(argument: _nasunet_v1_StartSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  startSearch(argument: _nasunet_v1_StartSearchRequest, callback: grpc.requestCallback<_nasunet_v1_StartSearchResponse__Output>): grpc.ClientUnaryCall;
  
  WatchSearch(argument: _nasunet_v1_WatchSearchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchSearchResponse__Output>;
  WatchSearch(argument: _nasunet_v1_WatchSearchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchSearchResponse__Output>;
  watchSearch(argument: _nasunet_v1_WatchSearchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchSearchResponse__Output>;
  watchSearch(argument: _nasunet_v1_WatchSearchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nasunet_v1_WatchSearchResponse__Output>;
  
}

export interface SearchServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelSearch: grpc.handleUnaryCall<_nasunet_v1_CancelSearchRequest__Output, _nasunet_v1_CancelSearchResponse>;
  
  GetSearch: grpc.handleUnaryCall<_nasunet_v1_GetSearchRequest__Output, _nasunet_v1_GetSearchResponse>;
  
  GetSearchGroup: grpc.handleUnaryCall<_nasunet_v1_GetSearchGroupRequest__Output, _nasunet_v1_GetSearchGroupResponse>;
  
  ListSearches: grpc.handleUnaryCall<_nasunet_v1_ListSearchesRequest__Output, _nasunet_v1_ListSearchesResponse>;
  
  StartSearch: grpc.handleUnaryCall<_nasunet_v1_StartSearchRequest__Output, _nasunet_v1_StartSearchResponse>;
  
  WatchSearch: grpc.handleServerStreamingCall<_nasunet_v1_WatchSearchRequest__Output, _nasunet_v1_WatchSearchResponse>;
  
}

export interface SearchServiceDefinition extends grpc.ServiceDefinition {
  CancelSearch: MethodDefinition<_nasunet_v1_CancelSearchRequest, _nasunet_v1_CancelSearchResponse, _nasunet_v1_CancelSearchRequest__Output, _nasunet_v1_CancelSearchResponse__Output>
  GetSearch: MethodDefinition<_nasunet_v1_GetSearchRequest, _nasunet_v1_GetSearchResponse, _nasunet_v1_GetSearchRequest__Output, _nasunet_v1_GetSearchResponse__Output>
  GetSearchGroup: MethodDefinition<_nasunet_v1_GetSearchGroupRequest, _nasunet_v1_GetSearchGroupResponse, _nasunet_v1_GetSearchGroupRequest__Output, _nasunet_v1_GetSearchGroupResponse__Output>
  ListSearches: MethodDefinition<_nasunet_v1_ListSearchesRequest, _nasunet_v1_ListSearchesResponse, _nasunet_v1_ListSearchesRequest__Output, _nasunet_v1_ListSearchesResponse__Output>
  StartSearch: MethodDefinition<_nasunet_v1_StartSearchRequest, _nasunet_v1_StartSearchResponse, _nasunet_v1_StartSearchRequest__Output, _nasunet_v1_StartSearchResponse__Output>
  WatchSearch: MethodDefinition<_nasunet_v1_WatchSearchRequest, _nasunet_v1_WatchSearchResponse, _nasunet_v1_WatchSearchRequest__Output, _nasunet_v1_WatchSearchResponse__Output>
}
