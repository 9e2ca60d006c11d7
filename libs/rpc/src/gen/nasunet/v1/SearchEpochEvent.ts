// Original file: proto/nasunet/v1/search_service.proto

import type { AlphaMatrix as _nasunet_v1_AlphaMatrix, AlphaMatrix__Output as _nasunet_v1_AlphaMatrix__Output } from '../../nasunet/v1/AlphaMatrix.js';

export interface SearchEpochEvent {
  'epoch'?: (number);
  'weightLoss'?: (number | string);
  'alphaLoss'?: (number | string);
  'validationDice'?: (number | string);
  'alphas'?: (_nasunet_v1_AlphaMatrix)[];
  'genotypeJson'?: (string);
  'genotypeStableEpochs'?: (number);
  'etaSeconds'?: (number | string);
  'epochSeconds'?: (number | string);
}

export interface SearchEpochEvent__Output {
  'epoch': (number);
  'weightLoss': (number);
  'alphaLoss': (number);
  'validationDice': (number);
  'alphas': (_nasunet_v1_AlphaMatrix__Output)[];
  'genotypeJson': (string);
  'genotypeStableEpochs': (number);
  'etaSeconds': (number);
  'epochSeconds': (number);
}
