#!/usr/bin/env node
/**
 * `nasunet`: search, train, evaluate and segment from the command line.
 * Run `nasunet --help` or `nasunet <command> --help` for every option and its default.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../../tensor/src/index.js';
import { ValidationError } from '../../core/src/index.js';
import { PRESET_NAMES } from '../../nas/src/index.js';
import { runDemo } from './demo.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import { LocalRunner } from './local-runner.js';
import { addDataOptions, dataRequest, intOption, loadGenotype, numberOption } from './options.js';
import { ProgressReporter } from './progress.js';
import type { LoopRequest, Runner } from './runner.js';

/** Creates the runner for a command. Today always local; a `--server` runner plugs in here. */
export type RunnerFactory = (opts: { backend: BackendName }) => Runner;

const defaultRunnerFactory: RunnerFactory = (o) => new LocalRunner(o.backend);

function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--backend <name>',
        'compute backend (also NASUNET_BACKEND): auto picks tensorflow if installed, else webgpu on a hardware GPU, else wasm',
      )
        .choices([...BACKEND_NAMES])
        .default(process.env['NASUNET_BACKEND'] ?? 'auto'),
    )
    .option('--seed <n>', 'seed of weight init, data split, data order and augmentation', intOption(0), 0)
    .option('--quiet', 'no progress output on stderr', false)
    .option('--json', 'print every progress event as one JSON line on stdout', false);
}

function addLoopOptions(cmd: Command, d: { epochs: number; batch: number }): Command {
  return cmd
    .option('--out <dir>', 'run directory for checkpoints, results and plots', 'nasunet-run')
    .addOption(
      new Option('--preset <name>', 'architecture size preset').choices([...PRESET_NAMES]).default('tiny'),
    )
    .option(
      '--channels <n>',
      "override the preset's width (C per cell node for NAS-Unet, first-level width for U-Net)",
      intOption(1),
    )
    .option('--epochs <n>', 'maximum number of epochs', intOption(1), d.epochs)
    .option('--max-steps <n>', 'maximum number of optimisation steps (default: no limit)', intOption(1))
    .option(
      '--time-limit <seconds>',
      'wall-time budget of this invocation in seconds (default: no limit)',
      numberOption(0.001),
    )
    .option('--batch-size <n>', 'slices per batch', intOption(1), d.batch)
    .option(
      '--dice-weight <w>',
      'weight of the soft Dice term in the loss (CE + w * Dice)',
      numberOption(0),
      1,
    )
    .option(
      '--checkpoint-interval <seconds>',
      'seconds between mid-epoch checkpoints (one is also written every epoch)',
      numberOption(0),
      60,
    )
    .option('--checkpoint-every-steps <n>', 'also write a checkpoint every N steps', intOption(1))
    .option('--resume', 'continue the run whose checkpoint is in --out (same options and seed)', false);
}

function loopRequest(o: Record<string, unknown>): LoopRequest {
  return {
    data: dataRequest(o),
    preset: o['preset'] as string,
    ...(o['channels'] !== undefined ? { channels: o['channels'] as number } : {}),
    seed: o['seed'] as number,
    outDir: o['out'] as string,
    resume: Boolean(o['resume']),
    epochs: o['epochs'] as number,
    ...(o['maxSteps'] !== undefined ? { maxSteps: o['maxSteps'] as number } : {}),
    ...(o['timeLimit'] !== undefined ? { timeLimitSeconds: o['timeLimit'] as number } : {}),
    batchSize: o['batchSize'] as number,
    augment: o['augment'] === false ? false : { elastic: o['elastic'] as number },
    diceWeight: o['diceWeight'] as number,
    checkpointIntervalSeconds: o['checkpointInterval'] as number,
    ...(o['checkpointEverySteps'] !== undefined
      ? { checkpointEverySteps: o['checkpointEverySteps'] as number }
      : {}),
  };
}

/** What a command needs from the process: output streams and a cancellation signal. */
export interface CliIo {
  out: (s: string) => void;
  signal: AbortSignal;
}

