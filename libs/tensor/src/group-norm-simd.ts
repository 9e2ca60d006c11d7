/**
 * The four element passes of the fused GroupNorm kernels as WebAssembly SIMD functions
 * that work in place on the wasm backend's own memory (imported, so tensors are read and
 * written where they lie). A scalar JavaScript loop costs several times a wasm SIMD
 * element-wise kernel per element, which would eat the gain of fusing.
 *
 * Every function walks `n > 0` bytes of NHWC data four floats at a time; `j` walks the
 * per-channel vectors (`cb` bytes: C float32 values, C a multiple of 4) and wraps at the
 * end of each pixel. Arithmetic is float32; the per-channel sums are float64 (`2 * j`
 * into their arrays). The module is assembled here byte by byte (no toolchain needed),
 * compiled once and instantiated once per memory.
 *
 * - `stats(x, n, cb, ref, s1, s2)`: `v = x - ref`; `s1 += v`, `s2 += v * v`.
 * - `affine(x, y, n, cb, mhi, mlo, scale, shift)`: `y = (x - mhi - mlo) * scale + shift`.
 * - `gradSums(dy, x, n, cb, mhi, mlo, rstd, sDy, sDyXhat)`: `xhat = (x - mhi - mlo) * rstd`;
 *   `sDy += dy`, `sDyXhat += dy * xhat`.
 * - `gradInput(dy, x, dx, n, cb, mhi, mlo, cDy, cX, off)`:
 *   `dx = cDy * dy + cX * (x - mhi - mlo) + off`.
 */

/** The exported passes; every argument is a byte offset or byte count. */
export interface GroupNormPasses {
  stats(x: number, n: number, cb: number, ref: number, s1: number, s2: number): void;
  affine(
    x: number,
    y: number,
    n: number,
    cb: number,
    mhi: number,
    mlo: number,
    scale: number,
    shift: number,
  ): void;
  gradSums(
    dy: number,
    x: number,
    n: number,
    cb: number,
    mhi: number,
    mlo: number,
    rstd: number,
    sDy: number,
    sDyXhat: number,
  ): void;
  gradInput(
    dy: number,
    x: number,
    dx: number,
    n: number,
    cb: number,
    mhi: number,
    mlo: number,
    cDy: number,
    cX: number,
    off: number,
  ): void;
}

const I32 = 0x7f;
const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (the immediate of `i32.const`). */
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, 'utf8')];
}

