/**
 * `--workers` through the compiled `nasunet` command: a training on two data-parallel
 * workers plans them, runs and writes its model; bad values and a server address are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const work = mkdtempSync(join(tmpdir(), 'nasunet-workers-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train --workers 2: the plan records two workers, the steps run on them and a model is written', () => {
  const out = join(work, 'two');
  const r = cli([
    'train',
    '--synthetic',
    'count=6,size=16,seed=3',
    '--arch',
    'unet',
    '--preset',
    'tiny',
    '--batch-size',
    '4',
    '--max-steps',
    '3',
    '--workers',
    '2',
    '--backend',
    'wasm',
    '--quiet',
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as {
    workers: number;
    choices: Array<{ name: string; value: unknown; reason: string }>;
  };
  assert.equal(plan.workers, 2);
  assert.match(plan.choices.find((c) => c.name === 'workers')?.reason ?? '', /given \(--workers\)/);
  const result = JSON.parse(readFileSync(join(out, 'train-result.json'), 'utf8')) as {
    steps: number;
    curve: Array<{ trainLoss: number }>;
  };
  assert.equal(result.steps, 3);
  assert.ok(result.curve.every((c) => Number.isFinite(c.trainLoss) && c.trainLoss > 0));
  assert.ok(readFileSync(join(out, 'model', 'weights.bin')).length > 0);
});

test('--workers 0 is a usage error and --workers with a server is refused', () => {
  const zero = cli(['train', '--synthetic', '--arch', 'unet', '--workers', '0', '--out', join(work, 'z')]);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--workers/);
  const server = cli([
    'train',
    '--synthetic',
    '--arch',
    'unet',
    '--workers',
    '2',
    '--training-server',
    '127.0.0.1:1',
    '--out',
    join(work, 's'),
  ]);
  assert.equal(server.code, 2);
  assert.match(server.stderr, /--workers: only for in-process runs/);
});
