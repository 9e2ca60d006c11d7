/**
 * Loaded model versions, keyed by name and version. Every request resolves its reference
 * (alias or version) through the registry first, so that a moved alias loads the new
 * version; unchanged versions come from memory. Least recently used versions are evicted.
 * Each loaded version is ready on the configured inference runtime (tfjs or ONNX Runtime).
 */
import type { ModelRef } from '../../../libs/rpc/src/index.js';
import { tf } from '../../../libs/tensor/src/index.js';
import {
  createServingModel,
  resolveRuntime,
  type RuntimeChoice,
  type ServingModel,
} from '../../../libs/onnx/src/index.js';
import { loadRegistryModel, resolvedOf, type LoadedModel } from '../../common/src/model-loader.js';
import type { ParentCall, RegistryGateway } from '../../common/src/registry-gateway.js';

/** A loaded model version with the runtime that computes its forward passes. */
export interface ServedModel extends LoadedModel {
  serving: ServingModel;
}

/** How loaded versions run. */
export interface RuntimeSettings {
  choice: RuntimeChoice;
  /** ONNX Runtime intra-op threads (0 = one per core). */
  threads: number;
}

export class ModelCache {
  private readonly loaded = new Map<string, ServedModel>();
  private readonly loading = new Map<string, Promise<ServedModel>>();

  constructor(
    private readonly registry: RegistryGateway,
    private readonly capacity: number,
    private readonly runtime: RuntimeSettings = { choice: 'tfjs', threads: 0 },
  ) {}

  /** The model version `ref` names now (loaded once per version). */
  async get(ref: ModelRef, parent?: ParentCall): Promise<ServedModel> {
    const record = await this.registry.getModel(ref, parent);
    const key = `${record.name}@${record.version}`;
    const hit = this.loaded.get(key);
    if (hit) {
      this.loaded.delete(key);
      this.loaded.set(key, hit);
      return { ...hit, resolved: resolvedOf(hit.record, ref.alias ?? '') };
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load({ name: record.name, version: record.version }, parent);
      this.loading.set(key, pending);
    }
    try {
      const model = await pending;
      if (!this.loaded.has(key)) {
        this.loaded.set(key, model);
        this.evict();
      }
      return { ...model, resolved: resolvedOf(model.record, ref.alias ?? '') };
    } finally {
      this.loading.delete(key);
    }
  }

  private async load(ref: ModelRef, parent?: ParentCall): Promise<ServedModel> {
    const model = await loadRegistryModel(this.registry, ref, parent);
    try {
      const runtime = resolveRuntime(this.runtime.choice, tf.getBackend(), model.manifest.architecture.key);
      return { ...model, serving: await createServingModel(runtime, model, this.runtime.threads) };
    } catch (err) {
      model.net.dispose();
      throw err;
    }
  }

  /** Versions currently in memory (`name@version`). */
  keys(): string[] {
    return [...this.loaded.keys()];
  }

  private evict(): void {
    while (this.loaded.size > this.capacity) {
      const [oldest, model] = this.loaded.entries().next().value as [string, ServedModel];
      this.loaded.delete(oldest);
      release(model);
    }
  }

  /** Releases every loaded network. */
  clear(): void {
    for (const m of this.loaded.values()) release(m);
    this.loaded.clear();
  }
}

function release(model: ServedModel): void {
  model.net.dispose();
  void model.serving.dispose();
}
