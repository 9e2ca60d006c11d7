// Original file: proto/nasunet/v1/search_service.proto

import type { SearchSpacePreset as _nasunet_v1_SearchSpacePreset, SearchSpacePreset__Output as _nasunet_v1_SearchSpacePreset__Output } from '../../nasunet/v1/SearchSpacePreset.js';

export interface SearchSpace {
  'preset'?: (_nasunet_v1_SearchSpacePreset);
  'initChannels'?: (number);
  'depth'?: (number);
  'nodes'?: (number);
  'excludedOps'?: (string)[];
  'allOps'?: (boolean);
}

export interface SearchSpace__Output {
  'preset': (_nasunet_v1_SearchSpacePreset__Output);
  'initChannels': (number);
  'depth': (number);
  'nodes': (number);
  'excludedOps': (string)[];
  'allOps': (boolean);
}
