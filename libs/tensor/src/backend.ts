/**
 * Chooses, prepares and checks the TensorFlow.js backend (NASUNET_BACKEND =
 * auto|tensorflow|webgpu|wasm|cpu). Call `initBackend` once before any tensor work; it
 * registers our gradient kernels (gradients.ts) and wasm kernels (wasm-kernels.ts,
 * group-norm-kernels.ts), selects the backend, runs a gradient
 * self-check against `cpu` (self-check.ts) and logs one line saying what was chosen and why.
 *
 * On `webgpu`, read results with `await tensor.data()` (`dataSync()` fails in Node).
 */
import { BackendError, ValidationError } from '../../core/src/errors.js';
import { tf } from './tf.js';
import { registerGradients } from './gradients.js';
import { registerWasmKernels } from './wasm-kernels.js';
import { registerGroupNormKernels } from './group-norm-kernels.js';
import { registerBlasKernels } from './blas-kernels.js';
import { runSelfCheck } from './self-check.js';
import { probeWebGpu, registerWebGpuBackend } from './webgpu.js';

/** Accepted values of the `backend` option and of `NASUNET_BACKEND`. */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The backend in use after {@link initBackend}. */
export interface BackendInfo {
  /** The backend actually in use. */
  name: Exclude<BackendName, 'auto'>;
  /** Why it was chosen, for the one start-up log line. */
  reason: string;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Backend to use; default: env `NASUNET_BACKEND`, else `auto`. */
  backend?: BackendName;
  /** Receives the one start-up line; default: written to stderr. */
  logger?: (msg: string) => void;
}

/** Packages that provide the native `tensorflow` backend, most capable first. */
export const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const prepared = new Map<BackendName, Promise<BackendInfo>>();
const checked = new Set<string>();

/** Parses a backend name from an option or environment variable; throws ValidationError naming `field`. */
export function parseBackendName(value: unknown, field: string): BackendName {
  if (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value))
    return value as BackendName;
  throw new ValidationError(
    `${field}: expected one of ${BACKEND_NAMES.join(', ')} (got ${JSON.stringify(value)})`,
  );
}

function requestedBackend(opt: BackendName | undefined): { name: BackendName; source: string } {
  if (opt !== undefined) return { name: parseBackendName(opt, 'backend'), source: 'requested' };
  const env = process.env['NASUNET_BACKEND'];
  if (env !== undefined && env !== '')
    return { name: parseBackendName(env, 'NASUNET_BACKEND'), source: 'NASUNET_BACKEND' };
  return { name: 'auto', source: 'default' };
}

/**
 * Selects and prepares the compute backend. `auto` picks `tensorflow` when
 * `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` can be imported, else `webgpu`
 * when the optional `webgpu` package finds a hardware adapter, else `wasm`. An explicitly
 * requested backend that cannot be used throws {@link BackendError} with the reason, as
 * does a failed gradient self-check. A second call with the same choice returns the
 * cached result (re-selecting that backend if another one was selected meanwhile).
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const { name, source } = requestedBackend(opts.backend);
  const logger = opts.logger ?? ((msg: string) => void process.stderr.write(`${msg}\n`));
  let pending = prepared.get(name);
  if (pending === undefined) {
    pending = prepare(name, source, logger);
    prepared.set(name, pending);
    pending.catch(() => prepared.delete(name));
  }
  const info = await pending;
  if (tf.getBackend() !== info.name) await activate(info.name);
  return info;
}

async function prepare(
  name: BackendName,
  source: string,
  logger: (msg: string) => void,
): Promise<BackendInfo> {
  registerGradients();
  registerWasmKernels();
  registerGroupNormKernels();
  const blas = registerBlasKernels();
  const info = await choose(name, source);
  await activate(info.name);
  if (!checked.has(info.name)) {
    let note = 'no self-check (cpu is the reference)';
    if (info.name !== 'cpu') {
      const t0 = performance.now();
      await runSelfCheck();
      note = `gradient self-check against cpu passed in ${Math.round(performance.now() - t0)} ms`;
    }
    checked.add(info.name);
    if (info.name === 'wasm') note = `${note}; ${blas}`;
    logger(`compute backend: ${info.name} (${info.reason}; ${note})`);
  }
  return info;
}

async function choose(name: BackendName, source: string): Promise<BackendInfo> {
  switch (name) {
    case 'cpu':
    case 'wasm':
      return { name, reason: `${source}` };
    case 'tensorflow': {
      const r = await loadTensorflow();
      if (!r.ok) throw new BackendError(`backend 'tensorflow' (${source}) is unavailable: ${r.reason}`);
      return { name, reason: `${source}; ${r.reason}` };
    }
    case 'webgpu': {
      const r = await loadWebGpu();
      if (!r.ok) throw new BackendError(`backend 'webgpu' (${source}) is unavailable: ${r.reason}`);
      return { name, reason: `${source}; ${r.reason}` };
    }
    case 'auto': {
      const t = await loadTensorflow();
      if (t.ok) return { name: 'tensorflow', reason: `auto: ${t.reason}` };
      const w = await loadWebGpu();
      if (w.ok) return { name: 'webgpu', reason: `auto: ${t.reason}; ${w.reason}` };
      return { name: 'wasm', reason: `auto: ${t.reason}; webgpu: ${w.reason}` };
    }
  }
}

type Availability = { ok: boolean; reason: string };

async function loadTensorflow(): Promise<Availability> {
  const why: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      const specifier: string = pkg;
      await import(specifier);
    } catch (e) {
      const code = (e as { code?: string }).code;
      why.push(
        code === 'ERR_MODULE_NOT_FOUND' ? `${pkg} not installed` : `${pkg} failed to load (${firstLine(e)})`,
      );
      continue;
    }
    if (tf.findBackendFactory('tensorflow') === null) {
      why.push(
        `${pkg} loaded but registered with another copy of @tensorflow/tfjs-core (versions must match)`,
      );
      continue;
    }
    return { ok: true, reason: `${pkg} loaded` };
  }
  return { ok: false, reason: why.join(', ') };
}

let webGpuRegistered: Availability | undefined;

async function loadWebGpu(): Promise<Availability> {
  if (webGpuRegistered !== undefined) return webGpuRegistered;
  const probe = await probeWebGpu();
  if (!probe.ok) return { ok: false, reason: probe.reason };
  await registerWebGpuBackend(probe.gpu, probe.device, probe.info);
  webGpuRegistered = { ok: true, reason: `hardware WebGPU adapter: ${probe.description || 'unnamed'}` };
  return webGpuRegistered;
}

async function activate(name: string): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new BackendError(`backend '${name}' failed to initialise: ${firstLine(e)}`, { cause: e });
  }
  if (!ok) throw new BackendError(`backend '${name}' failed to initialise (see the tfjs message above)`);
  await tf.ready();
  silenceCpuBanner();
}

/** The cpu backend prints a "use tfjs-node" banner on first use; the start-up line replaces it. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && cpu.firstUse === true) cpu.firstUse = false;
}

function firstLine(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/**
 * Memory one process can give a run on the active backend: the wasm heap is 4 GiB at
 * most, of which 3.5 GiB are left for tensors; other backends have no fixed cap here.
 */
export function backendMemoryLimitBytes(): number {
  return tf.getBackend() === 'wasm' ? 3.5 * 2 ** 30 : Infinity;
}
