/** Finding a free TCP port for servers started by tests and by `npm start`. */
import { createServer } from 'node:net';

/**
 * Returns a TCP port that was free on `host` a moment ago (the OS picks it). Another
 * process could take it before it is bound; good enough for tests and local start-up.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
