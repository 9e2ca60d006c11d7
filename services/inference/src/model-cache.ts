/**
 * Loaded model versions, keyed by name and version. Every request resolves its reference
 * (alias or version) through the registry first, so that a moved alias loads the new
 * version; unchanged versions come from memory. Least recently used versions are evicted.
 */
import type { ModelRef } from '../../../libs/rpc/src/index.js';
import { loadRegistryModel, resolvedOf, type LoadedModel } from '../../common/src/model-loader.js';
import type { ParentCall, RegistryGateway } from '../../common/src/registry-gateway.js';

export class ModelCache {
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly registry: RegistryGateway,
    private readonly capacity: number,
  ) {}

  /** The model version `ref` names now (loaded once per version). */
  async get(ref: ModelRef, parent?: ParentCall): Promise<LoadedModel> {
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
      pending = loadRegistryModel(this.registry, { name: record.name, version: record.version }, parent);
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

  /** Versions currently in memory (`name@version`). */
  keys(): string[] {
    return [...this.loaded.keys()];
  }

  private evict(): void {
    while (this.loaded.size > this.capacity) {
      const [oldest, model] = this.loaded.entries().next().value as [string, LoadedModel];
      this.loaded.delete(oldest);
      model.net.dispose();
    }
  }

  /** Releases every loaded network. */
  clear(): void {
    for (const m of this.loaded.values()) m.net.dispose();
    this.loaded.clear();
  }
}
