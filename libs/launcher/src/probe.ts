/**
 * Health probe of a service inside its container (the Kubernetes exec probe, since the
 * kubelet's own gRPC probe speaks no TLS): asks `grpc.health.v1.Health` on
 * 127.0.0.1:NASUNET_PORT with the service's own settings (over TLS when it serves TLS, see
 * `healthCredentials`), prints the status and exits 0 when SERVING, else 1.
 */
import { checkHealth, healthCredentials } from './health-wait.js';

async function main(): Promise<number> {
  const port = Number(process.env['NASUNET_PORT']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write('nasunet probe: NASUNET_PORT must be the port of the service\n');
    return 1;
  }
  const status = await checkHealth(`127.0.0.1:${port}`, '', 3000, healthCredentials(process.env));
  process.stdout.write(`${status}\n`);
  return status === 'SERVING' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`nasunet probe: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
