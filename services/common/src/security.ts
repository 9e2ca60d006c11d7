/**
 * TLS and tokens of a service, from its validated configuration: how its server admits
 * callers (a non-loopback bind without TLS and tokens is refused unless
 * NASUNET_INSECURE_DEV), and how it calls the registry (TLS, its own client certificate
 * for mTLS, its own token). Every file is read once, at start-up.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError } from '../../../libs/core/src/index.js';
import {
  TokenTable,
  channelCredentials,
  isLoopbackHost,
  readPem,
  serverCredentials,
  type ClientConfig,
  type ServerSecurity,
} from '../../../libs/rpc/src/index.js';
import type { RegistryClientEnvFields, ServerSecurityEnvFields } from './env.js';

type Fields<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;

/** What {@link serverSecurity} reads of a service's configuration. */
export type ServerSecuritySettings = { NASUNET_HOST: string } & Fields<typeof ServerSecurityEnvFields>;

/** What {@link registryClientConfig} reads of a service's configuration. */
export type RegistryClientSettings = Fields<typeof RegistryClientEnvFields> &
  Pick<ServerSecuritySettings, 'NASUNET_TLS_CERT' | 'NASUNET_TLS_KEY'>;

/** The service's certificate and key, when it has them (presented to servers that require one). */
function ownCertificate(c: RegistryClientSettings): { cert: Buffer; key: Buffer } | undefined {
  if (c.NASUNET_TLS_CERT === undefined || c.NASUNET_TLS_KEY === undefined) return undefined;
  return {
    cert: readPem('NASUNET_TLS_CERT', c.NASUNET_TLS_CERT),
    key: readPem('NASUNET_TLS_KEY', c.NASUNET_TLS_KEY),
  };
}

/**
 * The server credentials and tokens of a service. `ValidationError` (the service refuses to
 * start) for half a TLS configuration, an unreadable file, or a non-loopback NASUNET_HOST
 * without TLS and tokens when NASUNET_INSECURE_DEV is not set.
 */
export function serverSecurity(c: ServerSecuritySettings): ServerSecurity {
  if ((c.NASUNET_TLS_CERT === undefined) !== (c.NASUNET_TLS_KEY === undefined))
    throw new ValidationError('NASUNET_TLS_CERT and NASUNET_TLS_KEY go together: set both or neither');
  if (c.NASUNET_TLS_CLIENT_CA !== undefined && c.NASUNET_TLS_CERT === undefined)
    throw new ValidationError(
      'NASUNET_TLS_CLIENT_CA (client certificates) needs NASUNET_TLS_CERT and NASUNET_TLS_KEY',
    );
  const tls = c.NASUNET_TLS_CERT !== undefined;
  const tokens = c.NASUNET_TOKENS_FILE !== undefined;
  if (!isLoopbackHost(c.NASUNET_HOST) && !(tls && tokens)) {
    const missing = [
      ...(tls ? [] : ['TLS (NASUNET_TLS_CERT, NASUNET_TLS_KEY)']),
      ...(tokens ? [] : ['tokens (NASUNET_TOKENS_FILE)']),
    ].join(' and ');
    if (!c.NASUNET_INSECURE_DEV)
      throw new ValidationError(
        `refusing to listen on ${c.NASUNET_HOST}, which other machines can reach, without ${missing}: ` +
          'configure them (README, "Securing the services"), bind 127.0.0.1, or set NASUNET_INSECURE_DEV=true for a development setup',
      );
    new Logger('security').warn(
      `listening on ${c.NASUNET_HOST} without ${missing} (NASUNET_INSECURE_DEV): a development setup only`,
    );
  }
  const own = ownCertificate(c);
  return {
    credentials: serverCredentials(
      own && {
        ...own,
        ...(c.NASUNET_TLS_CLIENT_CA !== undefined
          ? { clientCa: readPem('NASUNET_TLS_CLIENT_CA', c.NASUNET_TLS_CLIENT_CA) }
          : {}),
      },
    ),
    ...(tokens ? { tokens: TokenTable.load(c.NASUNET_TOKENS_FILE!, 'NASUNET_TOKENS_FILE') } : {}),
  };
}

/** The token in the file NASUNET_SERVICE_TOKEN_FILE names (surrounding whitespace dropped). */
function serviceToken(path: string): string {
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new ValidationError(
      `NASUNET_SERVICE_TOKEN_FILE: the file cannot be read (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  if (!/^\S+$/.test(token)) throw new ValidationError('NASUNET_SERVICE_TOKEN_FILE must hold one token');
  return token;
}

/**
 * Client configuration of a service's calls to the registry: TLS trusting NASUNET_TLS_CA
 * when set (presenting the service's own certificate, for a registry that requires client
 * certificates), and the token of NASUNET_SERVICE_TOKEN_FILE when set.
 */
export function registryClientConfig(c: RegistryClientSettings): ClientConfig {
  const own = ownCertificate(c);
  return {
    ...(c.NASUNET_TLS_CA !== undefined
      ? { credentials: channelCredentials({ ca: readPem('NASUNET_TLS_CA', c.NASUNET_TLS_CA), ...own }) }
      : {}),
    ...(c.NASUNET_SERVICE_TOKEN_FILE !== undefined
      ? { token: serviceToken(c.NASUNET_SERVICE_TOKEN_FILE) }
      : {}),
  };
}
