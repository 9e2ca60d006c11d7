/**
 * Loading a dataset folder without the decoded-volume cache, with an empty cache (cold:
 * decode and write every entry) and with a filled one (warm: every volume from its entry),
 * side by side in one process, repeated; medians and the uncached / warm ratio. The source
 * files are in the page cache after the first load, as they are when a dataset is loaded
 * again.
 *
 * Usage: node dist/bench/dataset-load/main.js [--data ../shared/data/msd-hippocampus] [--repeats 3]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { DecodedVolumeCache, loadFolderDataset } from '../../libs/data/src/index.js';
import { commit, machine } from '../common/files.js';
import { median } from '../../libs/core/src/index.js';

const opts = new Command()
  .option('--data <dir>', 'dataset folder', '../shared/data/msd-hippocampus')
  .option('--repeats <n>', 'loads of each kind', '3')
  .parse()
  .opts<{ data: string; repeats: string }>();
const repeats = Number(opts.repeats);

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Wall time of one load, ms, and its case count. */
async function timed(cache: DecodedVolumeCache | false): Promise<{ ms: number; cases: number }> {
  const t = performance.now();
  const ds = await loadFolderDataset(opts.data, { decodedCache: cache });
  return { ms: performance.now() - t, cases: ds.cases.length };
}

const { nproc, cpu } = machine();
const before = load();
const root = mkdtempSync(join(tmpdir(), 'bench-dataset-load-'));
const times = { uncached: [] as number[], cold: [] as number[], warm: [] as number[] };
let cases = 0;
let entryBytes = 0;
try {
  await timed(false); // source files into the page cache, code compiled
  for (let r = 0; r < repeats; r++) {
    const dir = join(root, `run-${r}`);
    times.uncached.push((await timed(false)).ms);
    const cold = await timed(new DecodedVolumeCache({ dir }));
    times.cold.push(cold.ms);
    const cache = new DecodedVolumeCache({ dir });
    times.warm.push((await timed(cache)).ms);
    if (cache.misses !== 0) throw new Error(`warm load decoded ${cache.misses} volumes`);
    cases = cold.cases;
    entryBytes = readdirSync(dir).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const [u, c, w] = [median(times.uncached), median(times.cold), median(times.warm)];
console.log(
  `${opts.data}: ${cases} cases, cache ${(entryBytes / 1024 ** 2).toFixed(1)} MiB; ${nproc} x ${cpu}; ` +
    `commit ${commit()}; ${new Date().toISOString()}; load average before ${before}, after ${load()}`,
);
console.log('| load | median ms | runs ms |');
console.log('|---|---|---|');
for (const [name, ms] of Object.entries(times)) {
  console.log(`| ${name} | ${median(ms).toFixed(0)} | ${ms.map((x) => x.toFixed(0)).join(', ')} |`);
}
console.log(`uncached / warm ${(u / w).toFixed(2)}x; cold / uncached ${(c / u).toFixed(2)}x`);
