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

/** Where the optimiser state lives and the update runs. */
export type OptimiserPlacement = 'auto' | 'host' | 'device';

/** Step numbers and settings one update needs, resolved by {@link AdamW}. */
interface UpdateArgs {
  lr: number;
  clipNorm: number | undefined;
  bc1: number;
  bc2: number;
}

/** One way of applying AdamW updates; holds the moments. */
interface Updater {
  update(grads: Array<Tensor | null | undefined>, present: boolean[], a: UpdateArgs): void;
  /** The same update from host gradients (a null entry leaves that variable untouched). */
  updateFromArrays(grads: Array<Float32Array | null>, a: UpdateArgs): void;
  moments(): { m: Float32Array[]; v: Float32Array[] };
  setMoments(m: Float32Array[], v: Float32Array[]): void;
  dispose(): void;
}

/**
 * Host update (wasm and cpu backends, whose tensors live in CPU memory): gradients are read
 * once, clipped with one norm and applied in one JavaScript loop per variable, and each
 * variable gets its new values in one upload. Measured on wasm for a 345-variable
 * NAS-Unet: about 9 ms per step, against about 80 ms for the same update as tensor ops.
 */
class HostUpdater implements Updater {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  constructor(
    private readonly vars: Variable[],
    private readonly cfg: Required<AdamWConfig>,
  ) {
    this.m = vars.map((x) => new Float32Array(x.size));
    this.v = vars.map((x) => new Float32Array(x.size));
  }
  update(grads: Array<Tensor | null | undefined>, present: boolean[], a: UpdateArgs): void {
    this.updateFromArrays(
      grads.map((g, i) => (present[i] ? ((g as Tensor).dataSync() as Float32Array) : null)),
      a,
    );
  }
  updateFromArrays(gs: Array<Float32Array | null>, a: UpdateArgs): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    let scale = 1;
    if (a.clipNorm !== undefined && Number.isFinite(a.clipNorm)) {
      let sq = 0;
      for (const g of gs) if (g) for (let i = 0; i < g.length; i++) sq += (g[i] as number) ** 2;
      scale = Math.min(1, a.clipNorm / (Math.sqrt(sq) + 1e-6));
    }
    const decay = 1 - a.lr * weightDecay;
    this.vars.forEach((p, k) => {
      const g = gs[k];
      if (!g) return;
      const m = this.m[k] as Float32Array;
      const v = this.v[k] as Float32Array;
      const next = Float32Array.from(p.dataSync() as Float32Array);
      for (let i = 0; i < next.length; i++) {
        const gi = (g[i] as number) * scale;
        const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
        const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        next[i] = (next[i] as number) * decay - (a.lr * (mi / a.bc1)) / (Math.sqrt(vi / a.bc2) + eps);
      }
      tf.tidy(() => p.assign(tf.tensor(next, p.shape, 'float32')));
    });
  }
  moments(): { m: Float32Array[]; v: Float32Array[] } {
    return { m: this.m.map((x) => x.slice()), v: this.v.map((x) => x.slice()) };
  }
  setMoments(m: Float32Array[], v: Float32Array[]): void {
    m.forEach((x, i) => (this.m[i] as Float32Array).set(x));
    v.forEach((x, i) => (this.v[i] as Float32Array).set(x));
  }
  dispose(): void {}
}

/**
 * Device update (GPU backends, where reading every gradient back would stall): all
 * parameters are updated as one flat buffer, the gradients and parameters concatenated,
 * clipped with one norm, updated with a dozen element-wise kernels and split back.
 */
