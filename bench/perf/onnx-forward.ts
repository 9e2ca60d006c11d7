/**
 * The inference side of bench/perf: the case's net exported to ONNX (our exporter) and run
 * by ONNX Runtime on CPU, as the inference service and `evaluate` run it where it is faster.
 * Its probabilities must equal our engine's (max abs difference < 1e-4) before it is timed.
 */
import type { Genotype, NamedWeightsNet } from '../../libs/nas/src/index.js';
import { zscoreBundle } from '../../libs/onnx/src/testing/bundles.js';
import { OnnxSession, canExportOnnx, exportOnnx } from '../../libs/onnx/src/index.js';
import { tf, type Tensor4D } from '../../libs/tensor/src/index.js';
import { maxAbsDiff } from '../common/arrays.js';
import { describe, type PerfCase } from './cases.js';
import { median } from '../../libs/core/src/index.js';
import { fixedBatch } from './ours.js';
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
 * Median forward ms of the exported net on ONNX Runtime at each of `threads` intra-op
 * thread counts, after `warmup` untimed passes; throws when its probabilities differ from
 * ours. The net is exported and our probabilities computed once for all thread counts;
 * no thread counts: nothing is exported or run.
 */
export async function timeOnnxForward(
  net: NamedWeightsNet,
  set: SliceSet,
  c: PerfCase,
  threads: readonly number[],
  reps: number,
  warmup: number,
): Promise<OnnxForward[]> {
  if (threads.length === 0) return [];
  const d = describe(net) as {
    arch: 'unet' | 'nasunet';
    config: Record<string, number>;
    genotype?: Genotype;
  };
  const onnx = exportOnnx(
    zscoreBundle(net, d.arch, d.config, {
      ...(d.genotype ? { genotype: d.genotype } : {}),
      padMultiple: 1,
    }),
  );
  const b = fixedBatch(set, c.batch);
  const x = b.x.dataSync() as Float32Array;
  const shape = b.x.shape as [number, number, number, number];
  const ours = tf.tidy(() => tf.softmax(net.apply(b.x as Tensor4D, false)).dataSync() as Float32Array);
  tf.dispose([b.x, b.y]);
  const out: OnnxForward[] = [];
  for (const t of threads) {
    const session = await OnnxSession.create(onnx, { threads: t });
    try {
      const diff = maxAbsDiff(ours, await session.probabilities(x, shape));
      if (!(diff < AGREEMENT)) {
        throw new Error(`ONNX Runtime's probabilities differ from ours by ${diff} (allowed ${AGREEMENT})`);
      }
      const times: number[] = [];
      for (let i = 0; i < warmup + reps; i++) {
        const t0 = performance.now();
        await session.probabilities(x, shape);
        if (i >= warmup) times.push(performance.now() - t0);
      }
      out.push({ threads: t, forwardMs: median(times), maxAbsDiff: diff });
    } finally {
      await session.dispose();
    }
  }
  return out;
}
