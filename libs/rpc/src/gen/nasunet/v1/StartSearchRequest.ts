// Original file: proto/nasunet/v1/search_service.proto

import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from '../../nasunet/v1/DatasetRef.js';
import type { SearchSpace as _nasunet_v1_SearchSpace, SearchSpace__Output as _nasunet_v1_SearchSpace__Output } from '../../nasunet/v1/SearchSpace.js';
import type { SearchBudget as _nasunet_v1_SearchBudget, SearchBudget__Output as _nasunet_v1_SearchBudget__Output } from '../../nasunet/v1/SearchBudget.js';
import type { SearchHyperParameters as _nasunet_v1_SearchHyperParameters, SearchHyperParameters__Output as _nasunet_v1_SearchHyperParameters__Output } from '../../nasunet/v1/SearchHyperParameters.js';

export interface StartSearchRequest {
  'dataset'?: (_nasunet_v1_DatasetRef | null);
  'searchSpace'?: (_nasunet_v1_SearchSpace | null);
  'budget'?: (_nasunet_v1_SearchBudget | null);
  'seed'?: (number);
  'genotypeName'?: (string);
  'hyperParameters'?: (_nasunet_v1_SearchHyperParameters | null);
  'seeds'?: (number)[];
}

export interface StartSearchRequest__Output {
  'dataset': (_nasunet_v1_DatasetRef__Output | null);
  'searchSpace': (_nasunet_v1_SearchSpace__Output | null);
  'budget': (_nasunet_v1_SearchBudget__Output | null);
  'seed': (number);
  'genotypeName': (string);
  'hyperParameters': (_nasunet_v1_SearchHyperParameters__Output | null);
  'seeds': (number)[];
}
