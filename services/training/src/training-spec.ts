/** The network a training job builds, and its estimated cost before any data is read. */
import { assertFitsMemory, estimateCost, type CostModel } from '../../../libs/nas/src/index.js';
import { contextChannels } from '../../../libs/data/src/index.js';
import type { TrainingParams } from './training-params.js';

/** Architecture key, config and genotype of a job's network for `nClasses` classes. */
export function modelSpec(
  p: TrainingParams,
  nClasses: number,
): CostModel & { config: Record<string, number> } {
  const inChannels = contextChannels(p.hyper.contextSlices ?? 0);
  if (p.architecture.kind === 'unet') {
    return {
      architecture: 'unet',
      config: { inChannels, nClasses, baseWidth: p.hyper.initChannels, depth: p.hyper.depth },
    };
  }
  const genotype = JSON.parse(p.architecture.genotypeJson) as { nodes: number };
  return {
    architecture: 'nasunet',
    config: {
      inChannels,
      nClasses,
      channels: p.hyper.initChannels,
      depth: p.hyper.depth,
      nodes: genotype.nodes,
    },
    genotype,
  };
}

/** Estimated training memory; `ResourceLimitError` over the limit (2 classes assumed before the data is read). */
export function checkTrainingCost(p: TrainingParams, limitBytes: number, nClasses = 2): void {
  const est = estimateCost(modelSpec(p, nClasses), {
    batch: p.hyper.batchSize,
    height: p.hyper.imageSize,
    width: p.hyper.imageSize,
  });
  assertFitsMemory(est, limitBytes);
}
