/**
 * End-to-end tests of the compiled `nasunet` command: help and usage errors, bad input
 * files, and resume of a search killed with SIGKILL mid-epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNifti, encodePngGray, makeVolume } from '../../data/src/index.js';
import { decodeCheckpoint } from '../../engine/src/index.js';
import { parseDicomObject, readDicomDir } from '../../dicom/src/index.js';
import type { DecisionMargin, Genotype } from '../../nas/src/index.js';
import { assertDecisionsOf } from './testing/decisions.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const work = mkdtempSync(join(tmpdir(), 'nasunet-cli-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeCase(
  dir: string,
  name: string,
  shape: [number, number, number],
  labelShape: [number, number, number] = shape,
): void {
  const n = shape[0] * shape[1] * shape[2];
  const img = makeVolume(
    Float32Array.from({ length: n }, (_, i) => (i * 7) % 13),
    shape,
  );
  const m = labelShape[0] * labelShape[1] * labelShape[2];
  const lab = makeVolume(
    Float32Array.from({ length: m }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    labelShape,
  );
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'labels'), { recursive: true });
  writeFileSync(join(dir, 'images', name), encodeNifti(img, 'float32', true));
  writeFileSync(join(dir, 'labels', name), encodeNifti(lab, 'uint8', true));
}

test('--help explains the options and the exit codes; bad option values exit 2', () => {
  const h = cli(['search', '--help']);
  assert.equal(h.code, 0);
  for (const s of [
    '--checkpoint-interval',
    '--warmup-steps',
    '--resume',
    '--backend',
    '--preset',
    'default: "auto"',
    '--time-budget',
    'Exit codes',
    '130',
  ]) {
    assert.ok(h.stdout.includes(s), `help mentions ${s}`);
  }
  const bad = cli(['search', '--synthetic', '--epochs', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--epochs/);
  const badAugment = cli(['train', '--synthetic', '--augment', 'sideways']);
  assert.equal(badAugment.code, 2);
  assert.match(badAugment.stderr, /--augment <kind>' argument 'sideways' is invalid.*flips, spatial, none/);
  const badPost = cli(['train', '--synthetic', '--postprocess', 'largest']);
  assert.equal(badPost.code, 2);
  assert.match(
    badPost.stderr,
    /--postprocess <mode>' argument 'largest' is invalid.*largest-foreground, largest-per-class/,
  );
  const mem = cli([
    'search',
    '--synthetic',
    '--memory-limit',
    '1',
    '--backend',
    'cpu',
    '--quiet',
    '--out',
    join(work, 'mem'),
  ]);
  assert.equal(mem.code, 4);
  assert.match(
    mem.stderr,
    /needs about \d+ MiB, over 1 MiB; give a smaller --patch, --batch-size or --channels/,
  );
  const badDepth = cli(['search', '--synthetic', '--depth', '7']);
  assert.equal(badDepth.code, 2);
  assert.match(badDepth.stderr, /--depth <n>' argument '7' is invalid\. expected an integer in \[1, 6\]/);
  const noData = cli(['search', '--quiet']);
  assert.equal(noData.code, 2);
  assert.match(noData.stderr, /--data/);
});

test('--exclude-ops, --all-ops and --alpha-lr shape the search; the plan and the result record them', () => {
  const typo = cli(['search', '--synthetic', '--exclude-ops', 'up_dil_conv,up_dill']);
  assert.equal(typo.code, 2);
  assert.match(
    typo.stderr,
    /--exclude-ops <ops>' argument 'up_dil_conv,up_dill' is invalid\. unknown op 'up_dill'/,
  );
  const both = cli(['search', '--synthetic', '--all-ops', '--exclude-ops', 'max_pool']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--all-ops' cannot be used with option '--exclude-ops/);
  const badLr = cli(['search', '--synthetic', '--alpha-lr', '0']);
  assert.equal(badLr.code, 2);
  assert.match(
    badLr.stderr,
    /--alpha-lr <rate>' argument '0' is invalid\. expected a number in \(0, 1\], got '0'/,
  );
  type Planned = { excluded: unknown; reason: string; config: unknown; alphaLr: unknown };
  const run = (name: string, extra: string[]): Planned => {
    const dir = join(work, name);
    const args = ['search', '--synthetic', 'count=8,size=16', '--epochs', '1', '--batch-size', '2'];
    const r = cli([...args, '--preset', 'tiny', '--backend', 'wasm', '--quiet', '--out', dir, ...extra]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(readFileSync(join(dir, 'search-plan.json'), 'utf8')) as {
      excludedOps: unknown;
      alphaLr: unknown;
      choices: Array<{ name: string; reason: string }>;
    };
    const result = JSON.parse(readFileSync(join(dir, 'search-result.json'), 'utf8')) as {
      config: { excludedOps: unknown };
    };
    const reason = plan.choices.find((c) => c.name === 'excludedOps')?.reason ?? '';
    return { excluded: plan.excludedOps, reason, config: result.config.excludedOps, alphaLr: plan.alphaLr };
  };
  const planned = run('ops-planned', []);
  assert.deepEqual(
    [planned.excluded, planned.config, planned.alphaLr],
    [['up_dil_conv'], ['up_dil_conv'], 3e-4],
  );
  assert.match(planned.reason, /but up_dil_conv \(writes one output pixel in four/);
  const given = run('ops-given', ['--exclude-ops', 'max_pool,up_dil_conv', '--alpha-lr', '0.003']);
  assert.deepEqual([given.config, given.alphaLr], [['max_pool', 'up_dil_conv'], 0.003]);
  assert.match(given.reason, /^given \(--exclude-ops\)/);
  const all = run('ops-all', ['--all-ops']);
  assert.deepEqual(all.config, []);
  assert.match(all.reason, /^given \(--all-ops\): every op of the spec/);
});

test('train warns when the genotype reaches the coarser level only through up_dil_conv', () => {
  const file = join(work, 'sparse-up.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      nodes: 2,
      down: [
        ['down_conv', 0],
        ['down_conv', 1],
        ['conv', 2],
        ['down_conv', 1],
      ],
      up: [
        ['dil_conv', 0],
        ['up_dil_conv', 1],
        ['conv', 0],
        ['dil_conv', 2],
      ],
    }),
  );
  const args = ['train', '--synthetic', 'count=8,size=16', '--preset', 'tiny', '--max-steps', '1'];
  const r = cli([
    ...args,
    '--batch-size',
    '2',
    '--backend',
    'wasm',
    '--genotype',
    file,
    '--out',
    join(work, 'sparse'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: the genotype's up cell takes the coarser level only through up_dil_conv/);
});

test('--seeds takes 2..16 distinct integers and needs a server; anything else exits 2 before any work', () => {
  for (const [seeds, message] of [
    ['1', /expected 2\.\.16 seeds, got 1/],
    [Array.from({ length: 17 }, (_, i) => i).join(','), /expected 2\.\.16 seeds, got 17/],
    ['1,x', /expected integers in \[0, 2\^32\), got 'x'/],
    ['1,-2', /got '-2'/],
    ['1,2.5', /got '2\.5'/],
    ['1,4294967296', /got '4294967296'/],
    ['3,4,3', /seed 3 is given twice/],
  ] as const) {
    const r = cli(['search', '--synthetic', '--seeds', seeds, '--server', '127.0.0.1:1']);
    assert.equal(r.code, 2, seeds);
    assert.match(r.stderr, message);
  }
  const local = cli(['search', '--synthetic', '--seeds', '1,2', '--quiet', '--out', join(work, 'seeds')]);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /--seeds: a multi-seed search runs .* on the services; give --server/);
  const both = cli(['search', '--synthetic', '--seed', '3', '--seeds', '1,2', '--server', '127.0.0.1:1']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--seed and --seeds: give one/);
});

/** `nasunet train` of genotype v2 on cpu from `dataDir` into `<work>/<outName>`. */
function trainV2(dataDir: string, outName: string): ReturnType<typeof cli> {
  return cli([
    'train',
    '--data',
    dataDir,
    '--genotype',
    'v2',
    '--backend',
    'cpu',
    '--quiet',
    '--out',
    join(work, outName),
  ]);
}

