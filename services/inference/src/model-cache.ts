/**
 * Model versions the service has fetched, keyed by name and version. Every request
 * resolves its reference (alias or version) through the registry first, so that a moved
 * alias serves the new version; unchanged versions come from memory. Least recently used
 * versions are dropped. This thread keeps a version's verified manifest and its bundle
 * bytes; the segmentation workers build the network from the bundle (segmentation-pool.ts).
 */
import type { ModelRef, Model__Output, ResolvedModel } from '../../../libs/rpc/src/index.js';
import { verifyModelBundle, type BundleManifest } from '../../../libs/nas/src/index.js';
import { downloadRegistryBundle, resolvedOf, type RegistryBundle } from '../../common/src/model-loader.js';
import type { ParentCall, RegistryGateway } from '../../common/src/registry-gateway.js';

/** A fetched model version: record, verified manifest and bundle, and the reference it was resolved from. */
export interface ServedModel extends RegistryBundle {
  manifest: BundleManifest;
  resolved: ResolvedModel;
}

type Fetched = Omit<ServedModel, 'resolved'>;

export class ModelCache {
  private readonly loaded = new Map<string, Fetched>();
  private readonly loading = new Map<string, Promise<Fetched>>();

  constructor(
    private readonly registry: RegistryGateway,
    private readonly capacity: number,
  ) {}

  /** The model version `ref` names now (fetched once per version). */
  async get(ref: ModelRef, parent?: ParentCall): Promise<ServedModel> {
    const record = await this.registry.getModel(ref, parent);
    const key = `${record.name}@${record.version}`;
    const hit = this.loaded.get(key);
    if (hit) {
      this.loaded.delete(key);
      this.loaded.set(key, hit);
      return served(hit, ref);
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.fetch(record, parent);
      this.loading.set(key, pending);
    }
    try {
      const model = await pending;
      if (!this.loaded.has(key)) {
        this.loaded.set(key, model);
        while (this.loaded.size > this.capacity)
          this.loaded.delete(this.loaded.keys().next().value as string);
      }
      return served(model, ref);
    } finally {
      this.loading.delete(key);
    }
  }

  private async fetch(record: Model__Output, parent?: ParentCall): Promise<Fetched> {
    const fetched = await downloadRegistryBundle(
      this.registry,
      { name: record.name, version: record.version },
      parent,
    );
    return { ...fetched, manifest: verifyModelBundle(fetched.bundle) };
  }

  /** Drops every fetched version. */
  clear(): void {
    this.loaded.clear();
  }
}

function served(model: Fetched, ref: ModelRef): ServedModel {
  return { ...model, resolved: resolvedOf(model.record, ref.alias ?? '') };
}
