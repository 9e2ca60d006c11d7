/**
 * Keeps the services of `npm start` running: one that exits on its own is started again
 * after a pause that doubles each time (1 s, 2 s, 4 s, ...) while the others go on
 * serving; a service that exits more than `maxRestarts` times within `windowMs` is given
 * up on, and then everything stops.
 */
import type { ServiceName } from './services.js';
import type { ServiceProcess } from './service-process.js';

/** How {@link Supervisor} restarts. */
export interface RestartPolicy {
  maxRestarts: number;
  windowMs: number;
  firstDelayMs: number;
}

/** Default: at most 5 restarts of one service within 10 minutes. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  windowMs: 10 * 60_000,
  firstDelayMs: 1000,
};

export class Supervisor {
  private readonly running = new Set<ServiceProcess>();
  private readonly exits = new Map<ServiceName, number[]>();
  private stopping = false;

  constructor(
    private readonly start: (name: ServiceName) => Promise<ServiceProcess>,
    private readonly log: (line: string) => void,
    private readonly giveUp: () => void,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** Starts `name` and watches it. */
  async launch(name: ServiceName): Promise<ServiceProcess> {
    const proc = await this.start(name);
    this.running.add(proc);
    void proc.exited.then((code) => this.onExit(proc, code));
    return proc;
  }

  /** Stops every service (the last started first); no restarts from now on. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running].reverse().map((p) => p.stop('SIGTERM')));
  }

  private async onExit(proc: ServiceProcess, code: number | string): Promise<void> {
    this.running.delete(proc);
    if (this.stopping) return;
    const now = Date.now();
    const recent = [...(this.exits.get(proc.name) ?? []).filter((t) => now - t < this.policy.windowMs), now];
    this.exits.set(proc.name, recent);
    if (recent.length > this.policy.maxRestarts) {
      this.log(
        `${proc.name} exited (${code}) ${recent.length} times within ${this.policy.windowMs / 60_000} min; stopping`,
      );
      this.giveUp();
      return;
    }
    const delay = this.policy.firstDelayMs * 2 ** (recent.length - 1);
    this.log(
      `${proc.name} exited (${code}); starting it again in ${delay / 1000} s, the others keep serving`,
    );
    await new Promise((r) => setTimeout(r, delay));
    if (this.stopping) return;
    try {
      const again = await this.launch(proc.name);
      this.log(`${proc.name} is serving again on ${again.address} (pid ${again.child.pid})`);
    } catch (err) {
      this.log(`${proc.name} did not start again: ${(err as Error).message}`);
      await this.onExit(proc, 'start-up failed');
    }
  }
}