/** Builds the command tree. */
export function buildProgram(io: CliIo, makeRunner: RunnerFactory = defaultRunnerFactory): Command {
  const program = new Command('nasunet')
    .description(
      'NAS-Unet for medical image segmentation: differentiable architecture search, training, evaluation and segmentation.',
    )
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\nQuick start: nasunet demo   (search -> train -> evaluate -> segment on the synthetic set)`,
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const reporter = (o: Record<string, unknown>): ProgressReporter =>
    new ProgressReporter({ quiet: Boolean(o['quiet']), json: Boolean(o['json']) });
  const print = (o: Record<string, unknown>, human: string, result: unknown): void => {
    if (o['json']) io.out(JSON.stringify({ type: 'result', ...(result as object) }) + '\n');
    else io.out(human);
  };

  const search = program
    .command('search')
    .description(
      'search a NAS-Unet cell genotype (DARTS, first-order bilevel) on a dataset; writes genotype.json, plots and a resumable checkpoint into --out',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addCommonOptions(addDataOptions(addLoopOptions(search, { epochs: 10, batch: 2 })))
    .option('--warmup-steps <n>', 'steps before the first architecture (alpha) update', intOption(0), 0)
    .option(
      '--patience <n>',
      'stop when the derived genotype is unchanged for this many epochs',
      intOption(1),
      3,
    )
    .option(
      '--memory-limit <MiB>',
      'refuse configurations whose estimated training memory exceeds this (default: 80% of RAM)',
      intOption(1),
    )
    .action(async (o: Record<string, unknown>) => {
      const rep = reporter(o);
      try {
        const r = await makeRunner({ backend: o['backend'] as BackendName }).search(
          {
            ...loopRequest(o),
            warmupSteps: o['warmupSteps'] as number,
            patience: o['patience'] as number,
            ...(o['memoryLimit'] !== undefined ? { memoryLimitMb: o['memoryLimit'] as number } : {}),
          },
          { onEvent: rep.onEvent, signal: io.signal },
        );
        print(
          o,
          `search finished (${r.reason}) after ${r.epochs} epoch(s), ${r.steps} steps: val loss ${r.valLoss.toFixed(4)}` +
            (r.initialValLoss !== null ? ` (from ${r.initialValLoss.toFixed(4)})` : '') +
            `, val Dice ${r.valDice.toFixed(4)}\ngenotype: ${r.genotypeFile}\n${JSON.stringify(r.genotype)}\nfiles: ${r.files.join(', ')}\n`,
          { command: 'search', ...r },
        );
      } finally {
        rep.stop();
      }
    });

  const train = program
    .command('train')
    .description(
      'train a derived NAS-Unet (from a genotype) or the U-Net baseline; writes a model bundle into --out/model',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addCommonOptions(addDataOptions(addLoopOptions(train, { epochs: 20, batch: 4 })))
    .addOption(
      new Option('--arch <key>', 'architecture to train').choices(['nasunet', 'unet']).default('nasunet'),
    )
    .option(
      '--genotype <file|name>',
      'genotype JSON file or a reference genotype (v2, v3); default: genotype.json in --out when present',
    )
    .option(
      '--lr <rate>',
      'initial learning rate of AdamW (cosine schedule to 0; weight decay 5e-4)',
      numberOption(1e-7, 1),
      1e-3,
    )
    .action(async (o: Record<string, unknown>) => {
      const rep = reporter(o);
      try {
        const arch = o['arch'] as 'nasunet' | 'unet';
        let genotypeRef = o['genotype'] as string | undefined;
        if (arch === 'nasunet' && genotypeRef === undefined) {
          const f = join(o['out'] as string, 'genotype.json');
          if (!existsSync(f))
            throw new ValidationError(
              `no genotype: give --genotype <file|v2|v3> or run 'nasunet search' into --out first (${f} not found)`,
            );
          genotypeRef = f;
        }
        const genotype =
          arch === 'nasunet' && genotypeRef !== undefined ? loadGenotype(genotypeRef) : undefined;
        const r = await makeRunner({ backend: o['backend'] as BackendName }).train(
          { ...loopRequest(o), arch, lr: o['lr'] as number, ...(genotype ? { genotype } : {}) },
          { onEvent: rep.onEvent, signal: io.signal },
        );
        print(
          o,
          `training finished (${r.reason}) after ${r.epochs} epoch(s), ${r.steps} steps; ${r.parameterCount} parameters\n` +
            `best val Dice ${r.bestValDice.toFixed(4)} (epoch ${r.bestEpoch + 1})` +
            (r.initialValDice !== null ? `, untrained ${r.initialValDice.toFixed(4)}` : '') +
            `\nmodel: ${r.modelDir}\nfiles: ${r.files.join(', ')}\n`,
          { command: 'train', ...r },
        );
      } finally {
        rep.stop();
      }
    });

  const evaluateCmd = program
    .command('evaluate')
    .description(
      'evaluate a trained model bundle: per-case, per-class Dice, IoU and HD95 (3D per case for volumes); writes report.json and report.txt',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addCommonOptions(addDataOptions(evaluateCmd))
    .option(
      '--model <dir>',
      'model bundle directory (manifest.json + weights.bin)',
      join('nasunet-run', 'model'),
    )
    .addOption(
      new Option(
        '--split <name>',
        'cases to evaluate: the seeded test split (use the training seed), val, or all',
      )
        .choices(['test', 'val', 'all'])
        .default('test'),
    )
    .option('--out <dir>', 'where report.json and report.txt go', 'nasunet-run')
    .option('--no-hd95', 'skip the 95% Hausdorff distance (faster on large volumes)')
    .action(async (o: Record<string, unknown>) => {
      const r = await makeRunner({ backend: o['backend'] as BackendName }).evaluate(
        {
          modelDir: o['model'] as string,
          data: dataRequest(o),
          split: o['split'] as 'test' | 'val' | 'all',
          seed: o['seed'] as number,
          outDir: o['out'] as string,
          hd95: o['hd95'] !== false,
        },
        { signal: io.signal },
      );
      const { readFileSync } = await import('node:fs');
      print(o, readFileSync(r.textPath, 'utf8') + `\nreport: ${r.jsonPath}, ${r.textPath}\n`, {
        command: 'evaluate',
        meanDice: r.report.meanDice,
        meanIou: r.report.meanIou,
        nCases: r.report.nCases,
        jsonPath: r.jsonPath,
        textPath: r.textPath,
      });
    });

  const segmentCmd = program
    .command('segment')
    .description(
      'segment one 2D image (PNG/TIFF/GIF) or NIfTI volume; writes the mask (PNG with class codes, or .nii.gz) and an overlay PNG',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addCommonOptions(segmentCmd)
    .requiredOption('--input <file>', 'image (.png, .tif, .tiff, .gif) or volume (.nii, .nii.gz)')
    .option('--model <dir>', 'model bundle directory', join('nasunet-run', 'model'))
    .option('--out <dir>', 'output directory', 'nasunet-run')
    .action(async (o: Record<string, unknown>) => {
      const r = await makeRunner({ backend: o['backend'] as BackendName }).segment(
        { modelDir: o['model'] as string, input: o['input'] as string, outDir: o['out'] as string },
        { signal: io.signal },
      );
      print(
        o,
        `mask: ${r.maskPath}\noverlay: ${r.overlayPath}\nvoxels per class: ${JSON.stringify(r.classVoxels)}\n`,
        { command: 'segment', ...r },
      );
    });

  const demo = program
    .command('demo')
    .description(
      'search -> train -> evaluate -> segment on the built-in synthetic set (a few minutes on 2 CPU cores); prints the test Dice',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addCommonOptions(demo)
    .option('--out <dir>', 'run directory', 'nasunet-demo')
    .action(async (o: Record<string, unknown>) => {
      const rep = reporter(o);
      try {
        await runDemo(makeRunner({ backend: o['backend'] as BackendName }), {
          outDir: o['out'] as string,
          seed: o['seed'] as number,
          onEvent: rep.onEvent,
          signal: io.signal,
          log: (s) => (o['json'] ? undefined : io.out(s)),
        });
      } finally {
        rep.stop();
      }
    });
  return program;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.CANCELLED);
    process.stderr.write(
      '\ninterrupted: stopping after the current step and writing a checkpoint (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const program = buildProgram({ out: (s) => void process.stdout.write(s), signal: controller.signal });
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    const code = exitCodeFor(err);
    const e = err as Error;
    process.stderr.write(
      `nasunet: ${code === EXIT.UNEXPECTED ? (e?.stack ?? String(err)) : (e?.message ?? String(err))}\n`,
    );
    return code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const isEntry = ((): boolean => {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
})();
if (isEntry) {
  const code = await main(process.argv);
  // Flush stdio before exiting with the code.
  process.exitCode = code;
}