test('bad input: a missing folder, a label of another shape, a truncated .nii.gz', () => {
  const missing = join(work, 'does-not-exist');
  const r1 = trainV2(missing, 'o1');
  assert.notEqual(r1.code, 0);
  assert.equal(r1.code, 3);
  assert.ok(r1.stderr.includes(missing), r1.stderr);

  const shapeDir = join(work, 'shape');
  writeCase(shapeDir, 'case_001.nii.gz', [8, 8, 2]);
  writeCase(shapeDir, 'case_002.nii.gz', [8, 8, 2], [8, 8, 3]);
  writeCase(shapeDir, 'case_003.nii.gz', [8, 8, 2]);
  const r2 = trainV2(shapeDir, 'o2');
  assert.equal(r2.code, 3);
  assert.match(r2.stderr, /case_002\.nii\.gz/);
  assert.match(r2.stderr, /shape/);

  const truncDir = join(work, 'trunc');
  writeCase(truncDir, 'case_001.nii.gz', [8, 8, 2]);
  writeCase(truncDir, 'case_002.nii.gz', [8, 8, 2]);
  writeCase(truncDir, 'case_003.nii.gz', [8, 8, 2]);
  const f = join(truncDir, 'images', 'case_003.nii.gz');
  const bytes = readFileSync(f);
  writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const r3 = trainV2(truncDir, 'o3');
  assert.equal(r3.code, 3);
  assert.match(r3.stderr, /case_003\.nii\.gz/);

  // --skip-bad-cases names what it leaves out; a second run into the same --out is refused
  // unless --resume or --overwrite says what to do with the first one's files.
  writeCase(truncDir, 'case_004.nii.gz', [8, 8, 2]);
  const skipArgs = ['train', '--data', truncDir, '--genotype', 'v2', '--preset', 'tiny', '--epochs', '1'];
  const out = ['--backend', 'cpu', '--out', join(work, 'o4')];
  const r4 = cli([...skipArgs, '--skip-bad-cases', ...out]);
  assert.equal(r4.code, 0, r4.stderr);
  assert.match(r4.stderr, /1 left out \(--skip-bad-cases\):\n {2}case_003: images\/case_003\.nii\.gz: /);
  const again = cli([...skipArgs, '--skip-bad-cases', '--quiet', ...out]);
  assert.equal(again.code, 2, again.stderr);
  assert.match(
    again.stderr,
    /already holds a train run \(train\.ckpt, best-weights\.ckpt, .*\): give --resume to continue it, --overwrite/,
  );
  const replaced = cli([...skipArgs, '--skip-bad-cases', '--quiet', '--overwrite', ...out]);
  assert.equal(replaced.code, 0, replaced.stderr);
});

