/**
 * Runs search, training, evaluation and segmentation in this process (no servers).
 *
 * Run directory layout (`outDir`):
 * - search: `search.ckpt` (resumable), `genotype.json`, `search-result.json`,
 *   `search-curves.png`, `alphas-down.png`, `alphas-up.png`;
 * - train: `train.ckpt` (resumable), `best-weights.ckpt`, `model/` (model bundle:
 *   manifest.json + weights.bin), `train-result.json`, `train-curves.png`;
 * - evaluate: `report.json`, `report.txt`;
 * - segment: `<input>-mask.png` (palette) + `<input>-labels.png` (raw codes), or
 *   `<input>-mask.nii.gz`; `<input>-overlay.png` (see segment-files.ts).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { initBackend, tf, type BackendName } from '../../tensor/src/index.js';
import { ValidationError } from '../../core/src/index.js';
import {
  evaluateCasesAsync,
  formatReport,
  withEpochs,
  searchWithEpochs,
  sizeMultiple,
  augmentationOf,
  inferenceSpec,
  planInference,
  trainedMirrorAxes,
  runForwardStepsAsync,
  segmentVolumeSteps,
  runSearch,
  runTraining,
  writeFileAtomic,
  type PlanBase,
  type DataParallelOptions,
  type ReplicaSpec,
} from '../../engine/src/index.js';
import {
  createModel,
  createModelBundle,
  decisionMarginsOfWeights,
  loadModelBundle,
  presetConfig,
  readModelBundleDir,
  upsamplingWarning,
  writeModelBundleDir,
  type BundleManifest,
  type Genotype,
  type NamedSearchNet,
} from '../../nas/src/index.js';
import {
  createServingModel,
  exportOnnx,
  resolveRuntime,
  type RuntimeChoice,
  type ServingModel,
} from '../../onnx/src/index.js';
import { contextChannels, trainingGrid, type Dataset } from '../../data/src/index.js';
import { loadRequestedDataset, prepareData } from './dataset-prep.js';
import {
  planSearchRun,
  planTrainingRun,
  plannedConfig,
  savePlan,
  searchConfig,
  type PlanOverrides,
} from './run-plan.js';
import { readSegmentInput, writeDicomSegmentation, writeSegmentation } from './segment-files.js';
import {
  fetchSeries,
  readDicomDir,
  readDicomSeries,
  storeInstances,
  writeSeriesSegmentation,
} from '../../dicom/src/index.js';
import { CLI_SERIES_LIMITS, cliPacs } from './pacs.js';
import { saveAlphaPlots } from './alpha-plots.js';
import { savePlot, type Panel } from './plots.js';
import type {
  EvaluateRequest,
  EvaluateSummary,
  LoopRequest,
  RunContext,
  Runner,
  SearchRequest,
  SearchSummary,
  SegmentRequest,
  SegmentSummary,
  TrainRequest,
  TrainSummary,
} from './runner.js';

const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

/** The plot panel of validation Dice per epoch, shared by the search and training curves. */
function valDicePanel(xs: number[], curve: readonly { valDice: number }[]): Panel {
  return {
    title: 'validation Dice (foreground mean)',
    xLabel: 'epoch',
    xs,
    series: [{ name: 'val Dice', ys: curve.map((c) => c.valDice) }],
    yLabel: 'Dice',
    yInclude: [0, 1],
  };
}

/** Largest validation set (slices) the untrained net is validated on before training. */
const UNTRAINED_CHECK_MAX_SLICES = 512;

/** The loops' data-parallel option of a plan (a plan written before workers were planned has none). */
function parallelOf(plan: { workers?: number }, replica: ReplicaSpec): { parallel?: DataParallelOptions } {
  const workers = plan.workers ?? 1;
  return workers > 1 ? { parallel: { workers, replica } } : {};
}

/** Wall time a planned training may spend on its steps when no budget is given. */
export const DEFAULT_TIME_BUDGET_SECONDS = 3600;

/** Announces the loaded dataset, naming the cases `--skip-bad-cases` left out (paths relative to the dataset). */
function announceData(ctx: RunContext, kind: 'search' | 'train', ds: Dataset): void {
  ctx.onEvent?.({
    type: 'data',
    kind,
    cases: ds.cases.length,
    skipped: ds.skipped.map((c) => ({
      id: c.id,
      file: ds.root ? relative(ds.root, c.file) : c.file,
      reason: c.reason,
    })),
  });
}

