/**
 * WebGPU through the optional `webgpu` package (Dawn for Node). Only a HARDWARE adapter is
 * accepted: Dawn's fallback adapter and software Vulkan/GL drivers (lavapipe, llvmpipe,
 * SwiftShader) are slower than wasm and are refused.
 *
 * Results computed on this backend must be read with `await tensor.data()`:
 * `dataSync()` does not work in Node with WebGPU.
 */
import { tf } from './tf.js';
import { vulkanLoaderPresent } from './vulkan-loader.js';

/** Outcome of looking for a usable WebGPU device. */
export type WebGpuProbe =
  | { ok: true; gpu: GPU; device: GPUDevice; info: GPUAdapterInfo; description: string }
  | { ok: false; reason: string };

const SOFTWARE_ADAPTER = /lavapipe|llvmpipe|swiftshader|software|softpipe/i;

interface WebGpuModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/**
 * True for adapters that must never be used: Dawn's fallback adapter and CPU
 * implementations of Vulkan/GL (lavapipe, llvmpipe, softpipe, SwiftShader).
 */
export function isSoftwareAdapter(isFallbackAdapter: boolean, description: string): boolean {
  return isFallbackAdapter || SOFTWARE_ADAPTER.test(description);
}

/** Short human description of an adapter, e.g. `nvidia (ampere) NVIDIA H100`. */
export function describeAdapter(info: GPUAdapterInfo): string {
  return [info.vendor, info.architecture ? `(${info.architecture})` : '', info.device, info.description]
    .filter((s) => s !== undefined && s !== '')
    .join(' ')
    .trim();
}

/**
 * Loads `webgpu`, asks for a high-performance adapter, refuses software ones and requests a
 * device with the adapter's own storage-buffer limits (tfjs's addN of 8+ tensors and large
 * tensors need more than the WebGPU defaults). Never throws.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  if (!vulkanLoaderPresent()) {
    return { ok: false, reason: 'no Vulkan loader (libvulkan.so.1) on this machine, so no GPU for WebGPU' };
  }
  let mod: WebGpuModule;
  try {
    const name: string = 'webgpu';
    mod = (await import(name)) as WebGpuModule;
  } catch (e) {
    return { ok: false, reason: `the optional 'webgpu' package did not load (${message(e)})` };
  }
  try {
    // The WebGPU enums (GPUBufferUsage, GPUMapMode, ...) are globals in a browser; tfjs needs them.
    for (const [k, v] of Object.entries(mod.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    const gpu = mod.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { ok: false, reason: 'no WebGPU adapter (no Vulkan driver / GPU visible)' };
    // Newer Dawn exposes `adapter.info`; older WebGPU typings only `requestAdapterInfo()`.
    const withInfo = adapter as GPUAdapter & { info?: GPUAdapterInfo };
    const info = withInfo.info ?? (await adapter.requestAdapterInfo());
    const description = describeAdapter(info);
    if (isSoftwareAdapter(adapter.isFallbackAdapter, description)) {
      return {
        ok: false,
        reason: `only a software adapter was found (${description || 'fallback adapter'})`,
      };
    }
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
      },
    });
    return { ok: true, gpu, device, info, description };
  } catch (e) {
    return { ok: false, reason: `WebGPU initialisation failed (${message(e)})` };
  }
}

/**
 * Registers tfjs's WebGPU backend on `device` under the name 'webgpu'. tfjs checks for
 * `navigator.gpu` (a browser global), so `gpu` is exposed there first when it is missing.
 */
export async function registerWebGpuBackend(
  gpu: GPU,
  device: GPUDevice,
  info: GPUAdapterInfo,
): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (g.navigator.gpu === undefined) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // Importing the package may register its own factory (adapter from navigator.gpu): replace it.
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, info));
}