const SEARCH = [
  'search',
  '--synthetic',
  'count=16,size=16,seed=3',
  '--epochs',
  '2',
  '--batch-size',
  '2',
  '--seed',
  '5',
  '--backend',
  'wasm',
  '--json',
  '--quiet',
];

interface ResultLine {
  type: 'result';
  genotype: unknown;
  valLoss: number;
  valDice: number;
  steps: number;
  epochs: number;
  decisions: DecisionMargin[];
}

function resultOf(stdout: string): ResultLine {
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string });
  const r = lines.find((l) => l.type === 'result');
  assert.ok(r, 'a result line');
  return r as ResultLine;
}

test('a search killed with SIGKILL mid-epoch resumes to the same genotype and metrics', async () => {
  const full = cli([...SEARCH, '--out', join(work, 'full')]);
  assert.equal(full.code, 0, full.stderr);
  const expected = resultOf(full.stdout);
  assert.equal(expected.steps, 6);
  // How firmly each choice was made, from the last epoch's alphas, in the result and its file.
  assertDecisionsOf(expected.genotype as Genotype, expected.decisions);
  const saved = JSON.parse(readFileSync(join(work, 'full', 'search-result.json'), 'utf8')) as ResultLine;
  assert.deepEqual(saved.decisions, expected.decisions);

  const outB = join(work, 'killed');
  const child = spawn(process.execPath, [MAIN, ...SEARCH, '--checkpoint-every-steps', '1', '--out', outB], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  const killedAt = await new Promise<{ step: number; stepInEpoch: number } | null>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const e = JSON.parse(buf.slice(0, nl)) as { type: string; stepInEpoch?: number; step?: number };
        buf = buf.slice(nl + 1);
        if (e.type === 'checkpoint' && (e.stepInEpoch ?? 0) > 0) {
          child.kill('SIGKILL');
          resolve({ step: e.step ?? -1, stepInEpoch: e.stepInEpoch ?? -1 });
        }
      }
    });
    child.on('exit', () => resolve(null));
  });
  assert.ok(killedAt, 'the child wrote a mid-epoch checkpoint before finishing');
  await new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r),
  );
  assert.equal(child.signalCode, 'SIGKILL');
  const meta = decodeCheckpoint<{ state: { step: number; stepInEpoch: number } }>(
    readFileSync(join(outB, 'search.ckpt')),
  ).meta;
  assert.ok(meta.state.step < expected.steps, 'the run was stopped before its end');

  const resumed = cli([...SEARCH, '--out', outB, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const got = resultOf(resumed.stdout);
  assert.deepEqual(got.genotype, expected.genotype);
  assert.equal(got.valLoss, expected.valLoss);
  assert.equal(got.valDice, expected.valDice);
  assert.equal(got.steps, expected.steps);
  assert.equal(got.epochs, expected.epochs);
});

