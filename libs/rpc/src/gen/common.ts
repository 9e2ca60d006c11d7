/* eslint-disable */
// @ts-nocheck
import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClassMetrics as _nasunet_v1_ClassMetrics, ClassMetrics__Output as _nasunet_v1_ClassMetrics__Output } from './nasunet/v1/ClassMetrics.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from './nasunet/v1/ClassVolume.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from './nasunet/v1/DatasetRef.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from './nasunet/v1/GenotypeRef.js';
import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from './nasunet/v1/ModelRef.js';
import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from './nasunet/v1/PageRequest.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from './nasunet/v1/RawImage.js';
import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from './nasunet/v1/ResolvedModel.js';
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
      GenotypeRef: MessageTypeDefinition<_nasunet_v1_GenotypeRef, _nasunet_v1_GenotypeRef__Output>
      JobState: EnumTypeDefinition
      ModelRef: MessageTypeDefinition<_nasunet_v1_ModelRef, _nasunet_v1_ModelRef__Output>
      PageRequest: MessageTypeDefinition<_nasunet_v1_PageRequest, _nasunet_v1_PageRequest__Output>
      PixelDtype: EnumTypeDefinition
      RawImage: MessageTypeDefinition<_nasunet_v1_RawImage, _nasunet_v1_RawImage__Output>
      ResolvedModel: MessageTypeDefinition<_nasunet_v1_ResolvedModel, _nasunet_v1_ResolvedModel__Output>
      Spacing: MessageTypeDefinition<_nasunet_v1_Spacing, _nasunet_v1_Spacing__Output>
    }
  }
}

