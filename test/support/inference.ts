/** Helpers of the tests and benches that load the segmentation service. */
import { readFileSync } from 'node:fs';
import type { SegmentationServiceClient } from '../../libs/rpc/src/index.js';

const MiB = 1024 * 1024;

/** Resident memory of process `pid`, MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : NaN;
}

/**
 * Segments `nifti` with model version `model` through SegmentVolume (1 MiB chunks);
 * resolves with the mask bytes received.
 */
export function segmentNifti(
  client: SegmentationServiceClient,
  nifti: Uint8Array,
  model: { name: string; version: number },
  deadlineMs = 600_000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const s = client.segmentVolume({ deadline: Date.now() + deadlineMs });
    s.on('data', (m: { maskChunk?: Buffer }) => (bytes += m.maskChunk?.length ?? 0));
    s.on('error', reject);
    s.on('end', () => resolve(bytes));
    s.write({ header: { model, format: 'VOLUME_INPUT_FORMAT_NIFTI' } });
    for (let i = 0; i < nifti.length; i += MiB)
      s.write({ niftiChunk: Buffer.from(nifti.subarray(i, i + MiB)) });
    s.end();
  });
}