test('SIGINT stops a search between steps, writes a checkpoint and exits 130', async () => {
  const out = join(work, 'sigint');
  const child = spawn(process.execPath, [MAIN, ...SEARCH, '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let sent = false;
  const events: Array<{ type: string; reason?: string }> = [];
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const e = JSON.parse(buf.slice(0, nl)) as { type: string; reason?: string };
      buf = buf.slice(nl + 1);
      events.push(e);
      if (e.type === 'step' && !sent) {
        sent = true;
        child.kill('SIGINT');
      }
    }
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130);
  assert.ok(events.some((e) => e.type === 'checkpoint' && e.reason === 'cancel'));
  const meta = decodeCheckpoint<{ kind: string }>(readFileSync(join(out, 'search.ckpt'))).meta;
  assert.equal(meta.kind, 'search');
});

test('train -> evaluate -> segment through the CLI write a bundle, reports, mask and overlay', async () => {
  const out = join(work, 'tes');
  const common = ['--synthetic', 'count=6,size=16,seed=2', '--backend', 'wasm', '--quiet', '--out', out];
  const t = cli(['train', ...common, '--genotype', 'v2', '--preset', 'tiny', '--epochs', '1', '--json']);
  assert.equal(t.code, 0, t.stderr);
  for (const f of [
    'model/manifest.json',
    'model/weights.bin',
    'train-curves.png',
    'train.ckpt',
    'best-weights.ckpt',
  ]) {
    assert.ok(readFileSync(join(out, f)).length > 0, f);
  }
  // Six 16 x 16 phantoms are a small dataset: the plan adds shifts and elastic deformation,
  // and the bundle records that choice with the others.
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { augmentation: string };
  assert.equal(plan.augmentation, 'spatial');
  const manifest = JSON.parse(readFileSync(join(out, 'model/manifest.json'), 'utf8')) as {
    inference: { mirror: string[]; postprocessing: string };
    metadata: { plan: { name: string; value: unknown }[]; inferencePlan: { name: string; reason: string }[] };
  };
  assert.equal(manifest.metadata.plan.find((c) => c.name === 'augmentation')?.value, 'spatial');
  // Mirroring (the training flipped left-right) and postprocessing were chosen on the validation cases.
  assert.ok([0, 1].includes(manifest.inference.mirror.length), JSON.stringify(manifest.inference));
  assert.deepEqual(
    manifest.metadata.inferencePlan.map((c) => c.name),
    ['mirror', 'postprocessing'],
  );
  for (const c of manifest.metadata.inferencePlan) assert.match(c.reason, /validation case\(s\)/);
  const e = cli(['evaluate', ...common, '--model', join(out, 'model'), '--split', 'all']);
  assert.equal(e.code, 0, e.stderr);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
    nCases: number;
    perClass: unknown[];
    inference: unknown;
  };
  assert.equal(report.nCases, 6);
  assert.deepEqual(report.inference, manifest.inference, 'the report names how the model segmented');
  assert.equal(report.perClass.length, 2);
  assert.match(readFileSync(join(out, 'report.txt'), 'utf8'), /organ_bright/);
  // A 16 x 16 gray PNG in; mask and overlay out.
  const png = encodePngGray(
    Float32Array.from({ length: 256 }, (_, i) => (i * 37) % 255),
    16,
    16,
  );
  const input = join(work, 'img.png');
  writeFileSync(input, png);
  /** `nasunet segment <args> --json` with the trained model on wasm: its result line. */
  const segmentJson = (...args: string[]) => {
    const run = cli(['segment', ...args, '--model', join(out, 'model'), '--backend', 'wasm', '--json']);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
      maskPath: string;
      overlayPath: string;
      classVoxels: Record<string, number>;
      runtime: string;
    };
  };
  const r = segmentJson('--input', input, '--out', out);
  assert.equal(
    Object.values(r.classVoxels).reduce((a, b) => a + b, 0),
    256,
  );
  assert.ok(readFileSync(r.overlayPath).subarray(1, 4).toString() === 'PNG');
  // On wasm, auto computed with ONNX Runtime; the engine itself gives the same mask.
  const re = segmentJson('--input', input, '--out', join(out, 'tfjs'), '--runtime', 'tfjs');
  assert.deepEqual([r.runtime, re.runtime], ['onnx', 'tfjs']);
  assert.deepEqual(re.classVoxels, r.classVoxels);
  // The bundle as an ONNX file for other servers.
  const x = cli(['export', '--model', join(out, 'model'), '--out', join(out, 'model.onnx'), '--json']);
  assert.equal(x.code, 0, x.stderr);
  assert.ok(
    readFileSync(join(out, 'model.onnx')).length > readFileSync(join(out, 'model/weights.bin')).length,
    'the ONNX file carries the weights',
  );
  const bad = cli([
    'segment',
    '--input',
    join(work, 'nope.png'),
    '--model',
    join(out, 'model'),
    '--out',
    out,
    '--backend',
    'cpu',
  ]);
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /nope\.png/);

  // A DICOM series in (the hippocampus crop of ../shared/data), a DICOM SEG on it out.
  const series = join(dirname(MAIN), '../../../../../shared/data/dicom-samples/11_HCropVolume');
  const dr = segmentJson('--dicom', series, '--out', out);
  const source = await readDicomDir(series);
  const [X, Y, Z] = source.volume.shape;
  assert.equal(
    Object.values(dr.classVoxels).reduce((a, b) => a + b, 0),
    X * Y * Z,
  );
  const seg = parseDicomObject(readFileSync(dr.maskPath), 'seg').dataset as Record<
    string,
    { Value?: unknown[] }
  >;
  const first = (tag: string, ds: Record<string, { Value?: unknown[] }> = seg) => ds[tag]?.Value?.[0];
  assert.equal(first('00080060'), 'SEG');
  const referenced = first('00081115') as Record<string, { Value?: unknown[] }>;
  assert.equal(first('0020000E', referenced), source.seriesInstanceUid);
  const labels = (seg['00620002']?.Value as Array<Record<string, { Value?: unknown[] }>>).map((s) =>
    first('00620005', s),
  );
  assert.deepEqual(labels, ['organ_bright', 'organ_dark']);
  const both = cli(['segment', '--dicom', series, '--input', input, '--model', join(out, 'model')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --input <file> and --dicom <dir>/);
});

