/**
 * `npm start`: starts the four services locally as separate processes on fixed ports, with
 * embedded stores under one data directory, and prints their addresses and process ids; a
 * service that exits on its own is started again while the others keep serving
 * (supervisor.ts).
 *
 * Environment: NASUNET_DATA_DIR (default `./.nasunet`), NASUNET_HOST (default 127.0.0.1),
 * NASUNET_<SERVICE>_PORT to move a port (e.g. NASUNET_SEARCH_PORT=6000).
 */
import { resolve } from 'node:path';
import { loadLauncherConfig, type LauncherConfig } from './config.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';
import { startServiceProcess } from './service-process.js';
import { Supervisor } from './supervisor.js';

async function main(): Promise<void> {
  let cfg: LauncherConfig;
  try {
    cfg = loadLauncherConfig();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const dataDir = resolve(cfg.NASUNET_DATA_DIR);
  const ports: Record<ServiceName, number> = {
    registry: cfg.NASUNET_REGISTRY_PORT,
    search: cfg.NASUNET_SEARCH_PORT,
    training: cfg.NASUNET_TRAINING_PORT,
    inference: cfg.NASUNET_INFERENCE_PORT,
  };
  const addr = (s: ServiceName): string => `${cfg.NASUNET_HOST}:${ports[s]}`;
  const shared = { NASUNET_REGISTRY_ADDR: addr('registry') };
  const log = (line: string): void => void process.stderr.write(`nasunet: ${line}\n`);
  const supervisor = new Supervisor(
    (name) => startServiceProcess({ name, port: ports[name], host: cfg.NASUNET_HOST, dataDir, env: shared }),
    log,
    () => void stopAll(1),
  );
  const stopAll = async (code: number): Promise<never> => {
    await supervisor.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  process.stdout.write(`nasunet: data directory ${dataDir}\n`);
  const pids = new Map<ServiceName, number | undefined>();
  const startOne = async (name: ServiceName): Promise<void> => {
    pids.set(name, (await supervisor.launch(name)).child.pid);
  };
  try {
    // The registry first (the others call it), then the rest side by side.
    await startOne('registry');
    await Promise.all(SERVICE_NAMES.filter((n) => n !== 'registry').map(startOne));
  } catch (err) {
    log(`start-up failed: ${(err as Error).message}`);
    await stopAll(1);
  }
  process.stdout.write('nasunet: all services are ready\n');
  for (const name of SERVICE_NAMES)
    process.stdout.write(`  ${name.padEnd(9)} ${addr(name)} (pid ${pids.get(name)})\n`);
  process.stdout.write('Press Ctrl+C to stop.\n');
}

void main();
