/**
 * What test-time mirroring and postprocessing (the model bundle's `inference` settings)
 * change on held-out cases, side by side for trained models: each model segments the
 * test cases of the CLI's seeded split through the serving path (`segmentVolumeSteps`,
 * ONNX Runtime where it can run the model), without and with mirroring, and every
 * postprocessing is applied to both. Per setting: Dice per class (mean ± sd over cases),
 * HD95, and the paired bootstrap interval of the per-case mean-Dice difference against
 * plain inference; then what `planInference` chooses on the model's validation cases.
 *
 * `npm run bench:inference-options -- --model DIR[,DIR...] --data DIR [--seed 0]
 *  [--write BENCHMARKS.md]`
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { prepareData } from '../../libs/cli/src/dataset-prep.js';
import {
  caseMetrics,
  inferenceSpec,
  pairedBootstrap,
  planInference,
  postprocessMask,
  runForwardStepsAsync,
  segmentVolumeSteps,
  type CaseMetrics,
} from '../../libs/engine/src/index.js';
import {
  loadModelBundle,
  POSTPROCESSING,
  readModelBundleDir,
  type MirrorAxis,
  type Postprocessing,
} from '../../libs/nas/src/index.js';
import { createServingModel, exportOnnx, resolveRuntime } from '../../libs/onnx/src/index.js';
import { initBackend, tf } from '../../libs/tensor/src/index.js';
import { commit, machine, writeSection } from '../common/files.js';

const HEADING = '## Test-time mirroring and postprocessing (issue 9)';
const MIRRORS: MirrorAxis[][] = [[], ['width']];

interface Row {
  mirror: MirrorAxis[];
  post: Postprocessing;
  cases: CaseMetrics[];
}

const log = (msg: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

const meanSd = (xs: readonly number[]): string => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};

async function benchModel(modelDir: string, dataDir: string, seed: number): Promise<string> {
  const bundle = await readModelBundleDir(modelDir);
  const { net, manifest } = loadModelBundle(bundle);
  const pre = manifest.preprocessing;
  const data = await prepareData(
    { ref: dataDir, sliceAxis: pre.sliceAxis },
    pre.padMultiple,
    seed,
    pre.classes,
  );
  const test = data.dataset.cases.filter((c) => data.split.test.includes(c.id));
  const codeToIndex = new Map(pre.classes.map((c, i) => [c.code, i]));
  const runtime = resolveRuntime('auto', tf.getBackend(), manifest.architecture.key);
  const model = await createServingModel(runtime, { net, onnx: () => exportOnnx(bundle) });
  const rows: Row[] = [];
  const seconds: Record<string, number> = {};
  try {
    for (const mirror of MIRRORS) {
      const spec = { ...inferenceSpec(manifest), mirror, postprocessing: 'none' as const };
      const perPost = new Map<Postprocessing, CaseMetrics[]>(POSTPROCESSING.map((p) => [p, []]));
      const started = performance.now();
      for (const c of test) {
        const pred = await runForwardStepsAsync(segmentVolumeSteps(c.image, spec), model);
        const truth = Uint8Array.from(c.label?.data ?? [], (v) => codeToIndex.get(v) ?? 0);
        const [X, Y, Z] = c.image.shape;
        const [sx, sy, sz] = c.image.spacingMm;
        for (const post of POSTPROCESSING) {
          const p = postprocessMask(pred, [X, Y, Z], post);
          perPost.get(post)?.push(
            caseMetrics(
              c.id,
              { data: p, shape: [Z, Y, X] },
              { data: truth, shape: [Z, Y, X] },
              {
                nClasses: pre.classes.length,
                spacing: [sz, sy, sx],
              },
            ),
          );
        }
      }
      seconds[mirror.join('+') || 'none'] = (performance.now() - started) / 1000;
      for (const post of POSTPROCESSING) rows.push({ mirror, post, cases: perPost.get(post) ?? [] });
      log(`${modelDir}: mirror ${mirror.join('+') || 'none'} done`);
    }
    const plan = planInference(net, data.val, { trainedMirrorAxes: ['width'] });
    const base = rows[0] as Row;
    const names = pre.classes.slice(1).map((c) => c.name);
    const lines = [
      `Model \`${modelDir}\` (${manifest.architecture.key}, ${net.parameterCount().toLocaleString('en')} parameters), ${test.length} test cases, runtime ${model.runtime}; inference seconds for all test cases: ${Object.entries(
        seconds,
      )
        .map(([k, v]) => `mirror ${k} ${v.toFixed(1)} s`)
        .join(', ')}.`,
      '',
      `| mirror | postprocessing | ${names.map((n) => `${n} Dice`).join(' | ')} | mean Dice | ${names.map((n) => `${n} HD95 mm`).join(' | ')} | mean Dice vs plain (95% CI) |`,
      `|---|---|${names.map(() => '---:').join('|')}|---:|${names.map(() => '---:').join('|')}|---|`,
    ];
    for (const r of rows) {
      const cmp = pairedBootstrap(
        r.cases.map((c) => c.meanDice),
        base.cases.map((c) => c.meanDice),
      );
      const hd = names.map((_, k) => {
        const xs = r.cases.map((c) => c.classes[k]?.hd95).filter((v): v is number => typeof v === 'number');
        return xs.length > 0 ? meanSd(xs) : '-';
      });
      lines.push(
        `| ${r.mirror.join('+') || 'none'} | ${r.post} | ${names.map((_, k) => meanSd(r.cases.map((c) => c.classes[k]?.dice ?? 0))).join(' | ')} | ${meanSd(r.cases.map((c) => c.meanDice))} | ${hd.join(' | ')} | ${r === base ? '-' : `${cmp.meanDiff >= 0 ? '+' : ''}${cmp.meanDiff.toFixed(4)} [${cmp.lo.toFixed(4)}, ${cmp.hi.toFixed(4)}]`} |`,
      );
    }
    lines.push('', `\`planInference\` on the ${data.split.val.length} validation cases chooses:`);
    for (const c of plan.choices) lines.push(`- ${c.name} = ${JSON.stringify(c.value)}: ${c.reason}`);
    return lines.join('\n');
  } finally {
    await model.dispose();
    net.dispose();
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .requiredOption('--model <dirs>', 'comma-separated model bundle folders')
    .option('--data <dir>', 'dataset folder', '../shared/data/msd-hippocampus')
    .option('--seed <n>', 'seed of the case split (the training run’s)', '0')
    .option('--write <file>', 'BENCHMARKS.md to write the section to')
    .parse()
    .opts();
  await initBackend({ backend: 'wasm', logger: () => {} });
  const parts: string[] = [];
  for (const dir of (o['model'] as string).split(',')) {
    parts.push(await benchModel(resolve(dir), resolve(o['data'] as string), Number(o['seed'])));
  }
  const m = machine();
  const section = [
    HEADING,
    '',
    `Command: \`node dist/bench/inference-options/main.js --model ${o['model'] as string} --data ${o['data'] as string}\`. Machine: ${m.nproc} cores, ${m.cpu}; load average ${loadavg()[0]?.toFixed(1)} at the end; ${new Date().toISOString()}; commit \`${commit()}\`.`,
    '',
    ...parts.flatMap((p) => [p, '']),
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (o['write']) writeSection(resolve(o['write'] as string), HEADING, section);
}

await main();
