// Original file: proto/nasunet/v1/registry_service.proto

import type { DatasetLayout as _nasunet_v1_DatasetLayout, DatasetLayout__Output as _nasunet_v1_DatasetLayout__Output } from '../../nasunet/v1/DatasetLayout.js';
import type { DatasetFile as _nasunet_v1_DatasetFile, DatasetFile__Output as _nasunet_v1_DatasetFile__Output } from '../../nasunet/v1/DatasetFile.js';

export interface DatasetMetadata {
  'name'?: (string);
  'layout'?: (_nasunet_v1_DatasetLayout);
  'classNames'?: (string)[];
  'caseCount'?: (number);
  'description'?: (string);
  'files'?: (_nasunet_v1_DatasetFile)[];
}

export interface DatasetMetadata__Output {
  'name': (string);
  'layout': (_nasunet_v1_DatasetLayout__Output);
  'classNames': (string)[];
  'caseCount': (number);
  'description': (string);
  'files': (_nasunet_v1_DatasetFile__Output)[];
}
