/* eslint-disable */
// @ts-nocheck
import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from './nasunet/v1/ClassMetrics.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from './nasunet/v1/ClassVolume.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from './nasunet/v1/DatasetRef.js';
import type { DicomInstanceChunk as _nasunet_v1_DicomInstanceChunk, DicomInstanceChunk__Output as _nasunet_v1_DicomInstanceChunk__Output } from './nasunet/v1/DicomInstanceChunk.js';
import type { DicomSegment as _nasunet_v1_DicomSegment, DicomSegment__Output as _nasunet_v1_DicomSegment__Output } from './nasunet/v1/DicomSegment.js';
import type { DicomSegmentationSummary as _nasunet_v1_DicomSegmentationSummary, DicomSegmentationSummary__Output as _nasunet_v1_DicomSegmentationSummary__Output } from './nasunet/v1/DicomSegmentationSummary.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from './nasunet/v1/GenotypeRef.js';
import type { LabelMap as _nasunet_v1_LabelMap, LabelMap__Output as _nasunet_v1_LabelMap__Output } from './nasunet/v1/LabelMap.js';
import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from './nasunet/v1/ModelRef.js';
import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from './nasunet/v1/PageRequest.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from './nasunet/v1/RawImage.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from './nasunet/v1/ResolvedModel.js';
import type { SegmentDicomSeriesHeader as _nasunet_v1_SegmentDicomSeriesHeader, SegmentDicomSeriesHeader__Output as _nasunet_v1_SegmentDicomSeriesHeader__Output } from './nasunet/v1/SegmentDicomSeriesHeader.js';
import type { SegmentDicomSeriesRequest as _nasunet_v1_SegmentDicomSeriesRequest, SegmentDicomSeriesRequest__Output as _nasunet_v1_SegmentDicomSeriesRequest__Output } from './nasunet/v1/SegmentDicomSeriesRequest.js';
import type { SegmentDicomSeriesResponse as _nasunet_v1_SegmentDicomSeriesResponse, SegmentDicomSeriesResponse__Output as _nasunet_v1_SegmentDicomSeriesResponse__Output } from './nasunet/v1/SegmentDicomSeriesResponse.js';
import type { SegmentRequest as _nasunet_v1_SegmentRequest, SegmentRequest__Output as _nasunet_v1_SegmentRequest__Output } from './nasunet/v1/SegmentRequest.js';
import type { SegmentResponse as _nasunet_v1_SegmentResponse, SegmentResponse__Output as _nasunet_v1_SegmentResponse__Output } from './nasunet/v1/SegmentResponse.js';
import type { SegmentStudyRequest as _nasunet_v1_SegmentStudyRequest, SegmentStudyRequest__Output as _nasunet_v1_SegmentStudyRequest__Output } from './nasunet/v1/SegmentStudyRequest.js';
import type { SegmentStudyResponse as _nasunet_v1_SegmentStudyResponse, SegmentStudyResponse__Output as _nasunet_v1_SegmentStudyResponse__Output } from './nasunet/v1/SegmentStudyResponse.js';
import type { SegmentVolumeHeader as _nasunet_v1_SegmentVolumeHeader, SegmentVolumeHeader__Output as _nasunet_v1_SegmentVolumeHeader__Output } from './nasunet/v1/SegmentVolumeHeader.js';
import type { SegmentVolumeRequest as _nasunet_v1_SegmentVolumeRequest, SegmentVolumeRequest__Output as _nasunet_v1_SegmentVolumeRequest__Output } from './nasunet/v1/SegmentVolumeRequest.js';
import type { SegmentVolumeResponse as _nasunet_v1_SegmentVolumeResponse, SegmentVolumeResponse__Output as _nasunet_v1_SegmentVolumeResponse__Output } from './nasunet/v1/SegmentVolumeResponse.js';
import type { SegmentVolumeSummary as _nasunet_v1_SegmentVolumeSummary, SegmentVolumeSummary__Output as _nasunet_v1_SegmentVolumeSummary__Output } from './nasunet/v1/SegmentVolumeSummary.js';
import type { SegmentationServiceClient as _nasunet_v1_SegmentationServiceClient, SegmentationServiceDefinition as _nasunet_v1_SegmentationServiceDefinition } from './nasunet/v1/SegmentationService.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from './nasunet/v1/Spacing.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nasunet: {
    v1: {
      ClassMetrics: MessageTypeDefinition<_nasunet_v1_ClassMetrics, _nasunet_v1_ClassMetrics__Output>
      ClassVolume: MessageTypeDefinition<_nasunet_v1_ClassVolume, _nasunet_v1_ClassVolume__Output>
      DatasetRef: MessageTypeDefinition<_nasunet_v1_DatasetRef, _nasunet_v1_DatasetRef__Output>
      DicomInstanceChunk: MessageTypeDefinition<_nasunet_v1_DicomInstanceChunk, _nasunet_v1_DicomInstanceChunk__Output>
      DicomSegment: MessageTypeDefinition<_nasunet_v1_DicomSegment, _nasunet_v1_DicomSegment__Output>
      DicomSegmentationSummary: MessageTypeDefinition<_nasunet_v1_DicomSegmentationSummary, _nasunet_v1_DicomSegmentationSummary__Output>
      GenotypeRef: MessageTypeDefinition<_nasunet_v1_GenotypeRef, _nasunet_v1_GenotypeRef__Output>
      JobState: EnumTypeDefinition
      LabelMap: MessageTypeDefinition<_nasunet_v1_LabelMap, _nasunet_v1_LabelMap__Output>
      MaskEncoding: EnumTypeDefinition
      ModelRef: MessageTypeDefinition<_nasunet_v1_ModelRef, _nasunet_v1_ModelRef__Output>
      PageRequest: MessageTypeDefinition<_nasunet_v1_PageRequest, _nasunet_v1_PageRequest__Output>
      PixelDtype: EnumTypeDefinition
      RawImage: MessageTypeDefinition<_nasunet_v1_RawImage, _nasunet_v1_RawImage__Output>
      ResolvedModel: MessageTypeDefinition<_nasunet_v1_ResolvedModel, _nasunet_v1_ResolvedModel__Output>
      SegmentDicomSeriesHeader: MessageTypeDefinition<_nasunet_v1_SegmentDicomSeriesHeader, _nasunet_v1_SegmentDicomSeriesHeader__Output>
      SegmentDicomSeriesRequest: MessageTypeDefinition<_nasunet_v1_SegmentDicomSeriesRequest, _nasunet_v1_SegmentDicomSeriesRequest__Output>
      SegmentDicomSeriesResponse: MessageTypeDefinition<_nasunet_v1_SegmentDicomSeriesResponse, _nasunet_v1_SegmentDicomSeriesResponse__Output>
      SegmentRequest: MessageTypeDefinition<_nasunet_v1_SegmentRequest, _nasunet_v1_SegmentRequest__Output>
      SegmentResponse: MessageTypeDefinition<_nasunet_v1_SegmentResponse, _nasunet_v1_SegmentResponse__Output>
      SegmentStudyRequest: MessageTypeDefinition<_nasunet_v1_SegmentStudyRequest, _nasunet_v1_SegmentStudyRequest__Output>
      SegmentStudyResponse: MessageTypeDefinition<_nasunet_v1_SegmentStudyResponse, _nasunet_v1_SegmentStudyResponse__Output>
      SegmentVolumeHeader: MessageTypeDefinition<_nasunet_v1_SegmentVolumeHeader, _nasunet_v1_SegmentVolumeHeader__Output>
      SegmentVolumeRequest: MessageTypeDefinition<_nasunet_v1_SegmentVolumeRequest, _nasunet_v1_SegmentVolumeRequest__Output>
      SegmentVolumeResponse: MessageTypeDefinition<_nasunet_v1_SegmentVolumeResponse, _nasunet_v1_SegmentVolumeResponse__Output>
      SegmentVolumeSummary: MessageTypeDefinition<_nasunet_v1_SegmentVolumeSummary, _nasunet_v1_SegmentVolumeSummary__Output>
      SegmentationService: SubtypeConstructor<typeof grpc.Client, _nasunet_v1_SegmentationServiceClient> & { service: _nasunet_v1_SegmentationServiceDefinition }
      Spacing: MessageTypeDefinition<_nasunet_v1_Spacing, _nasunet_v1_Spacing__Output>
      VolumeInputFormat: EnumTypeDefinition
    }
  }
}