test('train on large 2D images: a configuration over the memory budget exits 4 with the estimate, before any step', () => {
  const dir = join(work, 'large2d');
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  const side = 512;
  for (let i = 0; i < 3; i++) {
    const img = new Uint8Array(side * side).map((_, k) => (k * 7 + i * 13) % 251);
    const mask = new Uint8Array(side * side).map((_, k) => (Math.abs((k % side) - 256) < 40 ? 255 : 0));
    writeFileSync(join(dir, 'images', `im${i}.png`), encodePngGray(img, side, side));
    writeFileSync(join(dir, 'masks', `im${i}.png`), encodePngGray(mask, side, side));
  }
  const r = cli([
    'train',
    '--data',
    dir,
    '--arch',
    'unet',
    '--patch',
    '512x512',
    '--batch-size',
    '16',
    '--channels',
    '32',
    '--backend',
    'wasm',
    '--quiet',
    '--out',
    join(work, 'large-out'),
  ]);
  assert.equal(r.code, 4, r.stderr);
  assert.match(
    r.stderr,
    /needs about \d+ MiB, over \d+ MiB; give a smaller --patch, --batch-size or --channels/,
  );
});

test('--depth overrides the planned depth; the plan gives the reason and the bundle holds the net', () => {
  const out = join(work, 'depth-run');
  const args = 'train --synthetic count=6,size=32 --backend wasm --quiet --arch unet --channels 4 --depth 1';
  const t = cli([...args.split(' '), '--batch-size', '2', '--max-steps', '1', '--out', out]);
  assert.equal(t.code, 0, t.stderr);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as {
    depth: number;
    choices: { name: string; reason: string }[];
  };
  assert.equal(plan.depth, 1, 'the planner alone picks depth 2 for 32-pixel slices');
  assert.match(plan.choices.find((c) => c.name === 'depth')?.reason ?? '', /given \(--depth\)/);
  const manifest = JSON.parse(readFileSync(join(out, 'model/manifest.json'), 'utf8')) as {
    architecture: { config: { depth: number; baseWidth: number } };
  };
  assert.deepEqual([manifest.architecture.config.depth, manifest.architecture.config.baseWidth], [1, 4]);
});