const op = {
  get: (l: number) => [0x20, ...uleb(l)],
  set: (l: number) => [0x21, ...uleb(l)],
  tee: (l: number) => [0x22, ...uleb(l)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  eq: [0x46],
  ltU: [0x49],
  shl: [0x74],
  select: [0x1b],
  load: (offset = 0) => [0xfd, 0x00, 0x02, ...uleb(offset)],
  store: (offset = 0) => [0xfd, 0x0b, 0x02, ...uleb(offset)],
  /** Lanes 2 and 3 of an f32x4 to lanes 0 and 1 (for promoting the high half). */
  high: [0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
  promoteLow: [0xfd, 0x5f],
  f32Add: [0xfd, ...uleb(228)],
  f32Sub: [0xfd, ...uleb(229)],
  f32Mul: [0xfd, ...uleb(230)],
  f64Add: [0xfd, ...uleb(240)],
};

/** Loads the f32x4 at `base + offsetLocal`. */
function at(base: number, offsetLocal: number): number[] {
  return [...op.get(base), ...op.get(offsetLocal), ...op.add, ...op.load()];
}

/**
 * The loop all passes share: `body`, then `i += 16`, `j += 16` wrapping to 0 at `cb`,
 * repeated while `i < n`.
 */
function loop(body: number[], i: number, j: number, n: number, cb: number): number[] {
  return [
    0x03,
    0x40,
    ...body,
    ...op.get(i),
    ...op.i32(16),
    ...op.add,
    ...op.set(i),
    ...op.i32(0),
    ...op.get(j),
    ...op.i32(16),
    ...op.add,
    ...op.tee(j),
    ...op.get(j),
    ...op.get(cb),
    ...op.eq,
    ...op.select,
    ...op.set(j),
    ...op.get(i),
    ...op.get(n),
    ...op.ltU,
    0x0d,
    0x00,
    0x0b,
  ];
}

/** `sums[2j .. 2j+3] += float64(v)` for the f32x4 in local `v`; local `j2` holds `2 * j`. */
function accumulate(sums: number, j2: number, v: number): number[] {
  const addr = [...op.get(sums), ...op.get(j2), ...op.add];
  return [
    ...addr,
    ...addr,
    ...op.load(0),
    ...op.get(v),
    ...op.promoteLow,
    ...op.f64Add,
    ...op.store(0),
    ...addr,
    ...addr,
    ...op.load(16),
    ...op.get(v),
    ...op.get(v),
    ...op.high,
    ...op.promoteLow,
    ...op.f64Add,
    ...op.store(16),
  ];
}

function setJ2(j: number, j2: number): number[] {
  return [...op.get(j), ...op.i32(1), ...op.shl, ...op.set(j2)];
}

interface Fn {
  params: number;
  locals: number[];
  body: number[];
}

function statsFn(): Fn {
  const [x, n, cb, ref, s1, s2, i, j, j2, v, sq] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const body = [
    ...at(x, i),
    ...at(ref, j),
    ...op.f32Sub,
    ...op.tee(v),
    ...op.get(v),
    ...op.f32Mul,
    ...op.set(sq),
    ...setJ2(j, j2),
    ...accumulate(s1, j2, v),
    ...accumulate(s2, j2, sq),
  ];
  return { params: 6, locals: [I32, I32, I32, V128, V128], body: loop(body, i, j, n, cb) };
}

function affineFn(): Fn {
  const [x, y, n, cb, mhi, mlo, scale, shift, i, j] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const body = [
    ...op.get(y),
    ...op.get(i),
    ...op.add,
    ...at(x, i),
    ...at(mhi, j),
    ...op.f32Sub,
    ...at(mlo, j),
    ...op.f32Sub,
    ...at(scale, j),
    ...op.f32Mul,
    ...at(shift, j),
    ...op.f32Add,
    ...op.store(),
  ];
  return { params: 8, locals: [I32, I32], body: loop(body, i, j, n, cb) };
}

function gradSumsFn(): Fn {
  const [dy, x, n, cb, mhi, mlo, rstd, sDy, sDyXhat, i, j, j2, d, p] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const body = [
    ...at(dy, i),
    ...op.tee(d),
    ...at(x, i),
    ...at(mhi, j),
    ...op.f32Sub,
    ...at(mlo, j),
    ...op.f32Sub,
    ...at(rstd, j),
    ...op.f32Mul,
    ...op.f32Mul,
    ...op.set(p),
    ...setJ2(j, j2),
    ...accumulate(sDy, j2, d),
    ...accumulate(sDyXhat, j2, p),
  ];
  return { params: 9, locals: [I32, I32, I32, V128, V128], body: loop(body, i, j, n, cb) };
}

function gradInputFn(): Fn {
  const [dy, x, dx, n, cb, mhi, mlo, cDy, cX, off, i, j] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const body = [
    ...op.get(dx),
    ...op.get(i),
    ...op.add,
    ...at(dy, i),
    ...at(cDy, j),
    ...op.f32Mul,
    ...at(x, i),
    ...at(mhi, j),
    ...op.f32Sub,
    ...at(mlo, j),
    ...op.f32Sub,
    ...at(cX, j),
    ...op.f32Mul,
    ...op.f32Add,
    ...at(off, j),
    ...op.f32Add,
    ...op.store(),
  ];
  return { params: 10, locals: [I32, I32], body: loop(body, i, j, n, cb) };
}

const FUNCTIONS: Array<[keyof GroupNormPasses, Fn]> = [
  ['stats', statsFn()],
  ['affine', affineFn()],
  ['gradSums', gradSumsFn()],
  ['gradInput', gradInputFn()],
];

/** The module's bytes: one type and one function per pass, memory imported as `env.memory`. */
function moduleBytes(): Uint8Array {
  const types = FUNCTIONS.map(([, f]) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0x00]);
  const bodies = FUNCTIONS.map(([, f]) => {
    const code = [...vec(f.locals.map((t) => [1, t])), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(FUNCTIONS.map((_, k) => uleb(k)))),
    ...section(7, vec(FUNCTIONS.map(([fname], k) => [...name(fname), 0x00, ...uleb(k)]))),
    ...section(10, vec(bodies)),
  ]);
}

/** The parts of the WebAssembly API used here (the project's TypeScript libs leave it out). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

let compiled: object | undefined;
const instances = new WeakMap<WasmMemory, GroupNormPasses>();

/** The passes working on `memory` (compiled on first use, instantiated once per memory). */
export function groupNormPasses(memory: WasmMemory): GroupNormPasses {
  let passes = instances.get(memory);
  if (passes === undefined) {
    compiled ??= new WebAssembly.Module(moduleBytes());
    passes = new WebAssembly.Instance(compiled, { env: { memory } }).exports as GroupNormPasses;
    instances.set(memory, passes);
  }
  return passes;
}
