/**
 * Waits for a gRPC server to report SERVING through the standard `grpc.health.v1` service.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { PreconditionError } from '../../core/src/index.js';

interface HealthClient extends grpc.Client {
  check(
    req: { service: string },
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): void;
}

let healthCtor: (new (addr: string, creds: grpc.ChannelCredentials) => HealthClient) | undefined;

function healthClient(address: string): HealthClient {
  if (!healthCtor) {
    const def = protoLoader.loadSync(HEALTH_PROTO, { keepCase: false, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => HealthClient } } };
    };
    healthCtor = pkg.grpc.health.v1.Health;
  }
  return new healthCtor(address, grpc.credentials.createInsecure());
}

/** One health check: the status string (`SERVING`, `NOT_SERVING`, ...) or `UNREACHABLE`. */
export async function checkHealth(address: string, service = '', deadlineMs = 1000): Promise<string> {
  const client = healthClient(address);
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
    last = await checkHealth(address);
    if (last === 'SERVING') return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new PreconditionError(`${address} was not SERVING after ${timeoutMs} ms (health ${last})`);
}
