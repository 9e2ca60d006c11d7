// Original file: proto/nasunet/v1/registry_service.proto


export interface ArtifactChunk {
  'artifactName'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface ArtifactChunk__Output {
  'artifactName': (string);
  'data': (Buffer);
}
