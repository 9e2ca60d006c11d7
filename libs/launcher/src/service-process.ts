/**
 * Starts one service as a child process and supervises it: used by `npm start` and by the
 * end-to-end tests (real processes, real sockets).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROCESS_ENV, serviceEntry, type ServiceName } from './services.js';
import { healthCredentials, waitForServing, type WaitOptions } from './health-wait.js';
import { assertPortFree } from '../../rpc/src/ports.js';

/** How to start one service. */
export interface ServiceProcessOptions {
  name: ServiceName;
  /** TCP port to listen on (127.0.0.1 unless `host` says otherwise). */
  port: number;
  host?: string;
  /** Folder of the embedded stores; each service uses its own subfolder. */
  dataDir: string;
  /** Extra environment (addresses of the other services, OTEL_*, limits). */
  env?: Record<string, string>;
  /** Receives every output line of the child, already prefixed with the service name. */
  onLine?: (line: string) => void;
  /** Readiness timeout in milliseconds; default 120000. */
  readyTimeoutMs?: number;
}

/** A running service. */
export interface ServiceProcess {
  readonly name: ServiceName;
  /** `host:port` to dial. */
  readonly address: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Spawns `node dist/services/<name>/src/main.js` and resolves once its health is SERVING. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const host = options.host ?? '127.0.0.1';
  const address = `${host}:${options.port}`;
  await assertPortFree(host, options.port);
  const env = {
    ...PROCESS_ENV[options.name],
    ...process.env,
    NASUNET_HOST: host,
    NASUNET_PORT: String(options.port),
    // The registry reads its own variable names.
    REGISTRY_HOST: host,
    REGISTRY_PORT: String(options.port),
    NASUNET_DATA_DIR: options.dataDir,
    OTEL_SERVICE_NAME: `nasunet-${options.name}`,
    ...options.env,
  };
  // Over TLS when the service serves it; a TLS setting missing for the check fails here, before the spawn.
  const credentials = healthCredentials(env);
  const child = spawn(process.execPath, [serviceEntry(options.name)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = options.onLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => onLine(`[${options.name}] ${line}`));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const gone = new AbortController();
  void exited.then(() => gone.abort());
  const proc: ServiceProcess = {
    name: options.name,
    address,
    child,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    const wait: WaitOptions = { signal: gone.signal, credentials };
    if (options.readyTimeoutMs !== undefined) wait.timeoutMs = options.readyTimeoutMs;
    await waitForServing(address, wait);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  return proc;
}
