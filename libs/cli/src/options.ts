/**
 * Option parsers and shared option groups of the `nasunet` command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { DataFormatError, ValidationError } from '../../core/src/index.js';
import { checkClassNames } from '../../data/src/index.js';
import {
  MAX_SEEDS,
  parseExcludedOps,
  parseGenotype,
  referenceGenotype,
  REFERENCE_GENOTYPES,
  type Genotype,
} from '../../nas/src/index.js';
import type { DataRequest } from './dataset-prep.js';

/** Deepest network `--depth` accepts (the services' limit). */
export const MAX_DEPTH = 6;

/** Parses a positive integer option value. */
export function intOption(min = 1, max = Infinity): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `expected an integer ${max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`}, got '${v}'`,
      );
    return n;
  };
}

/** Parses a number option value between `min` (included or not) and `max` (included). */
function boundedNumberOption(min: number, max: number, minIncluded: boolean): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (minIncluded ? n < min : n <= min) || n > max) {
      throw new InvalidArgumentError(
        `expected a number in ${minIncluded ? '[' : '('}${min}, ${max}], got '${v}'`,
      );
    }
    return n;
  };
}

/** Parses a number option value in [min, max]. */
export function numberOption(min: number, max = Infinity): (v: string) => number {
  return boundedNumberOption(min, max, true);
}

/** Parses a number option value in (0, max]: a rate, where 0 would mean no learning. */
export function positiveNumberOption(max = Infinity): (v: string) => number {
  return boundedNumberOption(0, max, false);
}

/** Parses a patch size `HxW` (two integers >= 1, e.g. `128x128`). */
export function sizeOption(v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(v.trim());
  const size = m ? ([Number(m[1]), Number(m[2])] as [number, number]) : null;
  if (!size || size[0] < 1 || size[1] < 1)
    throw new InvalidArgumentError(`expected HxW such as 128x128, got '${v}'`);
  return size;
}

/**
 * Parses the seeds of a multi-seed search (`1,2,3`): 2..MAX_SEEDS distinct integers in
 * [0, 2^32).
 */
export function seedsOption(v: string): number[] {
  const seeds = v.split(',').map((s) => s.trim());
  const bad = seeds.find((s) => !/^\d{1,10}$/.test(s) || Number(s) > 0xffffffff);
  if (bad !== undefined) throw new InvalidArgumentError(`expected integers in [0, 2^32), got '${bad}'`);
  if (seeds.length < 2 || seeds.length > MAX_SEEDS)
    throw new InvalidArgumentError(`expected 2..${MAX_SEEDS} seeds, got ${seeds.length}`);
  const parsed = seeds.map(Number);
  const repeated = parsed.find((s, i) => parsed.indexOf(s) !== i);
  if (repeated !== undefined) throw new InvalidArgumentError(`seed ${repeated} is given twice`);
  return parsed;
}

/** Parses `--exclude-ops`: comma-separated op keys, validated against the op sets. */
export function excludedOpsOption(v: string): string[] {
  try {
    return parseExcludedOps(
      v.split(',').map((s) => s.trim()),
      'ops',
    );
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^ops: /, ''));
  }
}

/** Parses a choice. */
export function choiceOption<T extends string>(choices: readonly T[]): (v: string) => T {
  return (v: string) => {
    if (!(choices as readonly string[]).includes(v))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${v}'`);
    return v as T;
  };
}

/** Parses a comma-separated list of class names (`anterior,posterior`). */
export function classNamesOption(v: string): string[] {
  try {
    return checkClassNames(v.split(',').map((n) => n.trim()));
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Adds --class-names (search and train: the names recorded with the run and the model). */
export function addClassNamesOption(cmd: Command): Command {
  return cmd.option(
    '--class-names <names>',
    "names of the foreground classes in label-code order, comma-separated (e.g. 'anterior,posterior'; background is not named); default: the labels of the dataset's dataset.json, else class_<code>",
    classNamesOption,
  );
}

/** Adds --data / --synthetic and the dataset shaping options. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option(
      '--data <path>',
      'dataset folder: MSD layout (dataset.json, imagesTr/labelsTr), images/ + labels/ pairs, or 2D image + mask folders',
    )
    .option(
      '--synthetic [spec]',
      "use the built-in synthetic phantom set instead of --data; optional spec 'count=N,size=PX,seed=S,noise=SD' (defaults count=16,size=64)",
    )
    .option(
      '--slice-axis <axis>',
      'voxel axis volumes are cut along into 2D slices (0, 1 or 2; default 2, planned by train)',
      numberOption(0, 2),
    )
    .option('--max-cases <n>', 'use only the first N cases (sorted by id)', intOption(1))
    .option('--val-fraction <f>', 'fraction of cases held out for validation', numberOption(0, 0.9), 0.2)
    .option('--test-fraction <f>', 'fraction of cases held out for the test split', numberOption(0, 0.9), 0.2)
    .option(
      '--skip-bad-cases',
      'leave out cases whose files are unreadable or inconsistent instead of failing',
      false,
    );
}

/** Reads the data options into a request; requires exactly one of --data / --synthetic. */
export function dataRequest(o: Record<string, unknown>): DataRequest {
  const data = o['data'] as string | undefined;
  const synth = o['synthetic'] as string | boolean | undefined;
  if (data !== undefined && synth !== undefined)
    throw new ValidationError('give either --data or --synthetic, not both');
  if (data === undefined && synth === undefined)
    throw new ValidationError('no dataset: give --data <folder> or --synthetic');
  const ref = data !== undefined ? data : synth === true ? 'synthetic' : `synthetic:${String(synth)}`;
  if (data !== undefined && data.startsWith('synthetic'))
    throw new ValidationError(`--data ${data}: use --synthetic for the built-in set`);
  return {
    ref,
    ...(o['sliceAxis'] !== undefined ? { sliceAxis: o['sliceAxis'] as 0 | 1 | 2 } : {}),
    ...(o['maxCases'] !== undefined ? { maxCases: o['maxCases'] as number } : {}),
    valFraction: o['valFraction'] as number,
    testFraction: o['testFraction'] as number,
    skipBadCases: Boolean(o['skipBadCases']),
    ...(o['classNames'] !== undefined ? { classNames: o['classNames'] as string[] } : {}),
  };
}

/**
 * Reads a genotype: a reference name (v2, v3) or a JSON file.
 * @throws DataFormatError for unreadable JSON, InvalidGenotypeError for an invalid genotype.
 */
export function loadGenotype(ref: string): Genotype {
  if ((REFERENCE_GENOTYPES as readonly string[]).includes(ref)) return referenceGenotype(ref);
  if (!existsSync(ref))
    throw new ValidationError(
      `--genotype ${ref}: no such file (or use a reference name: ${REFERENCE_GENOTYPES.join(', ')})`,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(ref, 'utf8'));
  } catch (e) {
    throw new DataFormatError(`${ref}: not valid JSON (${(e as Error).message})`);
  }
  return parseGenotype(json);
}
