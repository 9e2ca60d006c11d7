/**
 * The inference side of bench/perf: the case's net exported to ONNX (our exporter) and run
 * by ONNX Runtime on CPU, as the inference service and `evaluate` run it where it is faster.
 * Its probabilities must equal our engine's (max abs difference < 1e-4) before it is timed.
 */
import type { Genotype, NamedWeightsNet } from '../../libs/nas/src/index.js';
import { zscoreBundle } from '../../libs/onnx/src/testing/bundles.js';
import { OnnxSession, canExportOnnx, exportOnnx } from '../../libs/onnx/src/index.js';
import { tf, type Tensor4D } from '../../libs/tensor/src/index.js';
import { describe, type PerfCase } from './cases.js';
import { fixedBatch, median } from './ours.js';
import type { SliceSet } from '../../libs/engine/src/index.js';

/** Largest difference allowed between ONNX Runtime's probabilities and ours. */
const AGREEMENT = 1e-4;

export interface OnnxForward {
  threads: number;
  forwardMs: number;
  maxAbsDiff: number;
}

/** Whether the case's architecture has an ONNX export (derived nets and U-Net; not the supernet). */
export function exportable(c: PerfCase): boolean {
  return c.family !== 'supernet' && canExportOnnx(c.family === 'unet' ? 'unet' : 'nasunet');
}

/**
 * Median forward ms of the exported net on ONNX Runtime with `threads` intra-op threads,
 * after `warmup` untimed passes; throws when its probabilities differ from ours.
 */
export async function timeOnnxForward(
  net: NamedWeightsNet,
  set: SliceSet,
  c: PerfCase,
  threads: number,
  reps: number,
  warmup: number,
): Promise<OnnxForward> {
  const d = describe(net) as {
    arch: 'unet' | 'nasunet';
    config: Record<string, number>;
    genotype?: Genotype;
  };
  const bundle = zscoreBundle(net, d.arch, d.config, {
    ...(d.genotype ? { genotype: d.genotype } : {}),
    padMultiple: 1,
  });
  const b = fixedBatch(set, c.batch);
  const x = b.x.dataSync() as Float32Array;
  const shape = b.x.shape as [number, number, number, number];
  const ours = tf.tidy(() => tf.softmax(net.apply(b.x as Tensor4D, false)).dataSync() as Float32Array);
  tf.dispose([b.x, b.y]);
  const session = await OnnxSession.create(exportOnnx(bundle), { threads });
  try {
    const theirs = await session.probabilities(x, shape);
    let maxAbsDiff = 0;
    for (let i = 0; i < ours.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i]! - theirs[i]!));
    if (!(maxAbsDiff < AGREEMENT)) {
      throw new Error(
        `ONNX Runtime's probabilities differ from ours by ${maxAbsDiff} (allowed ${AGREEMENT})`,
      );
    }
    const times: number[] = [];
    for (let i = 0; i < warmup + reps; i++) {
      const t0 = performance.now();
      await session.probabilities(x, shape);
      if (i >= warmup) times.push(performance.now() - t0);
    }
    return { threads, forwardMs: median(times), maxAbsDiff };
  } finally {
    await session.dispose();
  }
}
