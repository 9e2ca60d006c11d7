/**
 * Start-up of one service process: NestJS microservice with the gRPC transport, the global
 * error filter of libs/rpc, the trace-context interceptor, shutdown hooks, and one log line
 * with the address, and the plaintext health port of the kubelet's probe when configured.
 * Telemetry is started before this module loads (see entry.ts).
 */
import 'reflect-metadata';
import { Logger, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { GrpcOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { GrpcErrorFilter, serveHealthOnly, type ServiceHealth } from '../../../libs/rpc/src/index.js';
import { TraceContextInterceptor } from './tracing.js';

/** Inputs of {@link startGrpcService}. */
export interface StartOptions {
  /** Short service name for logs, e.g. "search". */
  name: string;
  /** The root module (usually `XModule.forRoot(config)`). */
  module: DynamicModule;
  /** The service's exported options const. */
  options: GrpcOptions;
  /** Bind address `host:port`; overrides `options.options.url`. */
  url: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Health of the process, served alone on `healthPort` (NASUNET_HEALTH_PORT) when that is set. */
  health: ServiceHealth;
  /** NASUNET_HEALTH_PORT: plaintext port of the kubelet's gRPC probe; undefined = none. */
  healthPort: number | undefined;
}

const NEST_LEVELS = {
  error: ['error', 'fatal'],
  warn: ['error', 'fatal', 'warn'],
  info: ['error', 'fatal', 'warn', 'log'],
  debug: ['error', 'fatal', 'warn', 'log', 'debug'],
} as const;

/** Creates, wires and starts the microservice; resolves once it listens. */
export async function startGrpcService(opts: StartOptions): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<GrpcOptions>(opts.module, {
    ...opts.options,
    options: { ...opts.options.options, url: opts.url },
    logger: [...NEST_LEVELS[opts.logLevel]],
  });
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new TraceContextInterceptor());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  new Logger(opts.name).log(`nasunet-${opts.name} listening on ${opts.url}`);
  await serveHealthPort(app, opts.health, opts.url, opts.healthPort);
  return app;
}

/**
 * Serves the process's health alone, in plaintext, on the host of `url` and `port`
 * (NASUNET_HEALTH_PORT; nothing when undefined) for the kubelet's native gRPC probe, which
 * speaks no TLS; `app.close()` stops it too.
 */
export async function serveHealthPort(
  app: INestMicroservice,
  health: ServiceHealth,
  url: string,
  port: number | undefined,
): Promise<void> {
  if (port === undefined) return;
  const host = url.slice(0, url.lastIndexOf(':'));
  const { server } = await serveHealthOnly(health, `${host}:${port}`);
  const close = app.close.bind(app);
  app.close = async () => {
    server.forceShutdown();
    await close();
  };
  new Logger('health').log(`grpc.health.v1 alone, plaintext, on ${host}:${port}`);
}
