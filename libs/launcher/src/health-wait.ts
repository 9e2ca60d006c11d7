/**
 * Waits for a gRPC server to report SERVING through the standard `grpc.health.v1` service,
 * over TLS when the service serves it.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { PreconditionError, ValidationError } from '../../core/src/index.js';
import { channelCredentials, readPem } from '../../rpc/src/tls.js';

interface HealthClient extends grpc.Client {
  check(
    req: { service: string },
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): void;
}

let healthCtor: (new (addr: string, creds: grpc.ChannelCredentials) => HealthClient) | undefined;

/**
 * Credentials to check the health of a service started with `env`: plaintext, or, when it
 * serves TLS (NASUNET_TLS_CERT), TLS trusting NASUNET_TLS_CA that checks the certificate's
 * chain but not its host name (the check dials the service's bind address, which the
 * certificate need not name) and presents the service's own certificate, for a service
 * that requires client certificates. `ValidationError` when NASUNET_TLS_CA is missing.
 */
export function healthCredentials(
  env: Readonly<Record<string, string | undefined>>,
): grpc.ChannelCredentials {
  const cert = env['NASUNET_TLS_CERT'];
  const key = env['NASUNET_TLS_KEY'];
  const ca = env['NASUNET_TLS_CA'];
  if (cert === undefined) return grpc.credentials.createInsecure();
  if (ca === undefined)
    throw new ValidationError(
      "NASUNET_TLS_CA must name the CA of the services' certificates: their health is checked over TLS",
    );
  return channelCredentials({
    ca: readPem('NASUNET_TLS_CA', ca),
    chainOnly: true,
    ...(key !== undefined
      ? { cert: readPem('NASUNET_TLS_CERT', cert), key: readPem('NASUNET_TLS_KEY', key) }
      : {}),
  });
}

function healthClient(address: string, credentials: grpc.ChannelCredentials): HealthClient {
  if (!healthCtor) {
    const def = protoLoader.loadSync(HEALTH_PROTO, { keepCase: false, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => HealthClient } } };
    };
    healthCtor = pkg.grpc.health.v1.Health;
  }
  return new healthCtor(address, credentials);
}

/** One health check: the status string (`SERVING`, `NOT_SERVING`, ...) or `UNREACHABLE`. */
export async function checkHealth(
  address: string,
  service = '',
  deadlineMs = 1000,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
): Promise<string> {
  const client = healthClient(address, credentials);
  try {
    return await new Promise<string>((resolve) => {
      client.check({ service }, { deadline: Date.now() + deadlineMs }, (err, res) =>
        resolve(err ? 'UNREACHABLE' : (res?.status ?? 'UNKNOWN')),
      );
    });
  } finally {
    client.close();
  }
}

/** Options of {@link waitForServing}. */
export interface WaitOptions {
  /** Give up after this many milliseconds; default 120000. */
  timeoutMs?: number;
  /** Milliseconds between checks; default 200. */
  intervalMs?: number;
  /** Stop early (e.g. when the process exited). */
  signal?: AbortSignal;
  /** Channel credentials (see {@link healthCredentials}); default plaintext. */
  credentials?: grpc.ChannelCredentials;
}

/** Polls `address` until its health is SERVING; throws `PreconditionError` on timeout or abort. */
export async function waitForServing(address: string, options: WaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const intervalMs = options.intervalMs ?? 200;
  const end = Date.now() + timeoutMs;
  let last = 'UNREACHABLE';
  while (Date.now() < end) {
    if (options.signal?.aborted)
      throw new PreconditionError(`${address} stopped before it was ready (health ${last})`);
    last = await checkHealth(address, '', 1000, options.credentials);
    if (last === 'SERVING') return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new PreconditionError(`${address} was not SERVING after ${timeoutMs} ms (health ${last})`);
}
