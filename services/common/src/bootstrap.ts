/**
 * Start-up of one service process: NestJS microservice with the gRPC transport, the global
 * error filter of libs/rpc, shutdown hooks, and one log line with the address.
 */
import 'reflect-metadata';
import { Logger, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { GrpcOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { GrpcErrorFilter } from '../../../libs/rpc/src/index.js';
import { TraceContextInterceptor, startTracing, stopTracing } from './tracing.js';

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
}

const NEST_LEVELS = {
  error: ['error', 'fatal'],
  warn: ['error', 'fatal', 'warn'],
  info: ['error', 'fatal', 'warn', 'log'],
  debug: ['error', 'fatal', 'warn', 'log', 'debug'],
} as const;

/** Creates, wires and starts the microservice; resolves once it listens. */
export async function startGrpcService(opts: StartOptions): Promise<INestMicroservice> {
  startTracing(`nasunet-${opts.name}`);
  const app = await NestFactory.createMicroservice<GrpcOptions>(opts.module, {
    ...opts.options,
    options: { ...opts.options.options, url: opts.url },
    logger: [...NEST_LEVELS[opts.logLevel]],
  });
  app.useGlobalFilters(new GrpcErrorFilter());
  app.useGlobalInterceptors(new TraceContextInterceptor());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  process.once('beforeExit', () => void stopTracing());
  await app.listen();
  new Logger(opts.name).log(`nasunet-${opts.name} listening on ${opts.url}`);
  return app;
}

/** Runs `main` and exits with status 1 and one clear line when start-up fails. */
export function runMain(name: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    process.stderr.write(
      `nasunet-${name}: start-up failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
