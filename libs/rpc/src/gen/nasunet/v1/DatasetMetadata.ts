// Original file: proto/nasunet/v1/registry_service.proto

import type { DatasetLayout as _nasunet_v1_DatasetLayout, DatasetLayout__Output as _nasunet_v1_DatasetLayout__Output } from '../../nasunet/v1/DatasetLayout.js';

export interface DatasetMetadata {
  'name'?: (string);
  'layout'?: (_nasunet_v1_DatasetLayout);
  'classNames'?: (string)[];
  'caseCount'?: (number);
  'description'?: (string);
}

export interface DatasetMetadata__Output {
  'name': (string);
  'layout': (_nasunet_v1_DatasetLayout__Output);
  'classNames': (string)[];
  'caseCount': (number);
  'description': (string);
}
