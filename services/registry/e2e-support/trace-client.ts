/**
 * Helper process of the tracing e2e test (kept outside test/ so the runner does not run it): calls GetModel on the registry at argv[2] once (a NOT_FOUND answer
 * is expected and fine), then flushes its spans. Start it with telemetry preloaded.
 */
import { createRegistryClient, unary } from '../../../libs/rpc/src/index.js';
import { telemetryHandle } from '../../../libs/telemetry/src/index.js';

const address = process.argv[2];
if (!address) throw new Error('usage: trace-client <host:port>');
const client = createRegistryClient(address);
try {
  await unary(client.getModel.bind(client), { model: { name: 'traced-model' } });
} catch (e) {
  process.stdout.write(`call ended with code ${(e as { code?: number }).code}\n`);
}
client.close();
await telemetryHandle()?.shutdown();