class DeviceUpdater implements Updater {
  private readonly sizes: number[];
  private readonly m: Variable;
  private readonly v: Variable;
  /** Masks of the variables that got a gradient, by presence pattern (only when some are missing). */
  private readonly masks = new Map<string, Tensor>();
  constructor(
    private readonly vars: Variable[],
    private readonly cfg: Required<AdamWConfig>,
  ) {
    this.sizes = vars.map((x) => x.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // Created inside tidy so the zero tensors the variables copy from are released.
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }
  update(grads: Array<Tensor | null | undefined>, present: boolean[], a: UpdateArgs): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    tf.tidy(() => {
      let g = tf.concat(
        this.vars.map((p, i) => (present[i] ? tf.reshape(grads[i] as Tensor, [-1]) : tf.zeros([p.size]))),
      );
      if (a.clipNorm !== undefined && Number.isFinite(a.clipNorm)) {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        g = tf.mul(g, tf.minimum(1, tf.div(a.clipNorm, tf.add(norm, 1e-6))));
      }
      const p = tf.concat(this.vars.map((x) => tf.reshape(x, [-1])));
      let m1 = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      let v1 = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const update = tf.div(tf.mul(m1, 1 / a.bc1), tf.add(tf.sqrt(tf.mul(v1, 1 / a.bc2)), eps));
      let next = tf.sub(weightDecay > 0 ? tf.mul(p, 1 - a.lr * weightDecay) : p, tf.mul(update, a.lr));
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
  updateFromArrays(grads: Array<Float32Array | null>, a: UpdateArgs): void {
    tf.tidy(() =>
      this.update(
        grads.map((g, i) => (g ? tf.tensor(g, (this.vars[i] as Variable).shape) : null)),
        grads.map((g) => g !== null),
        a,
      ),
    );
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
  moments(): { m: Float32Array[]; v: Float32Array[] } {
    const split = (flat: Float32Array): Float32Array[] => {
      let o = 0;
      return this.sizes.map((n) => flat.slice(o, (o += n)));
    };
    return { m: split(this.m.dataSync() as Float32Array), v: split(this.v.dataSync() as Float32Array) };
  }
  setMoments(m: Float32Array[], v: Float32Array[]): void {
    const join = (parts: Float32Array[]): Float32Array => {
      const flat = new Float32Array(this.m.size);
      let o = 0;
      for (const x of parts) {
        flat.set(x, o);
        o += x.length;
      }
      return flat;
    };
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(join(m)));
      this.v.assign(tf.tensor1d(join(v)));
    });
  }
  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    for (const x of this.masks.values()) x.dispose();
    this.masks.clear();
  }
}

/**
 * AdamW over a fixed list of variables. `step(grads)` takes gradients in the same order
 * as the variables (a missing gradient leaves that variable and its moments untouched).
 * The update runs on the host for backends whose tensors live in CPU memory (wasm, cpu)
 * and as one flat-buffer tensor update elsewhere (`placement` forces either).
 */
export class AdamW {
  readonly config: Required<AdamWConfig>;
  private t = 0;
  private readonly updater: Updater;

  constructor(
    private readonly vars: Variable[],
    config: AdamWConfig = {},
    placement: OptimiserPlacement = 'auto',
  ) {
    this.config = { ...WEIGHT_OPTIMISER, weightDecay: 0, ...config };
    const host = placement === 'host' || (placement === 'auto' && ['wasm', 'cpu'].includes(tf.getBackend()));
    this.updater = host ? new HostUpdater(vars, this.config) : new DeviceUpdater(vars, this.config);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update; see {@link StepOptions}. */
  step(grads: Array<Tensor | null | undefined>, opts: StepOptions = {}): void {
    this.t++;
    const present = this.vars.map((_, i) => grads[i] !== null && grads[i] !== undefined);
    if (!present.some(Boolean)) return;
    this.updater.update(grads, present, this.updateArgs(opts));
  }

  /**
   * The same update as {@link step} from gradients held in host memory (e.g. averaged over
   * data-parallel workers), one array per variable in order; null leaves a variable untouched.
   */
  stepFromArrays(grads: Array<Float32Array | null>, opts: StepOptions = {}): void {
    if (grads.length !== this.vars.length)
      throw new IntegrityError(`${grads.length} gradients for ${this.vars.length} variables`);
    grads.forEach((g, i) => {
      const size = (this.vars[i] as Variable).size;
      if (g !== null && g.length !== size)
        throw new IntegrityError(`gradient ${i} has ${g.length} values, expected ${size}`);
    });
    this.t++;
    if (grads.some((g) => g !== null)) this.updater.updateFromArrays(grads, this.updateArgs(opts));
  }

  private updateArgs(opts: StepOptions): UpdateArgs {
    const { beta1, beta2 } = this.config;
    return {
      lr: opts.lr ?? this.config.lr,
      clipNorm: opts.clipNorm,
      bc1: 1 - beta1 ** this.t,
      bc2: 1 - beta2 ** this.t,
    };
  }

  /** Copies the state out (synchronous read-back), one moment array per variable. */
  getState(): AdamWState {
    return { t: this.t, ...this.updater.moments() };
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
    });
    this.updater.setMoments(s.m, s.v);
    this.t = s.t;
  }

  /** Releases the moments (not the optimised variables). */
  dispose(): void {
    this.updater.dispose();
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