/** Files a search or a training writes into its run directory. */
const RUN_FILES = {
  search: [
    'search.ckpt',
    'search-plan.json',
    'genotype.json',
    'search-result.json',
    'search-curves.png',
    'alphas-down.png',
    'alphas-up.png',
  ],
  train: ['train.ckpt', 'best-weights.ckpt', 'train-result.json', 'train-curves.png', 'plan.json', 'model'],
} as const;

/**
 * Readies `req.outDir` for a `kind` run and returns its checkpoint path. With `--resume`
 * the checkpoint must exist; otherwise an earlier run's files there are refused, so
 * nothing is overwritten by accident, unless `--overwrite` asks to replace them.
 */
function prepareRunDir(req: LoopRequest, kind: keyof typeof RUN_FILES): string {
  mkdirSync(req.outDir, { recursive: true });
  const ckpt = join(req.outDir, `${kind}.ckpt`);
  if (req.resume) {
    if (!existsSync(ckpt)) throw new ValidationError(`--resume: no checkpoint at ${ckpt}`);
    return ckpt;
  }
  const earlier = RUN_FILES[kind].filter((f) => existsSync(join(req.outDir, f)));
  if (earlier.length > 0 && !req.overwrite) {
    throw new ValidationError(
      `--out ${req.outDir} already holds a ${kind} run (${earlier.join(', ')}): give --resume to continue it, ` +
        '--overwrite to replace it, or another --out',
    );
  }
  for (const f of earlier) rmSync(join(req.outDir, f), { recursive: true, force: true });
  return ckpt;
}

/** Slices and slice height of the prepared data, as the loops use them. */
type LoopData = Pick<Awaited<ReturnType<typeof prepareData>>, 'train' | 'val' | 'height'>;

/**
 * The engine options search and training share: data, seed, budgets, augmentation, Dice
 * weight, checkpointing to `ckpt` (resumed from it with `--resume`), events and cancellation.
 */
function loopOptions(
  req: LoopRequest & { epochs: number; batchSize: number },
  plan: Pick<PlanBase, 'augmentation' | 'patch'>,
  ctx: RunContext,
  data: LoopData,
  ckpt: string,
) {
  return {
    train: data.train,
    val: data.val,
    seed: req.seed,
    batchSize: req.batchSize,
    maxEpochs: req.epochs,
    ...(req.maxSteps !== undefined ? { maxSteps: req.maxSteps } : {}),
    ...(req.timeLimitSeconds !== undefined ? { maxWallSeconds: req.timeLimitSeconds } : {}),
    augment: augmentationOf(plan.augmentation, plan.patch[0]),
    diceWeight: req.diceWeight,
    checkpointPath: ckpt,
    checkpointIntervalSeconds: req.checkpointIntervalSeconds,
    ...(req.checkpointEverySteps !== undefined ? { checkpointEverySteps: req.checkpointEverySteps } : {}),
    ...(req.resume ? { resumeFrom: ckpt } : {}),
    ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.startedAt !== undefined ? { wallClockStart: ctx.startedAt } : {}),
  };
}

/** Runner that does the work in-process on the chosen compute backend. */
export class LocalRunner implements Runner {
  private ready: Promise<unknown> | null = null;
  constructor(private readonly backend: BackendName = 'auto') {}

  private init(): Promise<unknown> {
    this.ready ??= initBackend({ backend: this.backend, logger: () => {} });
    return this.ready;
  }

