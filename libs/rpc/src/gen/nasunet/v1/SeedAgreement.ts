// Original file: proto/nasunet/v1/search_service.proto


export interface SeedAgreement {
  'genotypes'?: (number);
  'distinctGenotypes'?: (number);
  'edgeShare'?: (number | string);
  'opShare'?: (number | string);
}

export interface SeedAgreement__Output {
  'genotypes': (number);
  'distinctGenotypes': (number);
  'edgeShare': (number);
  'opShare': (number);
}
