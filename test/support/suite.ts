/**
 * The services as separate processes on free ports, sharing one data directory, for the
 * end-to-end tests; each can be stopped and started again on the same port.
 */
import { startServiceProcess, type ServiceName, type ServiceProcess } from '../../libs/launcher/src/index.js';
import { freePort } from './ports.js';

/** A set of running services. */
export class Suite {
  readonly procs = new Map<ServiceName, ServiceProcess>();
  readonly ports = new Map<ServiceName, number>();
  readonly logs: string[] = [];

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** `127.0.0.1:<port>` of a service (its port is fixed on first start). */
  address(name: ServiceName): string {
    const port = this.ports.get(name);
    if (port === undefined) throw new Error(`${name} was never started`);
    return `127.0.0.1:${port}`;
  }

  /** Reserves ports for every service so that addresses are known before start-up. */
  async reserve(names: readonly ServiceName[]): Promise<void> {
    for (const n of names) if (!this.ports.has(n)) this.ports.set(n, await freePort());
  }

  /** Starts services in order and waits until each is SERVING. */
  async start(names: readonly ServiceName[], extraEnv: Record<string, string> = {}): Promise<void> {
    await this.reserve(['registry', 'search', 'training', 'inference']);
    for (const name of names) {
      const seen = this.logs.length;
      const proc = await startServiceProcess({
        name,
        port: this.ports.get(name)!,
        dataDir: this.dataDir,
        env: {
          NASUNET_BACKEND: 'cpu',
          NASUNET_REGISTRY_ADDR: this.address('registry'),
          LOG_LEVEL: 'warn',
          ...this.env,
          ...extraEnv,
        },
        onLine: (line) => {
          this.logs.push(line);
          if (process.env['NASUNET_TEST_VERBOSE']) process.stderr.write(`${line}\n`);
        },
        readyTimeoutMs: 60_000,
      }).catch((err: unknown) => {
        const tail = this.logs.slice(seen).slice(-30).join('\n');
        throw new Error(`${name} did not start: ${(err as Error).message}\n${tail}`);
      });
      this.procs.set(name, proc);
    }
  }

  /** Stops services (SIGTERM, or SIGKILL to simulate a crash). */
  async stop(names: readonly ServiceName[], signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all(
      names.map(async (n) => {
        const p = this.procs.get(n);
        this.procs.delete(n);
        if (p) await p.stop(signal);
      }),
    );
  }

  /** Stops everything. */
  async stopAll(): Promise<void> {
    await this.stop([...this.procs.keys()].reverse(), 'SIGKILL');
  }
}