  async search(req: SearchRequest, ctx: RunContext): Promise<SearchSummary> {
    await this.init();
    const ckpt = prepareRunDir(req, 'search');
    const dataset = await loadRequestedDataset(req.data);
    announceData(ctx, 'search', dataset);
    const preset = req.preset === 'auto' ? null : presetConfig('nasunet_search', req.preset);
    const fromPreset = `--preset ${req.preset}`;
    let plan = planSearchRun(dataset, {
      outDir: req.outDir,
      resume: req.resume,
      timeBudgetSeconds: req.timeBudgetSeconds ?? DEFAULT_TIME_BUDGET_SECONDS,
      ...(req.memoryLimitMb !== undefined ? { memoryLimitMb: req.memoryLimitMb } : {}),
      overrides: {
        ...(req.data.sliceAxis !== undefined ? { sliceAxis: req.data.sliceAxis } : {}),
        ...(preset ? { depth: preset['depth'] as number, width: preset['channels'] as number } : {}),
        ...(req.channels !== undefined ? { width: req.channels } : {}),
        ...(req.depth !== undefined ? { depth: req.depth } : {}),
        ...(req.batchSize !== undefined ? { batchSize: req.batchSize } : {}),
        ...(req.maxSteps !== undefined ? { steps: req.maxSteps } : {}),
        ...(req.warmupSteps !== undefined ? { warmupSteps: req.warmupSteps } : {}),
        ...(req.patience !== undefined ? { patience: req.patience } : {}),
        ...(req.excludedOps !== undefined ? { excludedOps: req.excludedOps } : {}),
        ...(req.alphaLr !== undefined ? { alphaLr: req.alphaLr } : {}),
        ...(req.patch !== undefined ? { patch: req.patch } : {}),
        ...(req.foregroundShare !== undefined ? { foregroundShare: req.foregroundShare } : {}),
        ...(req.augment !== undefined ? { augmentation: req.augment } : {}),
        ...(req.workers !== undefined ? { workers: req.workers } : {}),
      },
      overrideSources: {
        ...(preset && req.channels === undefined ? { channels: fromPreset } : {}),
        ...(preset && req.depth === undefined ? { depth: fromPreset } : {}),
        ...(req.excludedOps?.length === 0 ? { 'exclude-ops': '--all-ops' } : {}),
      },
    });
    const data = await prepareData(
      { ...req.data, sliceAxis: plan.sliceAxis },
      sizeMultiple('nasunet', plan.depth),
      req.seed,
      undefined,
      { dataset, size: plan.sliceSize, normalization: plan.normalization },
    );
    // --epochs without --max-steps counts passes over the weight half of the training slices.
    if (req.epochs !== undefined && req.maxSteps === undefined && !req.resume) {
      const half = Math.ceil(data.train.slices.length / 2);
      plan = searchWithEpochs(plan, req.epochs, Math.max(1, Math.ceil(half / plan.batchSize)));
    }
    savePlan(req.outDir, 'search', plan);
    ctx.onEvent?.({ type: 'plan', kind: 'search', choices: plan.choices });
    const config = searchConfig(
      {
        width: plan.width,
        depth: plan.depth,
        nodes: (preset?.['nodes'] as number | undefined) ?? plan.nodes,
        excludedOps: plan.excludedOps,
      },
      data.classes.length,
    );
    const net = createModel('nasunet_search', config, { seed: req.seed }) as NamedSearchNet;
    try {
      const r = await runSearch(net, {
        ...loopOptions(
          { ...req, batchSize: plan.batchSize, epochs: Math.ceil(plan.steps / plan.stepsPerEpoch) },
          plan,
          ctx,
          data,
          ckpt,
        ),
        maxSteps: plan.steps,
        minSteps: plan.minSteps,
        ...parallelOf(plan, { architecture: 'nasunet_search', config, seed: req.seed }),
        alphaWarmupSteps: plan.warmupSteps,
        patience: plan.patience,
        alphaOptimiser: { lr: plan.alphaLr },
        sampling: {
          kind: 'foreground',
          foregroundShare: plan.foregroundShare,
          stepsPerEpoch: plan.stepsPerEpoch,
          patch: plan.patch,
        },
      });
      const genotypeFile = join(req.outDir, 'genotype.json');
      writeFileAtomic(genotypeFile, json(r.genotype));
      const warning = upsamplingWarning(r.genotype);
      if (warning !== null) ctx.onEvent?.({ type: 'warning', kind: 'search', message: warning });
      const files = [genotypeFile, join(req.outDir, 'search-result.json')];
      const last = r.alphaHistory.at(-1);
      const decisions = last
        ? decisionMarginsOfWeights(
            { down: last[0] ?? [], up: last[1] ?? [], normal: last[2] ?? [] },
            config.nodes,
            plan.excludedOps,
          )
        : null;
      writeFileAtomic(
        files[1] as string,
        json({
          ...r,
          decisions,
          config,
          dataset: data.dataset.name,
          datasetDigest: data.dataset.digest,
          classNames: data.classes.map((c) => c.name),
        }),
      );
      if (r.curve.length > 0) {
        const xs = r.curve.map((c) => c.epoch + 1);
        const curves = join(req.outDir, 'search-curves.png');
        savePlot(curves, [
          {
            title: 'search losses (CE + soft Dice)',
            xLabel: 'epoch',
            xs,
            series: [
              { name: 'weight-step loss', ys: r.curve.map((c) => c.trainLoss) },
              { name: 'alpha-step loss', ys: r.curve.map((c) => c.alphaLoss ?? NaN) },
              { name: 'validation loss', ys: r.curve.map((c) => c.valLoss) },
            ],
            yLabel: 'loss',
            yInclude: [0],
          },
          valDicePanel(xs, r.curve),
        ]);
        const alphas = saveAlphaPlots(
          { steps: xs, unit: 'epoch', points: r.alphaHistory },
          config.nodes,
          join(req.outDir, 'alphas'),
        );
        files.push(curves, ...alphas);
      }
      return {
        genotype: r.genotype,
        genotypeFile,
        initialValLoss: r.initialValLoss,
        valLoss: r.valLoss,
        valDice: r.valDice,
        epochs: r.epochs,
        steps: r.steps,
        reason: r.reason,
        decisions,
        files,
      };
    } finally {
      net.dispose();
    }
  }

