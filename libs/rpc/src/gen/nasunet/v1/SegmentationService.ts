// Original file: proto/nasunet/v1/inference_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SegmentDicomSeriesRequest as _nasunet_v1_SegmentDicomSeriesRequest, SegmentDicomSeriesRequest__Output as _nasunet_v1_SegmentDicomSeriesRequest__Output } from '../../nasunet/v1/SegmentDicomSeriesRequest.js';
import type { SegmentDicomSeriesResponse as _nasunet_v1_SegmentDicomSeriesResponse, SegmentDicomSeriesResponse__Output as _nasunet_v1_SegmentDicomSeriesResponse__Output } from '../../nasunet/v1/SegmentDicomSeriesResponse.js';
import type { SegmentRequest as _nasunet_v1_SegmentRequest, SegmentRequest__Output as _nasunet_v1_SegmentRequest__Output } from '../../nasunet/v1/SegmentRequest.js';
import type { SegmentResponse as _nasunet_v1_SegmentResponse, SegmentResponse__Output as _nasunet_v1_SegmentResponse__Output } from '../../nasunet/v1/SegmentResponse.js';
import type { SegmentStudyRequest as _nasunet_v1_SegmentStudyRequest, SegmentStudyRequest__Output as _nasunet_v1_SegmentStudyRequest__Output } from '../../nasunet/v1/SegmentStudyRequest.js';
import type { SegmentStudyResponse as _nasunet_v1_SegmentStudyResponse, SegmentStudyResponse__Output as _nasunet_v1_SegmentStudyResponse__Output } from '../../nasunet/v1/SegmentStudyResponse.js';
import type { SegmentVolumeRequest as _nasunet_v1_SegmentVolumeRequest, SegmentVolumeRequest__Output as _nasunet_v1_SegmentVolumeRequest__Output } from '../../nasunet/v1/SegmentVolumeRequest.js';
import type { SegmentVolumeResponse as _nasunet_v1_SegmentVolumeResponse, SegmentVolumeResponse__Output as _nasunet_v1_SegmentVolumeResponse__Output } from '../../nasunet/v1/SegmentVolumeResponse.js';

export interface SegmentationServiceClient extends grpc.Client {
  Segment(argument: _nasunet_v1_SegmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  Segment(argument: _nasunet_v1_SegmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  Segment(argument: _nasunet_v1_SegmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  Segment(argument: _nasunet_v1_SegmentRequest, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  segment(argument: _nasunet_v1_SegmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  segment(argument: _nasunet_v1_SegmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  segment(argument: _nasunet_v1_SegmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  segment(argument: _nasunet_v1_SegmentRequest, callback: grpc.requestCallback<_nasunet_v1_SegmentResponse__Output>): grpc.ClientUnaryCall;
  
  SegmentDicomSeries(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentDicomSeriesRequest, _nasunet_v1_SegmentDicomSeriesResponse__Output>;
  SegmentDicomSeries(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentDicomSeriesRequest, _nasunet_v1_SegmentDicomSeriesResponse__Output>;
  segmentDicomSeries(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentDicomSeriesRequest, _nasunet_v1_SegmentDicomSeriesResponse__Output>;
  segmentDicomSeries(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentDicomSeriesRequest, _nasunet_v1_SegmentDicomSeriesResponse__Output>;
  
  SegmentStudy(argument: _nasunet_v1_SegmentStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  SegmentStudy(argument: _nasunet_v1_SegmentStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  SegmentStudy(argument: _nasunet_v1_SegmentStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  SegmentStudy(argument: _nasunet_v1_SegmentStudyRequest, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  segmentStudy(argument: _nasunet_v1_SegmentStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  segmentStudy(argument: _nasunet_v1_SegmentStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  segmentStudy(argument: _nasunet_v1_SegmentStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  segmentStudy(argument: _nasunet_v1_SegmentStudyRequest, callback: grpc.requestCallback<_nasunet_v1_SegmentStudyResponse__Output>): grpc.ClientUnaryCall;
  
  SegmentVolume(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentVolumeRequest, _nasunet_v1_SegmentVolumeResponse__Output>;
  SegmentVolume(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentVolumeRequest, _nasunet_v1_SegmentVolumeResponse__Output>;
  segmentVolume(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentVolumeRequest, _nasunet_v1_SegmentVolumeResponse__Output>;
  segmentVolume(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nasunet_v1_SegmentVolumeRequest, _nasunet_v1_SegmentVolumeResponse__Output>;
  
}

export interface SegmentationServiceHandlers extends grpc.UntypedServiceImplementation {
  Segment: grpc.handleUnaryCall<_nasunet_v1_SegmentRequest__Output, _nasunet_v1_SegmentResponse>;
  
  SegmentDicomSeries: grpc.handleBidiStreamingCall<_nasunet_v1_SegmentDicomSeriesRequest__Output, _nasunet_v1_SegmentDicomSeriesResponse>;
  
  SegmentStudy: grpc.handleUnaryCall<_nasunet_v1_SegmentStudyRequest__Output, _nasunet_v1_SegmentStudyResponse>;
  
  SegmentVolume: grpc.handleBidiStreamingCall<_nasunet_v1_SegmentVolumeRequest__Output, _nasunet_v1_SegmentVolumeResponse>;
  
}

export interface SegmentationServiceDefinition extends grpc.ServiceDefinition {
  Segment: MethodDefinition<_nasunet_v1_SegmentRequest, _nasunet_v1_SegmentResponse, _nasunet_v1_SegmentRequest__Output, _nasunet_v1_SegmentResponse__Output>
  SegmentDicomSeries: MethodDefinition<_nasunet_v1_SegmentDicomSeriesRequest, _nasunet_v1_SegmentDicomSeriesResponse, _nasunet_v1_SegmentDicomSeriesRequest__Output, _nasunet_v1_SegmentDicomSeriesResponse__Output>
  SegmentStudy: MethodDefinition<_nasunet_v1_SegmentStudyRequest, _nasunet_v1_SegmentStudyResponse, _nasunet_v1_SegmentStudyRequest__Output, _nasunet_v1_SegmentStudyResponse__Output>
  SegmentVolume: MethodDefinition<_nasunet_v1_SegmentVolumeRequest, _nasunet_v1_SegmentVolumeResponse, _nasunet_v1_SegmentVolumeRequest__Output, _nasunet_v1_SegmentVolumeResponse__Output>
}
