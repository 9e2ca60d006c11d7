/** Nest wiring of the registry: the controller, the opened registry and readiness. */
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { join, resolve } from 'node:path';
import { ServiceHealth } from '../../../libs/rpc/src/index.js';
import { DatasetRoots, ModelRegistry } from '../../../libs/registry-store/src/index.js';
import type { RegistryConfig } from './config.js';
import { RegistryController } from './registry.controller.js';

/** Reports SERVING once the store is open and migrated; closes it on shutdown. */
@Injectable()
class RegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ModelRegistry) private readonly registry: ModelRegistry,
    @Inject(ServiceHealth) private readonly health: ServiceHealth,
  ) {}

  onApplicationBootstrap(): void {
    this.health.setServing(true);
  }

  async onApplicationShutdown(): Promise<void> {
    this.health.setServing(false);
    await this.registry.close();
  }
}

/** The registry service's root module. */
@Module({})
export class RegistryModule {
  /**
   * Opens the registry: artifacts under `<NASUNET_DATA_DIR>/registry`, metadata in SQLite
   * there (NASUNET_STORE=sqlite) or in the PostgreSQL database of NASUNET_DATABASE_URL
   * (replicas), and, before serving, removes what a stopped process left (unfinished
   * uploads, blobs no record names).
   */
  static forRoot(config: RegistryConfig, health: ServiceHealth): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [RegistryController],
      providers: [
        { provide: ServiceHealth, useValue: health },
        {
          provide: ModelRegistry,
          useFactory: async () => {
            const dataDir = join(config.NASUNET_DATA_DIR, 'registry');
            const limits = {
              maxModelBytes: config.REGISTRY_MAX_MODEL_BYTES,
              maxDatasetBytes: config.REGISTRY_MAX_DATASET_BYTES,
              maxAlphaHistoryBytes: config.REGISTRY_MAX_ALPHA_HISTORY_BYTES,
            };
            // Nothing of the suite's own data (stores, caches, checkpoints) is readable this way.
            const roots = new DatasetRoots(config.NASUNET_DATASET_ROOTS, [resolve(config.NASUNET_DATA_DIR)]);
            const log = new Logger('registry');
            const registry =
              config.NASUNET_STORE === 'postgres'
                ? await ModelRegistry.openShared(config.NASUNET_DATABASE_URL!, dataDir, limits, roots, {
                    onIdleError: (err) =>
                      log.warn(`PostgreSQL connection lost (${err.message}); reconnecting`),
                  })
                : await ModelRegistry.openEmbedded(dataDir, limits, roots);
            const { staged, blobs } = await registry.collectGarbage();
            if (staged + blobs > 0)
              log.log(
                `removed ${staged} unfinished upload file(s) and ${blobs} unreferenced blob(s) left by a stopped process`,
              );
            return registry;
          },
        },
        RegistryLifecycle,
      ],
    };
  }
}