  async train(req: TrainRequest, ctx: RunContext): Promise<TrainSummary> {
    await this.init();
    if (req.arch === 'nasunet' && !req.genotype)
      throw new ValidationError('--genotype is required to train a nasunet');
    const ckpt = prepareRunDir(req, 'train');
    const key = req.arch;
    const dataset = await loadRequestedDataset(req.data);
    announceData(ctx, 'train', dataset);
    const warning = req.genotype ? upsamplingWarning(req.genotype) : null;
    if (warning !== null) ctx.onEvent?.({ type: 'warning', kind: 'train', message: warning });
    const preset = req.preset === 'auto' ? null : presetConfig(key, req.preset);
    const overrides: PlanOverrides = {
      ...(req.data.sliceAxis !== undefined ? { sliceAxis: req.data.sliceAxis } : {}),
      ...(preset
        ? { depth: preset['depth'] as number, width: (preset['baseWidth'] ?? preset['channels']) as number }
        : {}),
      ...(req.channels !== undefined ? { width: req.channels } : {}),
      ...(req.depth !== undefined ? { depth: req.depth } : {}),
      ...(req.batchSize !== undefined ? { batchSize: req.batchSize } : {}),
      ...(req.maxSteps !== undefined ? { steps: req.maxSteps } : {}),
      ...(req.patch !== undefined ? { patch: req.patch } : {}),
      ...(req.foregroundShare !== undefined ? { foregroundShare: req.foregroundShare } : {}),
      ...(req.augment !== undefined ? { augmentation: req.augment } : {}),
      ...(req.workers !== undefined ? { workers: req.workers } : {}),
      ...(req.contextSlices !== undefined ? { contextSlices: req.contextSlices } : {}),
    };
    const fromPreset = `--preset ${req.preset}`;
    let plan = planTrainingRun(dataset, key, req.genotype, {
      outDir: req.outDir,
      resume: req.resume,
      timeBudgetSeconds: req.timeBudgetSeconds ?? DEFAULT_TIME_BUDGET_SECONDS,
      overrides,
      overrideSources: {
        ...(preset && req.channels === undefined ? { channels: fromPreset } : {}),
        ...(preset && req.depth === undefined ? { depth: fromPreset } : {}),
      },
    });
    const padMultiple = sizeMultiple(key, plan.depth);
    const data = await prepareData(
      { ...req.data, sliceAxis: plan.sliceAxis },
      padMultiple,
      req.seed,
      undefined,
      {
        dataset,
        size: plan.sliceSize,
        normalization: plan.normalization,
        contextSlices: plan.contextSlices,
      },
    );
    // --epochs without --max-steps counts passes over the training slices.
    if (req.epochs !== undefined && req.maxSteps === undefined && !req.resume) {
      plan = withEpochs(plan, req.epochs, Math.max(1, Math.ceil(data.train.slices.length / plan.batchSize)));
    }
    savePlan(req.outDir, 'train', plan);
    ctx.onEvent?.({ type: 'plan', kind: 'train', choices: plan.choices });
    const config = plannedConfig(
      key,
      { ...plan, inChannels: contextChannels(plan.contextSlices) },
      data.classes.length,
      req.genotype,
    );
    const best = join(req.outDir, 'best-weights.ckpt');
    const net = createModel(key, config, {
      seed: req.seed,
      ...(req.genotype ? { genotype: req.genotype } : {}),
    });
    const { steps, stepsPerEpoch } = plan;
    try {
      const r = await runTraining(net, {
        ...loopOptions(
          { ...req, batchSize: plan.batchSize, epochs: Math.ceil(steps / stepsPerEpoch) },
          plan,
          ctx,
          data,
          ckpt,
        ),
        maxSteps: steps,
        ...parallelOf(plan, {
          architecture: key,
          config,
          seed: req.seed,
          ...(req.genotype ? { genotype: req.genotype } : {}),
        }),
        sampling: {
          kind: 'foreground',
          foregroundShare: plan.foregroundShare,
          stepsPerEpoch,
          patch: plan.patch,
        },
        optimiser: { lr: req.lr },
        bestPath: best,
        // The untrained baseline is worth a validation pass only while that pass is short.
        validateInitial: data.val.slices.length <= UNTRAINED_CHECK_MAX_SLICES,
      });
      const inference = planInference(net, data.val, {
        trainedMirrorAxes: trainedMirrorAxes(augmentationOf(plan.augmentation, plan.patch[0])),
        ...(req.inference ? { override: req.inference } : {}),
        window: { window: plan.patch },
      });
      ctx.onEvent?.({ type: 'plan', kind: 'inference', choices: inference.choices });
      const modelDir = join(req.outDir, 'model');
      const bundle = createModelBundle(net, {
        architecture: { key, config },
        genotype: req.genotype ?? null,
        preprocessing: {
          inputChannels: contextChannels(plan.contextSlices),
          contextSlices: plan.contextSlices,
          sliceAxis: data.sliceAxis,
          ...trainingGrid(data.dataset),
          normalization: data.normalization,
          padMultiple,
          padMode: 'zero',
          inputSize: plan.patch,
          classes: data.classes,
        },
        inference: inference.settings,
        metadata: {
          dataset: data.dataset.name,
          datasetDigest: data.dataset.digest,
          seed: req.seed,
          preset: req.preset,
          bestEpoch: r.bestEpoch,
          valDice: r.bestValDice,
          plan: plan.choices,
          inferencePlan: inference.choices,
        },
      });
      rmSync(modelDir, { recursive: true, force: true });
      await writeModelBundleDir(modelDir, bundle);
      const files = [modelDir, join(req.outDir, 'train-result.json')];
      writeFileAtomic(
        files[1] as string,
        json({
          ...r,
          arch: key,
          config,
          genotype: req.genotype ?? null,
          parameterCount: net.parameterCount(),
        }),
      );
      if (r.curve.length > 0) {
        const xs = r.curve.map((c) => c.epoch + 1);
        const curves = join(req.outDir, 'train-curves.png');
        savePlot(curves, [
          {
            title: 'training: loss (CE + soft Dice)',
            xLabel: 'epoch',
            xs,
            series: [
              { name: 'train loss', ys: r.curve.map((c) => c.trainLoss) },
              { name: 'validation loss', ys: r.curve.map((c) => c.valLoss) },
            ],
            yLabel: 'loss',
            yInclude: [0],
          },
          valDicePanel(xs, r.curve),
          {
            title: 'learning rate (cosine)',
            xLabel: 'epoch',
            xs,
            series: [{ name: 'lr', ys: r.curve.map((c) => c.lr) }],
            yLabel: 'learning rate',
            yInclude: [0],
          },
        ]);
        files.push(curves);
      }
      return {
        modelDir,
        initialValDice: r.initialValDice,
        bestValDice: r.bestValDice,
        bestEpoch: r.bestEpoch,
        epochs: r.epochs,
        steps: r.steps,
        reason: r.reason,
        parameterCount: net.parameterCount(),
        files,
      };
    } finally {
      net.dispose();
    }
  }

