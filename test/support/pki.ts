/**
 * A throwaway PKI for the tests, made with `openssl`: a CA, a certificate for the services
 * (127.0.0.1 and localhost; server and client use, as the services also present it to the
 * registry) and a client certificate, plus a tokens file for the services.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenDigest, type Scope } from '../../libs/rpc/src/index.js';

/** Paths of the PEM files under the folder given to {@link makePki}. */
export interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const openssl = (dir: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
};

/** Issues a leaf certificate `name`.crt / `name`.key signed by the CA in `dir`. */
function issue(dir: string, name: string, cn: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]),
  );
  openssl(
    dir,
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    ]),
  );
}

/** Creates the CA, the services' and a client's certificate in `dir`. */
export function makePki(dir: string): Pki {
  openssl(
    dir,
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
      .concat(['-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=nasunet test CA'])
      .concat([
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]),
  );
  issue(
    dir,
    'server',
    'nasunet services',
    [
      'basicConstraints=CA:FALSE',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'extendedKeyUsage=serverAuth,clientAuth',
      '',
    ].join('\n'),
  );
  issue(dir, 'client', 'nasunet test client', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  return {
    ca: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
  };
}

/** Writes a tokens file (name -> token and scopes) to `path`, storing only each token's digest. */
export function writeTokensFile(
  path: string,
  tokens: Record<string, { token: string; scopes: Scope[] }>,
): void {
  const entries = Object.entries(tokens).map(([name, t]) => ({
    name,
    sha256: tokenDigest(t.token),
    scopes: t.scopes,
  }));
  writeFileSync(path, JSON.stringify({ tokens: entries }, null, 2));
}

/** The environment that turns on TLS (mTLS between services) and token checks in a service. */
export function secureServiceEnv(
  pki: Pki,
  tokensFile: string,
  serviceTokenFile: string,
): Record<string, string> {
  return {
    NASUNET_TLS_CERT: pki.serverCert,
    NASUNET_TLS_KEY: pki.serverKey,
    NASUNET_TLS_CLIENT_CA: pki.ca,
    NASUNET_TLS_CA: pki.ca,
    NASUNET_TOKENS_FILE: tokensFile,
    NASUNET_SERVICE_TOKEN_FILE: serviceTokenFile,
  };
}
