// Original file: proto/nasunet/v1/registry_service.proto

export const DatasetLayout = {
  DATASET_LAYOUT_UNSPECIFIED: 'DATASET_LAYOUT_UNSPECIFIED',
  DATASET_LAYOUT_MSD: 'DATASET_LAYOUT_MSD',
  DATASET_LAYOUT_IMAGE_PAIRS: 'DATASET_LAYOUT_IMAGE_PAIRS',
} as const;

export type DatasetLayout =
  | 'DATASET_LAYOUT_UNSPECIFIED'
  | 0
  | 'DATASET_LAYOUT_MSD'
  | 1
  | 'DATASET_LAYOUT_IMAGE_PAIRS'
  | 2

export type DatasetLayout__Output = typeof DatasetLayout[keyof typeof DatasetLayout]