test('--context-slices trains on neighbouring slices as channels (2.5D); the bundle records it and inference applies it', () => {
  const data = join(work, 'vol25d');
  for (let i = 0; i < 6; i++) writeCase(data, `case${i}.nii.gz`, [16, 16, 5]);
  const out = join(work, 'vol25d-run');
  const common = ['--data', data, '--backend', 'wasm', '--quiet'];
  const t = cli([
    'train',
    ...common,
    '--out',
    out,
    '--arch',
    'unet',
    '--preset',
    'tiny',
    '--max-steps',
    '2',
    '--context-slices',
    '1',
    '--augment',
    'none',
    '--postprocess',
    'largest-foreground',
  ]);
  assert.equal(t.code, 0, t.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'model/manifest.json'), 'utf8')) as {
    inference: { mirror: string[]; postprocessing: string };
    preprocessing: { contextSlices: number; inputChannels: number };
    architecture: { config: { inChannels: number } };
  };
  assert.deepEqual(
    [manifest.preprocessing.contextSlices, manifest.preprocessing.inputChannels],
    [1, 3],
    'the slice on either side',
  );
  assert.equal(manifest.architecture.config.inChannels, 3);
  // No flips in training, so no mirroring; the given postprocessing is recorded (and applied below).
  assert.deepEqual(manifest.inference, { mirror: [], postprocessing: 'largest-foreground' });
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as {
    contextSlices: number;
    augmentation: string;
  };
  assert.equal(plan.contextSlices, 1);
  // 30 slices would plan spatial augmentation; the option overrides it.
  assert.equal(plan.augmentation, 'none');
  // Served as evaluated: a volume segments through ONNX Runtime and through the engine alike.
  const segment = (runtime: string) => {
    const r = cli([
      'segment',
      '--input',
      join(data, 'images', 'case0.nii.gz'),
      '--model',
      join(out, 'model'),
      '--out',
      join(out, runtime),
      '--backend',
      'wasm',
      '--runtime',
      runtime,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { classVoxels: Record<string, number> };
  };
  const onnx = segment('onnx');
  assert.equal(
    Object.values(onnx.classVoxels).reduce((a, b) => a + b, 0),
    16 * 16 * 5,
  );
  assert.deepEqual(segment('tfjs').classVoxels, onnx.classVoxels);
  const e = cli(['evaluate', ...common, '--out', out, '--model', join(out, 'model'), '--split', 'all']);
  assert.equal(e.code, 0, e.stderr);
  // Planned without the option: two on either side, the default for volumes. Out of range
  // is a usage error.
  const planned = join(work, 'vol25d-planned');
  const f = cli([
    'train',
    ...common,
    '--out',
    planned,
    '--arch',
    'unet',
    '--preset',
    'tiny',
    '--max-steps',
    '1',
  ]);
  assert.equal(f.code, 0, f.stderr);
  const plannedManifest = JSON.parse(readFileSync(join(planned, 'model/manifest.json'), 'utf8')) as {
    preprocessing: { contextSlices: number; inputChannels: number };
  };
  assert.deepEqual(
    [plannedManifest.preprocessing.contextSlices, plannedManifest.preprocessing.inputChannels],
    [2, 5],
  );
  const bad = cli(['train', ...common, '--out', planned, '--arch', 'unet', '--context-slices', '6']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--context-slices.*expected an integer in \[0, 5\], got '6'/);
});
