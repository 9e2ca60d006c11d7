// Original file: proto/nasunet/v1/search_service.proto

export const SearchSpacePreset = {
  SEARCH_SPACE_PRESET_UNSPECIFIED: 'SEARCH_SPACE_PRESET_UNSPECIFIED',
  SEARCH_SPACE_PRESET_TINY: 'SEARCH_SPACE_PRESET_TINY',
  SEARCH_SPACE_PRESET_SMALL: 'SEARCH_SPACE_PRESET_SMALL',
  SEARCH_SPACE_PRESET_PAPER: 'SEARCH_SPACE_PRESET_PAPER',
} as const;

export type SearchSpacePreset =
  | 'SEARCH_SPACE_PRESET_UNSPECIFIED'
  | 0
  | 'SEARCH_SPACE_PRESET_TINY'
  | 1
  | 'SEARCH_SPACE_PRESET_SMALL'
  | 2
  | 'SEARCH_SPACE_PRESET_PAPER'
  | 3

export type SearchSpacePreset__Output = typeof SearchSpacePreset[keyof typeof SearchSpacePreset]
