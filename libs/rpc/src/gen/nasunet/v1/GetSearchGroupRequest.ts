// Original file: proto/nasunet/v1/search_service.proto


export interface GetSearchGroupRequest {
  'groupId'?: (string);
}

export interface GetSearchGroupRequest__Output {
  'groupId': (string);
}
