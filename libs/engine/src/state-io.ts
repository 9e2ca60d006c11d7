/**
 * Packing variables and optimiser states into checkpoint arrays and back, with shape checks.
 */
import { tf, type Variable } from '../../tensor/src/index.js';
import { IntegrityError } from '../../core/src/errors.js';
import type { AdamW } from './optim.js';

/** Adds `prefix.i` arrays for each variable's values. */
export function packVariables(
  prefix: string,
  vars: Variable[],
  into: Record<string, Float32Array>,
): number[][] {
  vars.forEach((v, i) => {
    into[`${prefix}.${i}`] = Float32Array.from(v.dataSync() as Float32Array);
  });
  return vars.map((v) => v.shape.slice());
}

/** Assigns `prefix.i` arrays back to the variables; every shape must match. */
export function unpackVariables(
  prefix: string,
  vars: Variable[],
  shapes: number[][] | undefined,
  from: Record<string, Float32Array>,
  source: string,
): void {
  if (!shapes || shapes.length !== vars.length) {
    throw new IntegrityError(
      `${source}: holds ${shapes?.length ?? 0} '${prefix}' tensors, the network has ${vars.length}`,
    );
  }
  vars.forEach((v, i) => {
    const arr = from[`${prefix}.${i}`];
    const shape = shapes[i] ?? [];
    if (!arr || shape.join('x') !== v.shape.join('x') || arr.length !== v.size) {
      throw new IntegrityError(
        `${source}: '${prefix}.${i}' has shape [${shape}], the network expects [${v.shape}]`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(arr, v.shape, 'float32')));
  });
}

/** Adds an optimiser's moments as `prefix.m.i` / `prefix.v.i`; returns its step count. */
export function packOptimiser(prefix: string, opt: AdamW, into: Record<string, Float32Array>): number {
  const s = opt.getState();
  s.m.forEach((a, i) => (into[`${prefix}.m.${i}`] = a));
  s.v.forEach((a, i) => (into[`${prefix}.v.${i}`] = a));
  return s.t;
}

/** Restores an optimiser packed with {@link packOptimiser}. */
export function unpackOptimiser(
  prefix: string,
  opt: AdamW,
  n: number,
  t: number,
  from: Record<string, Float32Array>,
  source: string,
): void {
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = from[`${prefix}.m.${i}`];
    const b = from[`${prefix}.v.${i}`];
    if (!a || !b) throw new IntegrityError(`${source}: optimiser state '${prefix}' is incomplete`);
    m.push(a);
    v.push(b);
  }
  opt.setState({ t, m, v });
}

/** Tracks elapsed time and step rate for ETA estimates (wall time of this process only). */
export class Stopwatch {
  private readonly start = Date.now();
  private steps = 0;
  /** Mean seconds per step so far (validation and checkpoints included); null before the first. */
  secondsPerStep(): number | null {
    return this.steps === 0 ? null : this.elapsed() / this.steps;
  }
  /** Seconds since construction. */
  elapsed(): number {
    return (Date.now() - this.start) / 1000;
  }
  /** Records one finished step. */
  tick(): void {
    this.steps++;
  }
  /** Seconds left for `remainingSteps` at the observed rate, capped by `wallLeft` seconds. */
  eta(remainingSteps: number, wallLeft = Infinity): number | null {
    if (this.steps === 0) return null;
    return Math.max(0, Math.min((this.elapsed() / this.steps) * remainingSteps, wallLeft));
  }
}
