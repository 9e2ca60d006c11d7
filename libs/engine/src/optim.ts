/**
 * AdamW written as plain tf ops on Variables, with optional global gradient-norm clipping,
 * and a cosine learning-rate schedule. The optimiser state (step count, first and second moments) can
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

/** Settings of one {@link AdamW.step}. */
export interface StepOptions {
  /** Learning rate of this step [the configured one]. */
  lr?: number;
  /**
   * Clip the gradients to this global L2 norm first, like PyTorch's `clip_grad_norm_`
   * (scale `maxNorm / (norm + 1e-6)` when the norm exceeds it) [no clipping].
   */
  clipNorm?: number;
}

/**
 * AdamW over a fixed list of variables. `step(grads)` takes gradients in the same order
 * as the variables (a missing gradient leaves that variable and its moments untouched).
 *
 * All parameters are updated as one flat buffer: the gradients and parameters are
 * concatenated, clipped with one norm, updated with a dozen element-wise kernels and split
 * back, so a step costs the same few kernels whether the net has 40 variables or 400.
 */
export class AdamW {
  readonly config: Required<AdamWConfig>;
  private t = 0;
  private readonly sizes: number[];
  /** First and second moments of all variables, concatenated in variable order. */
  private readonly m: Variable;
  private readonly v: Variable;
  /** Masks of the variables that got a gradient, by presence pattern (only when some are missing). */
  private readonly masks = new Map<string, Tensor>();

  constructor(
    private readonly vars: Variable[],
    config: AdamWConfig = {},
  ) {
    this.config = { ...WEIGHT_OPTIMISER, weightDecay: 0, ...config };
    this.sizes = vars.map((x) => x.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // Created inside tidy so the zero tensors the variables copy from are released.
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update; see {@link StepOptions}. */
  step(grads: Array<Tensor | null | undefined>, opts: StepOptions = {}): void {
    const { beta1, beta2, eps, weightDecay } = this.config;
    const lr = opts.lr ?? this.config.lr;
    this.t++;
    const present = this.vars.map((_, i) => grads[i] !== null && grads[i] !== undefined);
    if (!present.some(Boolean) || this.vars.length === 0) return;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      let g = tf.concat(
        this.vars.map((p, i) => {
          const gi = grads[i];
          return gi === null || gi === undefined ? tf.zeros([p.size]) : tf.reshape(gi, [-1]);
        }),
      );
      if (opts.clipNorm !== undefined && Number.isFinite(opts.clipNorm)) {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        g = tf.mul(g, tf.minimum(1, tf.div(opts.clipNorm, tf.add(norm, 1e-6))));
      }
      const p = tf.concat(this.vars.map((x) => tf.reshape(x, [-1])));
      let m1 = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      let v1 = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const update = tf.div(tf.mul(m1, 1 / bc1), tf.add(tf.sqrt(tf.mul(v1, 1 / bc2)), eps));
      let next = tf.sub(weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p, tf.mul(update, lr));
      if (!present.every(Boolean)) {
        const mask = this.maskFor(present);
        m1 = tf.where(mask, m1, this.m);
        v1 = tf.where(mask, v1, this.v);
        next = tf.where(mask, next, p);
      }
      this.m.assign(m1);
      this.v.assign(v1);
      const parts = tf.split(next, this.sizes);
      this.vars.forEach((x, i) => {
        if (present[i]) x.assign(tf.reshape(parts[i] as Tensor, x.shape));
      });
    });
  }

  private maskFor(present: boolean[]): Tensor {
    const key = present.map((b) => (b ? '1' : '0')).join('');
    let mask = this.masks.get(key);
    if (!mask) {
      const flat = new Uint8Array(this.m.size);
      let o = 0;
      this.sizes.forEach((n, i) => {
        if (present[i]) flat.fill(1, o, o + n);
        o += n;
      });
      mask = tf.keep(tf.tensor1d(flat, 'bool'));
      this.masks.set(key, mask);
    }
    return mask;
  }

  /** Copies the state out (synchronous read-back), one moment array per variable. */
  getState(): AdamWState {
    const split = (flat: Float32Array): Float32Array[] => {
      let o = 0;
      return this.sizes.map((n) => flat.slice(o, (o += n)));
    };
    return {
      t: this.t,
      m: split(this.m.dataSync() as Float32Array),
      v: split(this.v.dataSync() as Float32Array),
    };
  }

  /** Restores a state from {@link getState}; sizes must match the variables. */
  setState(s: AdamWState): void {
    if (s.m.length !== this.vars.length || s.v.length !== this.vars.length) {
      throw new IntegrityError(
        `optimiser state holds ${s.m.length} moments for ${this.vars.length} variables`,
      );
    }
    const flatM = new Float32Array(this.m.size);
    const flatV = new Float32Array(this.v.size);
    let o = 0;
    this.vars.forEach((p, i) => {
      const m = s.m[i] as Float32Array;
      const v = s.v[i] as Float32Array;
      if (m.length !== p.size || v.length !== p.size) {
        throw new IntegrityError(
          `optimiser state for variable ${i} has ${m.length} values, expected ${p.size}`,
        );
      }
      flatM.set(m, o);
      flatV.set(v, o);
      o += p.size;
    });
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(flatM));
      this.v.assign(tf.tensor1d(flatV));
    });
    this.t = s.t;
  }

  /** Releases the moments and masks (not the optimised variables). */
  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    for (const x of this.masks.values()) x.dispose();
    this.masks.clear();
  }
}

/**
 * Cosine annealing from `baseLr` at step 0 to `minLr` at `totalSteps` (clamped after).
 */
export function cosineLr(step: number, totalSteps: number, baseLr: number, minLr = 0): number {
  if (totalSteps <= 0) return baseLr;
  const t = Math.min(Math.max(step / totalSteps, 0), 1);
  return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * t));
}
