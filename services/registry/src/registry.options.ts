/** The registry's transport options and app factory, shared by main.ts and the e2e tests. */
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { GrpcOptions } from '@nestjs/microservices';
import { GrpcErrorFilter, ServiceHealth, grpcServerOptions } from '../../../libs/rpc/src/index.js';
import { initBackend } from '../../../libs/tensor/src/index.js';
import { serverSecurity } from '../../common/src/security.js';
import type { RegistryConfig } from './config.js';
import { RegistryModule } from './registry.module.js';

/**
 * gRPC options of the registry: its proto, limits, health and reflection, TLS and tokens
 * (`ValidationError` for a configuration {@link serverSecurity} refuses).
 */
export const registryGrpcOptions = (config: RegistryConfig, health: ServiceHealth): GrpcOptions =>
  grpcServerOptions({
    services: ['registry'],
    url: `${config.NASUNET_HOST}:${config.NASUNET_PORT}`,
    health,
    maxMessageBytes: config.GRPC_MAX_MESSAGE_BYTES,
    security: serverSecurity(config),
  });

/**
 * Creates the registry microservice (not yet listening) with the global error filter, after
 * selecting the compute backend on which uploaded model bundles are test-loaded.
 */
export async function createRegistryApp(
  config: RegistryConfig,
  options: { logger?: false } = {},
): Promise<{ app: INestMicroservice; health: ServiceHealth }> {
  await initBackend({ backend: config.NASUNET_BACKEND });
  const health = new ServiceHealth(['registry']);
  const app = await NestFactory.createMicroservice<GrpcOptions>(RegistryModule.forRoot(config, health), {
    ...registryGrpcOptions(config, health),
    ...(options.logger === false ? { logger: false } : {}),
  });
  app.useGlobalFilters(new GrpcErrorFilter());
  return { app, health };
}
