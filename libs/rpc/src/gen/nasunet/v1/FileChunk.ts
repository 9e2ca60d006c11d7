// Original file: proto/nasunet/v1/registry_service.proto


export interface FileChunk {
  'relativePath'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface FileChunk__Output {
  'relativePath': (string);
  'data': (Buffer);
}
