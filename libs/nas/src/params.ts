/**
 * Named, seeded parameters. Every trainable tensor of a network is a `tf.Variable` held
 * in a {@link ParamStore} under a dotted path name (`down0.edge3.conv.w`). Initial values
 * are drawn from a generator seeded by `(seed, name)`, so two networks built with the same
 * seed and configuration are identical, whatever order their parts are built in.
 */
import { tf, type Variable } from '../../tensor/src/index.js';

/** A parameter with its stable path name. */
export interface NamedVariable {
  readonly name: string;
  readonly variable: Variable;
}

/** FNV-1a hash of a string, as an unsigned 32-bit integer. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Small deterministic PRNG (mulberry32) with a Box-Muller normal sampler. Not for
 * cryptography; only for reproducible weight initialisation.
 */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal sample. */
  normal(): number {
    let u = this.uniform();
    while (u <= 1e-12) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Fills a new Float32Array with `std * N(0, 1)` samples. */
  normalArray(size: number, std: number): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = std * this.normal();
    return out;
  }
}

/** A generator derived from a base seed and a parameter name. */
export function rngFor(seed: number, name: string): SeededRandom {
  return new SeededRandom((hashString(name) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Owns the variables of one network. Names must be unique; the store keeps creation order,
 * which is the order of `list()` and of saved weight files.
 */
export class ParamStore {
  private readonly vars = new Map<string, Variable>();
  /** @param seed initialisation seed (any 32-bit integer). */
  constructor(readonly seed: number) {}

  /** A scope whose parameters are named `prefix.<name>`. */
  scope(prefix: string): ParamScope {
    return new ParamScope(this, prefix);
  }

  /** Registers a variable with the given initial values (copied). */
  add(name: string, shape: readonly number[], values: Float32Array): Variable {
    if (this.vars.has(name)) throw new Error(`parameter '${name}' is defined twice`);
    const init = tf.tensor(values, [...shape], 'float32');
    const v = tf.variable(init, true);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** Every parameter in creation order. */
  list(): NamedVariable[] {
    return [...this.vars].map(([name, variable]) => ({ name, variable }));
  }

  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** A named prefix inside a {@link ParamStore}; factories for the common initialisers. */
export class ParamScope {
  constructor(
    readonly store: ParamStore,
    readonly prefix: string,
  ) {}

  /** Child scope `prefix.name`. */
  child(name: string): ParamScope {
    return new ParamScope(this.store, this.prefix === '' ? name : `${this.prefix}.${name}`);
  }

  private full(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`;
  }

  /**
   * Conv filter `[k, k, inPerGroup, out]` (or depthwise `[k, k, C, 1]`) with He (Kaiming)
   * normal init: std = sqrt(2 / fanIn), fanIn = k * k * shape[2] for dense filters.
   * @param fanIn overrides the fan-in (depthwise filters use k * k).
   */
  he(name: string, shape: readonly number[], fanIn?: number): Variable {
    const fan = fanIn ?? sizeOf(shape.slice(0, shape.length - 1));
    const full = this.full(name);
    return this.store.add(
      full,
      shape,
      rngFor(this.store.seed, full).normalArray(sizeOf(shape), Math.sqrt(2 / fan)),
    );
  }

  /** Dense weight `[in, out]`, Glorot-uniform-like normal init std = sqrt(1 / in). */
  dense(name: string, inputs: number, outputs: number): Variable {
    const full = this.full(name);
    return this.store.add(
      full,
      [inputs, outputs],
      rngFor(this.store.seed, full).normalArray(inputs * outputs, Math.sqrt(1 / inputs)),
    );
  }

  /** Constant-filled parameter. */
  constant(name: string, shape: readonly number[], value: number): Variable {
    return this.store.add(this.full(name), shape, new Float32Array(sizeOf(shape)).fill(value));
  }

  /** `std * N(0, 1)` parameter (alphas use std 1e-3). */
  normal(name: string, shape: readonly number[], std: number): Variable {
    const full = this.full(name);
    return this.store.add(full, shape, rngFor(this.store.seed, full).normalArray(sizeOf(shape), std));
  }
}
