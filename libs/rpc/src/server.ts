/**
 * Builds the Nest gRPC microservice options of a service: our protos and loader options,
 * explicit message size limits, `grpc.health.v1.Health` plus server reflection added to
 * the same grpc-js server, its transport credentials (TLS or plaintext) and the access
 * interceptor that checks every call's token (access.ts).
 *
 * Nest's gRPC transport has no API to add extra services; its `onLoadPackageDefinition(pkg,
 * server)` hook runs after the grpc-js `Server` is created and before it starts, which is
 * where health and reflection are registered.
 */
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import type { PackageDefinition } from '@grpc/proto-loader';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { accessInterceptor, type TokenTable } from './access.js';
import {
  CHANNEL_OPTIONS,
  GRPC_LOADER_OPTIONS,
  MAX_MESSAGE_BYTES,
  PROTO_FILES,
  PROTO_PACKAGE,
  SERVICE_NAMES,
  type ServiceKey,
} from './options.js';

/**
 * Health of one service process. Reports NOT_SERVING for the whole server ("") and for
 * each named service until {@link ServiceHealth.setServing} is called with `true`.
 */
export class ServiceHealth {
  /** The grpc-health-check implementation added to the server. */
  readonly implementation: HealthImplementation;
  private readonly names: string[];

  /** @param services the services this process serves (short keys). */
  constructor(services: readonly ServiceKey[]) {
    this.names = ['', ...services.map((s) => SERVICE_NAMES[s])];
    const initial: Record<string, ServingStatus> = {};
    for (const n of this.names) initial[n] = 'NOT_SERVING';
    this.implementation = new HealthImplementation(initial);
  }

  /** Flips readiness of every service of this process (and the server as a whole). */
  setServing(serving: boolean): void {
    for (const n of this.names) this.implementation.setStatus(n, serving ? 'SERVING' : 'NOT_SERVING');
  }
}

/** How a server admits callers. */
export interface ServerSecurity {
  /** TLS (optionally requiring client certificates) or plaintext; see tls.ts. */
  credentials: ServerCredentials;
  /** Accepted bearer tokens; absent = no token checks (every caller is anonymous). */
  tokens?: TokenTable;
}

/** Inputs of {@link grpcServerOptions}. */
export interface GrpcServerConfig {
  /** Services whose protos are loaded and whose handlers Nest binds. */
  services: readonly ServiceKey[];
  /** Bind address, e.g. "0.0.0.0:50051" or "127.0.0.1:0"; default "0.0.0.0:50051". */
  url?: string;
  /** Health of this process; added as `grpc.health.v1.Health`. */
  health: ServiceHealth;
  /** Largest message in bytes; default {@link MAX_MESSAGE_BYTES}. */
  maxMessageBytes?: number;
  /** Add server reflection (default true); with tokens it answers only callers with a known token. */
  reflection?: boolean;
  /** Credentials and tokens; default plaintext without token checks (local use on loopback). */
  security?: ServerSecurity;
}

/**
 * Nest microservice options for a gRPC service of this API:
 * `NestFactory.createMicroservice(AppModule, grpcServerOptions({...}))`.
 */
export function grpcServerOptions(config: GrpcServerConfig): GrpcOptions {
  const limit = config.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  return {
    transport: Transport.GRPC,
    options: {
      url: config.url ?? '0.0.0.0:50051',
      package: PROTO_PACKAGE,
      protoPath: config.services.map((s) => PROTO_FILES[s]),
      loader: { ...GRPC_LOADER_OPTIONS, includeDirs: [...GRPC_LOADER_OPTIONS.includeDirs] },
      maxSendMessageLength: limit,
      maxReceiveMessageLength: limit,
      channelOptions: {
        ...CHANNEL_OPTIONS,
        'grpc.max_send_message_length': limit,
        'grpc.max_receive_message_length': limit,
        // Nest passes these to the grpc-js Server: the one access check of every call.
        interceptors: [accessInterceptor(config.security?.tokens)],
      },
      ...(config.security ? { credentials: config.security.credentials } : {}),
      gracefulShutdown: false,
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Server) => {
        config.health.implementation.addToServer(server);
        if (config.reflection !== false) new ReflectionService(pkg).addToServer(server);
      },
    },
  };
}

/**
 * Serves `health` alone, in plaintext, on `address` (`host:port`, port 0 = any free one): the
 * port of the kubelet's native gRPC probe, which speaks no TLS. It answers
 * `grpc.health.v1.Health` with the same statuses as the service port and nothing else (every
 * other method is UNIMPLEMENTED), so it needs neither TLS nor tokens. Resolves once bound with
 * the server (`forceShutdown()` stops it) and its port.
 */
export async function serveHealthOnly(
  health: ServiceHealth,
  address: string,
): Promise<{ server: Server; port: number }> {
  const server = new Server();
  health.implementation.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return { server, port };
}
