/**
 * AdamW written as plain tf ops on Variables, global gradient-norm clipping and a cosine
 * learning-rate schedule. The optimiser state (step count, first and second moments) can
 * be exported to and restored from plain arrays for checkpoints.
 */
import { tf, type Tensor, type Variable } from '../../tensor/src/index.js';
import { IntegrityError } from '../../core/src/errors.js';

/** Hyper-parameters of {@link AdamW}. */
export interface AdamWConfig {
  /** Learning rate (default 1e-3). */
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay factor, applied as `p -= lr * wd * p` (default 0). */
  weightDecay?: number;
}

/** Serialised optimiser state: `t` steps taken, moments in the order of the variable list. */
export interface AdamWState {
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** Weight optimiser defaults (spec section 4): lr 1e-3, wd 5e-4. */
export const WEIGHT_OPTIMISER: Required<AdamWConfig> = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 5e-4,
};
/** Alpha optimiser defaults (spec section 4): lr 3e-4, betas (0.5, 0.999), wd 1e-3. */
export const ALPHA_OPTIMISER: Required<AdamWConfig> = {
  lr: 3e-4,
  beta1: 0.5,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 1e-3,
};

/**
 * AdamW over a fixed list of variables. `step(grads)` takes gradients in the same order
 * as the variables (a missing gradient leaves that variable and its moments untouched).
 */
export class AdamW {
  readonly config: Required<AdamWConfig>;
  private t = 0;
  private readonly m: Variable[];
  private readonly v: Variable[];

  constructor(
    private readonly vars: Variable[],
    config: AdamWConfig = {},
  ) {
    this.config = { ...WEIGHT_OPTIMISER, weightDecay: 0, ...config };
    // Created inside tidy so the zero tensors the variables copy from are released.
    this.m = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update with learning rate `lr` (defaults to the configured one). */
  step(grads: Array<Tensor | null | undefined>, lr = this.config.lr): void {
    const { beta1, beta2, eps, weightDecay } = this.config;
    this.t++;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        const g = grads[i];
        if (g === null || g === undefined) return;
        const m = this.m[i] as Variable;
        const v = this.v[i] as Variable;
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.div(m1, bc1), tf.add(tf.sqrt(tf.div(v1, bc2)), eps));
        let next = tf.sub(p, tf.mul(update, lr));
        if (weightDecay > 0) next = tf.sub(next, tf.mul(p, lr * weightDecay));
        p.assign(next);
      });
    });
  }

  /** Copies the state out (synchronous read-back). */
  getState(): AdamWState {
    return {
      t: this.t,
      m: this.m.map((x) => x.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
      v: this.v.map((x) => x.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
    };
  }

  /** Restores a state from {@link getState}; sizes must match the variables. */
  setState(s: AdamWState): void {
    if (s.m.length !== this.vars.length || s.v.length !== this.vars.length) {
      throw new IntegrityError(
        `optimiser state holds ${s.m.length} moments for ${this.vars.length} variables`,
      );
    }
    this.vars.forEach((p, i) => {
      const m = s.m[i] as Float32Array;
      const v = s.v[i] as Float32Array;
      if (m.length !== p.size || v.length !== p.size) {
        throw new IntegrityError(
          `optimiser state for variable ${i} has ${m.length} values, expected ${p.size}`,
        );
      }
      tf.tidy(() => {
        (this.m[i] as Variable).assign(tf.tensor(m, p.shape, 'float32'));
        (this.v[i] as Variable).assign(tf.tensor(v, p.shape, 'float32'));
      });
    });
    this.t = s.t;
  }

  /** Releases the moment variables (not the optimised variables). */
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

/**
 * Scales gradients so that their global L2 norm is at most `maxNorm` (like PyTorch's
 * clip_grad_norm_). Returns new tensors (the caller disposes them) and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: Array<Tensor | null | undefined>,
  maxNorm: number,
): { grads: Array<Tensor | null>; norm: number } {
  const present = grads.filter((g): g is Tensor => g !== null && g !== undefined);
  if (present.length === 0) return { grads: grads.map(() => null), norm: 0 };
  const norm = tf.tidy(
    () => tf.sqrt(tf.addN(present.map((g) => tf.sum(tf.square(g))))).dataSync()[0] as number,
  );
  const scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  return {
    grads: grads.map((g) =>
      g === null || g === undefined ? null : scale === 1 ? tf.clone(g) : tf.mul(g, scale),
    ),
    norm,
  };
}

/**
 * Cosine annealing from `baseLr` at step 0 to `minLr` at `totalSteps` (clamped after).
 */
export function cosineLr(step: number, totalSteps: number, baseLr: number, minLr = 0): number {
  if (totalSteps <= 0) return baseLr;
  const t = Math.min(Math.max(step / totalSteps, 0), 1);
  return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * t));
}
