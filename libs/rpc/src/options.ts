/**
 * Where the protos live and how every server, client and test loads them. Defined once:
 * servers (Nest `options.loader`), clients and tests all use these values.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelOptions } from '@grpc/grpc-js';

/** The proto package of the public API. */
export const PROTO_PACKAGE = 'nasunet.v1';

/** Fully qualified service names, as used by health checks and reflection. */
export const SERVICE_NAMES = {
  search: 'nasunet.v1.SearchService',
  training: 'nasunet.v1.TrainingService',
  registry: 'nasunet.v1.ModelRegistryService',
  segmentation: 'nasunet.v1.SegmentationService',
} as const;

/** Short name of one of the four services. */
export type ServiceKey = keyof typeof SERVICE_NAMES;

/** Proto file of each service, relative to {@link PROTO_ROOT}. */
export const PROTO_FILES: Readonly<Record<ServiceKey, string>> = {
  search: 'nasunet/v1/search_service.proto',
  training: 'nasunet/v1/training_service.proto',
  registry: 'nasunet/v1/registry_service.proto',
  segmentation: 'nasunet/v1/inference_service.proto',
};

/** Every proto file of the API, relative to {@link PROTO_ROOT}. */
export const ALL_PROTO_FILES: readonly string[] = ['nasunet/v1/common.proto', ...Object.values(PROTO_FILES)];

function findProtoRoot(): string {
  // Works from the sources (libs/rpc/src) and from the build (dist/libs/rpc/src).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'nasunet', 'v1', 'common.proto'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('proto/nasunet/v1 not found above ' + fileURLToPath(import.meta.url));
}

/** Absolute path of the repository's `proto/` folder (the include root of every import). */
export const PROTO_ROOT: string = findProtoRoot();

/**
 * Options for `@grpc/proto-loader` (and Nest's `options.loader`): camelCase field names
 * (`keepCase: false`), 64-bit integers as decimal strings, enums as their string names,
 * defaults filled in for missing fields, and a virtual field naming the set member of
 * every oneof (e.g. `part: 'metadata'`).
 */
export const GRPC_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
} as const;

/** Largest single gRPC message accepted or sent, in bytes (16 MiB). Payloads go as chunks. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Default size of one chunk of a streamed payload, in bytes (1 MiB). */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** Default deadline of an outbound call, in milliseconds (30 s). Streams set their own. */
export const DEFAULT_DEADLINE_MS = 30_000;

/** Message size limits, set explicitly on every channel and server. */
export const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
};

/** One address given literally (an IP address or `localhost`, with or without a port). */
const LITERAL_ADDRESS =
  /^(?:dns:(?:\/\/\/)?|ipv4:|ipv6:)?(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])(?::\d+)?$/;

/**
 * Load balancing of a client of `target`: a name a DNS server may resolve to several
 * addresses (a Kubernetes headless Service resolves to each ready pod) and an explicit
 * address list spread their calls over every address (`round_robin`), each client with its
 * own connections, so that one made after a server restarted does not inherit a connection
 * still in its reconnect backoff; a single literal address keeps gRPC's default
 * (`pick_first`), which reconnects on the next call after its server restarts.
 */
export function balancingOptions(target: string): ChannelOptions {
  return LITERAL_ADDRESS.test(target)
    ? {}
    : {
        'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
        'grpc.use_local_subchannel_pool': 1,
      };
}
