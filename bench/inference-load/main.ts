/**
 * Inference under load: how fast the segmentation service answers its health check while
 * it is idle and while it segments one large volume, and how much memory the process
 * holds before, at the peak of and after that request. The registry and inference
 * services run as `npm start` runs them (separate processes, free ports, a temporary data
 * directory); the model is a small untrained U-Net for 64 x 64 slices.
 *
 * `node dist/bench/inference-load/main.js [--slices 6000] [--calls 40] [--backend auto]`
 *
 * Prints the median, 95th percentile and largest health latency of each phase, the share
 * of health answers under 100 ms, the ratio of the medians (during / idle), the resident
 * memory (VmRSS) of the inference process idle, at its peak and 2 s and 10 s after the
 * volume, and the load average (1 min) before and after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { latencySummary, pause } from '../common/latency.js';
import { encodeNifti, makeVolume } from '../../libs/data/src/index.js';
import { startServiceProcess, type ServiceProcess } from '../../libs/launcher/src/index.js';
import {
  checkHealth,
  createHealthClient,
  createRegistryClient,
  createSegmentationClient,
  findFreePort,
} from '../../libs/rpc/src/index.js';
import { uploadModel } from '../../test/support/grpc.js';
import { rssMiB, segmentNifti } from '../../test/support/inference.js';
import { smallBundle } from '../../test/support/model-bundle.js';
import { syntheticFiles } from '../../test/support/synthetic.js';

interface Options {
  slices: number;
  calls: number;
  backend: string;
}

const SIZE = 64;
const MiB = 1024 * 1024;

const MODEL = { name: 'bench', version: 1 };

async function main(o: Options): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-bench-inference-'));
  const procs: ServiceProcess[] = [];
  const ports = { registry: await findFreePort(), inference: await findFreePort() };
  const registryAddr = `127.0.0.1:${ports.registry}`;
  try {
    for (const name of ['registry', 'inference'] as const) {
      procs.push(
        await startServiceProcess({
          name,
          port: ports[name],
          dataDir,
          env: { NASUNET_BACKEND: o.backend, NASUNET_REGISTRY_ADDR: registryAddr, LOG_LEVEL: 'warn' },
          readyTimeoutMs: 60_000,
        }),
      );
    }
    const pid = procs[1]!.child.pid!;
    const registry = createRegistryClient(registryAddr);
    const segmentation = createSegmentationClient(`127.0.0.1:${ports.inference}`);
    const health = createHealthClient(`127.0.0.1:${ports.inference}`);
    await uploadModel(
      registry,
      { name: 'bench', architecture: 'unet', classNames: ['background', 'organ_bright', 'organ_dark'] },
      await smallBundle(SIZE),
    );
    const cases = syntheticFiles(8, SIZE, 5).cases;
    const volume = (depth: number): Uint8Array => {
      const data = new Float32Array(SIZE * SIZE * depth);
      for (let z = 0; z < depth; z++) data.set(cases[z % cases.length]!.pixels, z * SIZE * SIZE);
      return encodeNifti(makeVolume(data, [SIZE, SIZE, depth], [1, 1, 1]), 'float32');
    };
    // A small volume loads the model and warms the process up.
    await segmentNifti(segmentation, volume(8), MODEL);
    await pause(2000);

    const loadBefore = loadavg()[0]!;
    const rssIdle = rssMiB(pid);
    const idle: number[] = [];
    for (let i = 0; i < o.calls; i++) {
      const t = performance.now();
      await checkHealth(health, '', 60_000);
      idle.push(performance.now() - t);
      await pause(50);
    }

    const big = volume(o.slices);
    const busy: number[] = [];
    /** When the slowest health call of the volume began, ms after the volume was sent. */
    let slowestAt = 0;
    let rssPeak = rssMiB(pid);
    let done = false;
    const t0 = performance.now();
    const running = segmentNifti(segmentation, big, MODEL).finally(() => (done = true));
    while (!done) {
      const t = performance.now();
      await checkHealth(health, '', 60_000);
      busy.push(performance.now() - t);
      if (busy.at(-1)! >= Math.max(...busy)) slowestAt = t - t0;
      rssPeak = Math.max(rssPeak, rssMiB(pid));
      await pause(50);
    }
    const maskBytes = await running;
    const seconds = (performance.now() - t0) / 1000;
    await pause(2000);
    const rssAfter2 = rssMiB(pid);
    await pause(8000);
    const rssAfter10 = rssMiB(pid);
    const loadAfter = loadavg()[0]!;
    if (maskBytes !== SIZE * SIZE * o.slices) throw new Error(`mask of ${maskBytes} bytes`);

    const rows = [
      ['Health idle', latencySummary(idle)],
      ['Health during the volume', latencySummary(busy)],
    ] as const;
    console.log(
      `volume of ${o.slices} slices of ${SIZE} x ${SIZE} (${(big.length / MiB).toFixed(0)} MiB NIfTI) ` +
        `segmented in ${seconds.toFixed(1)} s (backend ${o.backend})`,
    );
    console.log('| health | n | median ms | p95 ms | max ms | under 100 ms |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, s] of rows)
      console.log(
        `| ${name} | ${s.n} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} | ` +
          `${(100 * s.under100).toFixed(0)} % |`,
      );
    console.log(`median during / idle: ${(rows[1][1].median / rows[0][1].median).toFixed(1)}x`);
    console.log(
      `slowest health call during the volume began ${(slowestAt / 1000).toFixed(1)} s after it was sent ` +
        `(of ${seconds.toFixed(1)} s)`,
    );
    console.log(
      `inference RSS: idle ${rssIdle.toFixed(0)} MiB, peak ${rssPeak.toFixed(0)} MiB, ` +
        `2 s after ${rssAfter2.toFixed(0)} MiB, 10 s after ${rssAfter10.toFixed(0)} MiB`,
    );
    console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
    registry.close();
    segmentation.close();
    health.close();
  } finally {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const program = new Command()
  .option('--slices <n>', 'slices of the measured volume', '6000')
  .option('--calls <n>', 'idle health calls', '40')
  .option('--backend <name>', 'NASUNET_BACKEND of the services', 'auto')
  .parse();
const opts = program.opts<{ slices: string; calls: string; backend: string }>();
await main({ slices: Number(opts.slices), calls: Number(opts.calls), backend: opts.backend });