  async evaluate(req: EvaluateRequest, _ctx: RunContext): Promise<EvaluateSummary> {
    await this.init();
    return withServingModel(req.modelDir, req.runtime ?? 'auto', async (model, manifest) => {
      const pre = manifest.preprocessing;
      const data = await prepareData(
        { ...req.data, sliceAxis: pre.sliceAxis },
        pre.padMultiple,
        req.seed,
        pre.classes,
      );
      const ids = new Set(req.split === 'all' ? data.dataset.cases.map((c) => c.id) : data.split[req.split]);
      const cases = data.dataset.cases.filter((c) => ids.has(c.id));
      const report = await evaluateCasesAsync(model, cases, inferenceSpec(manifest), pre.classes, {
        hd95: req.hd95,
      });
      mkdirSync(req.outDir, { recursive: true });
      const jsonPath = join(req.outDir, 'report.json');
      const textPath = join(req.outDir, 'report.txt');
      writeFileAtomic(
        jsonPath,
        json({
          ...report,
          model: req.modelDir,
          split: req.split,
          dataset: data.dataset.name,
          runtime: model.runtime,
          inference: manifest.inference,
        }),
      );
      writeFileAtomic(textPath, formatReport(report));
      return { report, jsonPath, textPath, runtime: model.runtime };
    });
  }

