/**
 * Typed gRPC clients of the four services, the health client, and helpers that add the
 * default deadline to every call. Calls made while handling a request should pass the
 * inbound call's deadline on (see {@link callOptions}).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO_PATH } from 'grpc-health-check';
import type { ProtoGrpcType as SearchProto } from './gen/search_service.js';
import type { ProtoGrpcType as TrainingProto } from './gen/training_service.js';
import type { ProtoGrpcType as RegistryProto } from './gen/registry_service.js';
import type { ProtoGrpcType as InferenceProto } from './gen/inference_service.js';
import type { SearchServiceClient } from './gen/nasunet/v1/SearchService.js';
import type { TrainingServiceClient } from './gen/nasunet/v1/TrainingService.js';
import type { ModelRegistryServiceClient } from './gen/nasunet/v1/ModelRegistryService.js';
import type { SegmentationServiceClient } from './gen/nasunet/v1/SegmentationService.js';
import {
  ALL_PROTO_FILES,
  CHANNEL_OPTIONS,
  DEFAULT_DEADLINE_MS,
  GRPC_LOADER_OPTIONS,
  balancingOptions,
} from './options.js';

type ApiPackage = SearchProto & TrainingProto & RegistryProto & InferenceProto;

let api: ApiPackage | undefined;

/** The loaded `nasunet.v1` package (all protos), loaded once per process. */
export function loadApi(): ApiPackage {
  if (!api) {
    const def = protoLoader.loadSync([...ALL_PROTO_FILES], {
      ...GRPC_LOADER_OPTIONS,
      includeDirs: [...GRPC_LOADER_OPTIONS.includeDirs],
    });
    api = grpc.loadPackageDefinition(def) as unknown as ApiPackage;
  }
  return api;
}

/** Options of every client factory. */
export interface ClientConfig {
  /**
   * Channel credentials; default insecure (plain TCP on localhost). TLS ones come from
   * `channelCredentials` (tls.ts).
   */
  credentials?: grpc.ChannelCredentials;
  /** Bearer token sent with every call (`authorization: Bearer <token>`), for servers that check tokens. */
  token?: string;
  /** Extra channel options, merged over the message size limits. */
  channelOptions?: grpc.ChannelOptions;
  /**
   * Deadline in milliseconds given to every unary call made without one (default 30 s).
   * Streaming calls (watch, upload, download) get none: pass `{ deadline }` per call.
   */
  defaultDeadlineMs?: number;
}

/** Interceptor that gives unary calls without a deadline one `ms` from the call's start. */
export function defaultDeadlineInterceptor(ms: number): grpc.Interceptor {
  return (options, nextCall) => {
    const def = options.method_definition;
    const unaryCall = !def.requestStream && !def.responseStream;
    return new grpc.InterceptingCall(
      nextCall(
        unaryCall && options.deadline === undefined ? { ...options, deadline: Date.now() + ms } : options,
      ),
    );
  };
}

/** Interceptor that sends `authorization: Bearer <token>` with every call. */
export function bearerTokenInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

function channelArgs(address: string, config: ClientConfig): [grpc.ChannelCredentials, grpc.ClientOptions] {
  const interceptors = [defaultDeadlineInterceptor(config.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS)];
  if (config.token !== undefined) interceptors.push(bearerTokenInterceptor(config.token));
  return [
    config.credentials ?? grpc.credentials.createInsecure(),
    { ...CHANNEL_OPTIONS, ...balancingOptions(address), ...config.channelOptions, interceptors },
  ];
}

/** Client of `nasunet.v1.SearchService` at `address` ("host:port"). */
export function createSearchClient(address: string, config: ClientConfig = {}): SearchServiceClient {
  return new (loadApi().nasunet.v1.SearchService)(address, ...channelArgs(address, config));
}

/** Client of `nasunet.v1.TrainingService` at `address` ("host:port"). */
export function createTrainingClient(address: string, config: ClientConfig = {}): TrainingServiceClient {
  return new (loadApi().nasunet.v1.TrainingService)(address, ...channelArgs(address, config));
}

/** Client of `nasunet.v1.ModelRegistryService` at `address` ("host:port"). */
export function createRegistryClient(address: string, config: ClientConfig = {}): ModelRegistryServiceClient {
  return new (loadApi().nasunet.v1.ModelRegistryService)(address, ...channelArgs(address, config));
}

/** Client of `nasunet.v1.SegmentationService` at `address` ("host:port"). */
export function createSegmentationClient(
  address: string,
  config: ClientConfig = {},
): SegmentationServiceClient {
  return new (loadApi().nasunet.v1.SegmentationService)(address, ...channelArgs(address, config));
}

/** Serving status as reported by `grpc.health.v1.Health/Check`. */
export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** Minimal typed client of `grpc.health.v1.Health`. */
export interface HealthClient extends grpc.Client {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, res?: { status: HealthStatus }) => void,
  ): grpc.ClientUnaryCall;
}

/** Client of `grpc.health.v1.Health` at `address`. */
export function createHealthClient(address: string, config: ClientConfig = {}): HealthClient {
  const def = protoLoader.loadSync(HEALTH_PROTO_PATH, {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: new (...a: unknown[]) => HealthClient } } };
  };
  return new pkg.grpc.health.v1.Health(address, ...channelArgs(address, config));
}

/**
 * Asks a server for its serving status. `service` "" = the whole server.
 * Rejects with the call's ServiceError (e.g. UNAVAILABLE while nothing listens).
 */
export function checkHealth(
  client: HealthClient,
  service = '',
  deadlineMs = DEFAULT_DEADLINE_MS,
): Promise<HealthStatus> {
  return new Promise((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + deadlineMs }, (err, res) =>
      err ? reject(err) : resolve(res?.status ?? 'UNKNOWN'),
    );
  });
}

/**
 * Call options with a deadline: `deadlineMs` from now (default 30 s), but never later
 * than the deadline of `parent` (the inbound call being served), so that deadlines flow
 * downstream.
 */
export function callOptions(
  deadlineMs: number = DEFAULT_DEADLINE_MS,
  parent?: { getDeadline(): grpc.Deadline },
): grpc.CallOptions {
  let deadline = Date.now() + deadlineMs;
  if (parent) {
    const d = parent.getDeadline();
    const parentMs = d instanceof Date ? d.getTime() : d;
    if (Number.isFinite(parentMs) && parentMs > 0) deadline = Math.min(deadline, parentMs);
  }
  return { deadline };
}

/** A unary method of a generated client, in its `(request, options, callback)` form. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, res?: Res) => void,
) => grpc.ClientUnaryCall;

/**
 * Promise wrapper of a unary call with a deadline (default 30 s).
 * @example `const res = await unary<GetModelRequest, GetModelResponse__Output>(client.getModel.bind(client), { model: { name: 'prostate', alias: 'production' } });`
 */
export function unary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  options: grpc.CallOptions = callOptions(),
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, options, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
