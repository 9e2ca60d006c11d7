// Original file: proto/nasunet/v1/registry_service.proto

import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from '../../nasunet/v1/GenotypeRef.js';
import type { ModelLineage as _nasunet_v1_ModelLineage, ModelLineage__Output as _nasunet_v1_ModelLineage__Output } from '../../nasunet/v1/ModelLineage.js';
import type { Artifact as _nasunet_v1_Artifact, Artifact__Output as _nasunet_v1_Artifact__Output } from '../../nasunet/v1/Artifact.js';

export interface ModelMetadata {
  'name'?: (string);
  'architecture'?: (string);
  'genotype'?: (_nasunet_v1_GenotypeRef | null);
  'configJson'?: (string);
  'metricsJson'?: (string);
  'lineage'?: (_nasunet_v1_ModelLineage | null);
  'classNames'?: (string)[];
  'artifacts'?: (_nasunet_v1_Artifact)[];
}

export interface ModelMetadata__Output {
  'name': (string);
  'architecture': (string);
  'genotype': (_nasunet_v1_GenotypeRef__Output | null);
  'configJson': (string);
  'metricsJson': (string);
  'lineage': (_nasunet_v1_ModelLineage__Output | null);
  'classNames': (string)[];
  'artifacts': (_nasunet_v1_Artifact__Output)[];
}
