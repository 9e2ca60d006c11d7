/**
 * TLS of servers and channels from PEM files: a server certificate with its key,
 * optionally a CA whose client certificates the server requires (mTLS); on the client
 * side the CA that signed the server's certificate and, for mTLS, a client certificate.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { ValidationError } from '../../core/src/index.js';

/**
 * Reads the PEM file `path` that the setting `setting` (a variable or option name) names;
 * `ValidationError` naming the setting, not the path, when it cannot be read or holds no
 * PEM block.
 */
export function readPem(setting: string, path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (e) {
    throw new ValidationError(`${setting}: the file cannot be read (${(e as NodeJS.ErrnoException).code})`);
  }
  if (!pem.includes('-----BEGIN ')) throw new ValidationError(`${setting}: the file holds no PEM data`);
  return pem;
}

/** PEM material of a TLS server. */
export interface ServerTls {
  /** Certificate chain, leaf first. */
  cert: Buffer;
  key: Buffer;
  /** When set, clients must present a certificate this CA signed (mTLS). */
  clientCa?: Buffer;
}

/** TLS server credentials, or plaintext ones without `tls`. */
export function serverCredentials(tls: ServerTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    tls.clientCa ?? null,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.clientCa !== undefined,
  );
}

/** PEM material of a TLS client. */
export interface ClientTls {
  /** CA(s) that signed the servers' certificates; the system's roots when absent. */
  ca?: Buffer;
  /** Client certificate and key, for servers that require one (mTLS). */
  cert?: Buffer;
  key?: Buffer;
  /**
   * Check the server certificate's chain only, not that it names the dialled host: for
   * a process checking the health of its own child on loopback. Default false.
   */
  chainOnly?: boolean;
}

/** TLS channel credentials. */
export function channelCredentials(tls: ClientTls): ChannelCredentials {
  return ChannelCredentials.createSsl(
    tls.ca ?? null,
    tls.key ?? null,
    tls.cert ?? null,
    tls.chainOnly ? { checkServerIdentity: () => undefined } : {},
  );
}

/** Whether binding `host` exposes a port only to this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}
