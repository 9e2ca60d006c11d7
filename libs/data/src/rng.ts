/**
 * A small, fast, seeded pseudo-random generator (mulberry32) whose whole state is one
 * 32-bit integer, so it can be saved in a checkpoint and restored exactly.
 */
import { ValidationError } from '../../core/src/index.js';

/** Serializable RNG state: a 32-bit unsigned integer. */
export interface RngState {
  readonly s: number;
}

/**
 * Deterministic RNG (mulberry32). Same seed -> same sequence on every platform.
 *
 * @example
 * const r = new Rng(42); const a = r.next(); const st = r.getState();
 * r.next(); r.setState(st); // r.next() now repeats the second draw
 */
export class Rng {
  private s: number;

  /** @param seed any finite number; it is hashed to 32 bits. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new ValidationError(`seed must be a finite number, got ${seed}`);
    this.s = hashSeed(seed);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal draw (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle; returns the same array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = arr[i] as T;
      arr[i] = arr[j] as T;
      arr[j] = tmp;
    }
    return arr;
  }

  /** Current state; pass to {@link Rng.setState} (or {@link Rng.fromState}) to resume. */
  getState(): RngState {
    return { s: this.s };
  }

  /** Restores a state saved by {@link Rng.getState}. */
  setState(state: RngState): void {
    if (!Number.isInteger(state.s) || state.s < 0 || state.s > 0xffffffff) {
      throw new ValidationError(`RNG state must be a 32-bit unsigned integer, got ${String(state.s)}`);
    }
    this.s = state.s >>> 0;
  }

  /** A generator positioned at a saved state. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }
}

/**
 * Mixes any numbers (seed, epoch, index, ...) into one 32-bit seed (splitmix-style
 * finaliser), so that derived streams are independent and order-sensitive.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = hashSeed(h ^ hashSeed(p));
  }
  return h >>> 0;
}

function hashSeed(seed: number): number {
  // Fold the full double (integers beyond 2^32 and fractions) into 32 bits.
  let x = (Math.floor(seed) ^ Math.floor(seed / 4294967296) ^ Math.round((seed % 1) * 1e9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
