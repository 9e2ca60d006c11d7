/**
 * `npm start`: starts the four services locally as separate processes on fixed ports, with
 * embedded stores under one data directory, and prints their addresses.
 *
 * Environment: NASUNET_DATA_DIR (default `./.nasunet`), NASUNET_HOST (default 127.0.0.1),
 * NASUNET_<SERVICE>_PORT to move a port (e.g. NASUNET_SEARCH_PORT=6000).
 */
import { resolve } from 'node:path';
import { loadLauncherConfig, type LauncherConfig } from './config.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

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
  const running: ServiceProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    await Promise.all([...running].reverse().map((p) => p.stop('SIGTERM')));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  process.stdout.write(`nasunet: data directory ${dataDir}\n`);
  const startOne = async (name: ServiceName): Promise<void> => {
    const proc = await startServiceProcess({
      name,
      port: ports[name],
      host: cfg.NASUNET_HOST,
      dataDir,
      env: shared,
    });
    running.push(proc);
    void proc.exited.then((code) => {
      if (stopping) return;
      process.stderr.write(`nasunet: ${name} exited (${code}); stopping the others\n`);
      void stopAll(1);
    });
  };
  try {
    // The registry first (the others call it), then the rest side by side.
    await startOne('registry');
    await Promise.all(SERVICE_NAMES.filter((n) => n !== 'registry').map(startOne));
  } catch (err) {
    process.stderr.write(`nasunet: start-up failed: ${(err as Error).message}\n`);
    await stopAll(1);
  }
  process.stdout.write('nasunet: all services are ready\n');
  for (const name of SERVICE_NAMES) process.stdout.write(`  ${name.padEnd(9)} ${addr(name)}\n`);
  process.stdout.write('Press Ctrl+C to stop.\n');
}

void main();
