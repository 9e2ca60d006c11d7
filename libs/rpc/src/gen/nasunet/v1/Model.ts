// Original file: proto/nasunet/v1/registry_service.proto

import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from '../../nasunet/v1/GenotypeRef.js';
import type { ModelLineage as _nasunet_v1_ModelLineage, ModelLineage__Output as _nasunet_v1_ModelLineage__Output } from '../../nasunet/v1/ModelLineage.js';
import type { Artifact as _nasunet_v1_Artifact, Artifact__Output as _nasunet_v1_Artifact__Output } from '../../nasunet/v1/Artifact.js';

export interface Model {
  'name'?: (string);
  'version'?: (number);
  'architecture'?: (string);
  'genotype'?: (_nasunet_v1_GenotypeRef | null);
  'configJson'?: (string);
  'metricsJson'?: (string);
  'lineage'?: (_nasunet_v1_ModelLineage | null);
  'artifacts'?: (_nasunet_v1_Artifact)[];
  'aliases'?: (string)[];
  'classNames'?: (string)[];
  'createdAt'?: (string);
  'retired'?: (boolean);
  'retiredAt'?: (string);
  'retirementReason'?: (string);
}

export interface Model__Output {
  'name': (string);
  'version': (number);
  'architecture': (string);
  'genotype': (_nasunet_v1_GenotypeRef__Output | null);
  'configJson': (string);
  'metricsJson': (string);
  'lineage': (_nasunet_v1_ModelLineage__Output | null);
  'artifacts': (_nasunet_v1_Artifact__Output)[];
  'aliases': (string)[];
  'classNames': (string)[];
  'createdAt': (string);
  'retired': (boolean);
  'retiredAt': (string);
  'retirementReason': (string);
}
