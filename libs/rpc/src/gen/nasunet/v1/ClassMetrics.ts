// Original file: proto/nasunet/v1/common.proto

export interface ClassMetrics {
  classIndex?: number;
  className?: string;
  dice?: number | string;
  iou?: number | string;
  hd95Mm?: number | string;
}

export interface ClassMetrics__Output {
  classIndex: number;
  className: string;
  dice: number;
  iou: number;
  hd95Mm: number;
}