  async segment(req: SegmentRequest, _ctx: RunContext): Promise<SegmentSummary> {
    await this.init();
    const pacs = req.pacs ? { ...req.pacs, config: cliPacs(req.pacs.url) } : undefined;
    const series = pacs
      ? await readDicomSeries(await fetchSeries(pacs.config, pacs.study, pacs.series, CLI_SERIES_LIMITS))
      : req.dicom
        ? await readDicomDir(req.input)
        : null;
    const volume = series ? series.volume : await readSegmentInput(req.input);
    return withServingModel(req.modelDir, req.runtime ?? 'auto', async (model, manifest) => {
      const pre = manifest.preprocessing;
      const indices = await runForwardStepsAsync(segmentVolumeSteps(volume, inferenceSpec(manifest)), model);
      if (!series) {
        const written = await writeSegmentation(req.input, volume, indices, pre.classes, req.outDir);
        return { ...written, runtime: model.runtime };
      }
      // The SEG names the model that made it: its folder as given (a bundle outside the
      // registry has no version), the digest of its weights and its genotype.
      const seg = writeSeriesSegmentation(series, indices, pre.classes, {
        name: req.modelDir.replace(/\/+$/, ''),
        version: 'unregistered',
        weightsDigest: `sha256:${manifest.weightsSha256}`,
        genotype: manifest.genotype,
      });
      // Stored on the PACS before anything is written here: a refused SEG leaves no files.
      if (pacs) await storeInstances(pacs.config, [seg.bytes]);
      const written = writeDicomSegmentation(req.input, series, indices, pre.classes, seg.bytes, req.outDir);
      return {
        ...written,
        runtime: model.runtime,
        ...(pacs
          ? { stored: { sopInstanceUid: seg.sopInstanceUid, seriesInstanceUid: seg.seriesInstanceUid } }
          : {}),
      };
    });
  }
}

/**
 * Runs `fn` with the bundle in `modelDir` loaded on the runtime `choice` resolves to for
 * the active backend (ONNX Runtime runs the bundle's ONNX export), then releases it.
 */
async function withServingModel<T>(
  modelDir: string,
  choice: RuntimeChoice,
  fn: (model: ServingModel, manifest: BundleManifest) => Promise<T>,
): Promise<T> {
  const bundle = await readModelBundleDir(modelDir);
  const { net, manifest } = loadModelBundle(bundle);
  let model: ServingModel | undefined;
  try {
    const runtime = resolveRuntime(choice, tf.getBackend(), manifest.architecture.key);
    model = await createServingModel(runtime, { net, onnx: () => exportOnnx(bundle) });
    return await fn(model, manifest);
  } finally {
    await model?.dispose();
    net.dispose();
  }
}

export type { Genotype };
