// Original file: proto/nasunet/v1/registry_service.proto

import type { DatasetLayout as _nasunet_v1_DatasetLayout, DatasetLayout__Output as _nasunet_v1_DatasetLayout__Output } from '../../nasunet/v1/DatasetLayout.js';
import type { Long } from '@grpc/proto-loader';

export interface Dataset {
  'name'?: (string);
  'digest'?: (string);
  'layout'?: (_nasunet_v1_DatasetLayout);
  'classNames'?: (string)[];
  'caseCount'?: (number);
  'uri'?: (string);
  'sizeBytes'?: (number | string | Long);
  'fileCount'?: (number);
  'description'?: (string);
  'createdAt'?: (string);
}

export interface Dataset__Output {
  'name': (string);
  'digest': (string);
  'layout': (_nasunet_v1_DatasetLayout__Output);
  'classNames': (string)[];
  'caseCount': (number);
  'uri': (string);
  'sizeBytes': (string);
  'fileCount': (number);
  'description': (string);
  'createdAt': (string);
}
