// Original file: proto/nasunet/v1/inference_service.proto


export interface DicomInstanceChunk {
  'data'?: (Buffer | Uint8Array | string);
  'last'?: (boolean);
}

export interface DicomInstanceChunk__Output {
  'data': (Buffer);
  'last': (boolean);
}
