/**
 * Helper process of the tracing e2e test (kept outside test/ so the runner does not run it):
 * starts telemetry the way every entry point does (before gRPC loads), calls GetModel on the
 * registry at argv[2] once (a NOT_FOUND answer is expected and fine), then flushes its spans.
 */
import { startTelemetry } from '../../../libs/telemetry/src/index.js';

const telemetry = startTelemetry('trace-client');
const { createRegistryClient, unary } = await import('../../../libs/rpc/src/index.js');

const address = process.argv[2];
if (!address) throw new Error('usage: trace-client <host:port>');
const client = createRegistryClient(address);
try {
  await unary(client.getModel.bind(client), { model: { name: 'traced-model' } });
} catch (e) {
  process.stdout.write(`call ended with code ${(e as { code?: number }).code}\n`);
}
client.close();
await telemetry.shutdown();
