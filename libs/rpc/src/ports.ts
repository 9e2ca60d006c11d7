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

/**
 * Resolves when `port` can be bound on `host` now; rejects with an error naming the port
 * when another process holds it, so a start-up never mistakes someone else's server for
 * its own.
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `${host}:${port} is already in use (another nasunet instance or another program); stop it or choose another port`
            : `${host}:${port} cannot be bound: ${err.message}`,
        ),
      ),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}
