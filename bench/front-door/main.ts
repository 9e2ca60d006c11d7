/**
 * The product's front door, measured (issue 9): on each dataset, `nasunet search --data
 * DIR` then `nasunet train --data DIR` with no other flags, then `nasunet evaluate --split
 * test`, and a table of what the automatic configuration chose and what the model scores.
 *
 * `node dist/bench/front-door/main.js [--out DIR] [--datasets hippocampus,png,synthetic]
 *  [--data DIR] [--workers N] [--benchmarks FILE]`
 *
 * Datasets: `hippocampus` (MSD hippocampus NIfTI), `png` (a 2D PNG folder made from it: one
 * axial slice per patient, png-export.ts) and `synthetic` (the built-in phantoms). Each
 * runs in `<out>/<name>/` as a user would (the CLI's default run folder `nasunet-run/`);
 * a finished command leaves `<command>.done` with its wall time and is not run again, an
 * interrupted search or training is run again with `--resume` (its wall time then counts
 * from the restart). `--workers 2` runs two datasets at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { writeSection } from '../common/files.js';
import { exportAxialPngs } from './png-export.js';
import { SECTION_HEADING, markdownSection, readOutcome } from './report.js';

export const DATASETS = ['hippocampus', 'png', 'synthetic'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const COMMANDS = ['search', 'train', 'evaluate'] as const;

const CLI = fileURLToPath(new URL('../../libs/cli/src/main.js', import.meta.url));

const log = (msg: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function dataArgs(name: DatasetName, dataDir: string, out: string): string[] {
  if (name === 'synthetic') return ['--synthetic'];
  return ['--data', name === 'png' ? resolve(out, 'png-hippocampus') : resolve(dataDir)];
}

/** The command line of one step; an interrupted search or training resumes from its checkpoint. */
function argsOf(command: (typeof COMMANDS)[number], data: string[], cwd: string): string[] {
  if (command === 'evaluate')
    return [
      'evaluate',
      ...data,
      '--model',
      'nasunet-run/model',
      '--split',
      'test',
      '--out',
      'nasunet-run/eval',
    ];
  const checkpoint = join(cwd, 'nasunet-run', command === 'search' ? 'search.ckpt' : 'train.ckpt');
  return [command, ...data, ...(existsSync(checkpoint) ? ['--resume'] : [])];
}

/** Runs one CLI command in `cwd` (output to `<command>.log`), resolving with its wall seconds. */
function runCli(cwd: string, command: string, args: string[]): Promise<number> {
  const started = Date.now();
  const fd = openSync(join(cwd, `${command}.log`), 'a');
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', fd, fd] });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? ok((Date.now() - started) / 1000)
        : fail(new Error(`${cwd}: nasunet ${args.join(' ')} exited with ${code} (see ${command}.log)`)),
    );
  });
}

async function runDataset(name: DatasetName, dataDir: string, out: string): Promise<void> {
  const cwd = join(out, name);
  mkdirSync(cwd, { recursive: true });
  for (const command of COMMANDS) {
    const done = join(cwd, `${command}.done`);
    if (existsSync(done)) continue;
    log(`${name}: nasunet ${command} (load average ${loadavg()[0]?.toFixed(1)})`);
    const seconds = await runCli(cwd, command, argsOf(command, dataArgs(name, dataDir, out), cwd));
    writeFileSync(done, JSON.stringify({ seconds, loadAverage: loadavg()[0] }) + '\n');
    log(`${name}: ${command} done in ${(seconds / 60).toFixed(1)} min`);
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench-front-door')
    .option('--out <dir>', 'output directory', 'runs/bench-front-door')
    .option('--datasets <names>', `comma-separated of ${DATASETS.join(', ')}`, DATASETS.join(','))
    .option('--data <dir>', 'MSD hippocampus folder', '../shared/data/msd-hippocampus')
    .option('--workers <n>', 'datasets run at once', '1')
    .option('--benchmarks <file>', 'BENCHMARKS.md to update', 'BENCHMARKS.md')
    .parse(process.argv)
    .opts<{ out: string; datasets: string; data: string; workers: string; benchmarks: string }>();
  const names = o.datasets.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(DATASETS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--datasets: unknown ${unknown.join(', ')}`);
  const workers = Number(o.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers: expected an integer >= 1`);
  const out = resolve(o.out);
  if (names.includes('png')) {
    const n = await exportAxialPngs(o.data, join(out, 'png-hippocampus'));
    if (n >= 0) log(`png: exported ${n} axial slices`);
  }
  const queue = [...names] as DatasetName[];
  await Promise.all(
    Array.from({ length: Math.min(workers, queue.length) }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift())
        await runDataset(name, o.data, out);
    }),
  );
  const outcomes = DATASETS.filter((n) => existsSync(join(out, n, 'evaluate.done'))).map((n) =>
    readOutcome(n, join(out, n)),
  );
  const section = markdownSection(outcomes, { loadAverage: loadavg()[0] ?? 0 });
  writeSection(o.benchmarks, SECTION_HEADING, section);
  process.stdout.write(section);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
