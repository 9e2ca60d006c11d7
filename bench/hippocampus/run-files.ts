/**
 * Small file helpers of the benchmark stages: JSON read/write (atomic) and a wall clock
 * that survives interruptions (elapsed seconds are persisted at each checkpoint).
 */
import { existsSync, readFileSync } from 'node:fs';
import { IntegrityError } from '../../libs/core/src/index.js';
import { writeFileAtomic } from '../../libs/engine/src/index.js';

/** Writes `value` as pretty JSON, atomically. */
export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Reads a JSON file written by {@link writeJson}; `IntegrityError` naming the file when unreadable. */
export function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new IntegrityError(`${path}: cannot read JSON (${(e as Error).message})`);
  }
}

/** Reads a JSON file when it exists, else returns null. */
export function readJsonIfExists<T>(path: string): T | null {
  return existsSync(path) ? readJson<T>(path) : null;
}

/** Persisted progress of a stage: wall seconds spent so far and counters. */
export interface ClockState {
  elapsedSeconds: number;
  counters: Record<string, number>;
}

/**
 * Wall clock of a resumable run: `elapsed()` is the time persisted by earlier runs plus
 * this process's time; `save()` persists it (call it when a checkpoint is written, so the
 * saved time matches the saved state).
 */
export class RunClock {
  private readonly start = performance.now();
  private readonly before: number;
  readonly counters: Record<string, number>;
  constructor(private readonly path: string) {
    const s = readJsonIfExists<ClockState>(path);
    this.before = s?.elapsedSeconds ?? 0;
    this.counters = { ...(s?.counters ?? {}) };
  }
  /** Seconds, earlier runs included. */
  elapsed(): number {
    return this.before + (performance.now() - this.start) / 1000;
  }
  /** Persists elapsed time and counters. */
  save(): void {
    writeJson(this.path, { elapsedSeconds: this.elapsed(), counters: this.counters } satisfies ClockState);
  }
}
