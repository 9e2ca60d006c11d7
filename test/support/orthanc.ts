/**
 * A real Orthanc PACS (Debian `orthanc` + `orthanc-dicomweb`) for the tests: its own
 * configuration, storage and index in a temporary folder, free HTTP and DICOM ports, HTTP
 * basic authentication on, the DICOMweb plugin at /dicom-web/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** Whether Orthanc and its DICOMweb plugin are installed. */
export const hasOrthanc = (): boolean => existsSync(ORTHANC_BINARY) && existsSync(DICOMWEB_PLUGIN);

/** A running Orthanc. */
export interface Orthanc {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `<url>/dicom-web` */
  dicomWeb: string;
  user: string;
  password: string;
  dir: string;
  /** Orthanc's REST API with the credentials. */
  rest(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts Orthanc (running the Lua scripts `luaScripts`, in order) and waits until its REST API answers. */
export async function startOrthanc(luaScripts: readonly string[] = []): Promise<Orthanc> {
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-orthanc-'));
  mkdirSync(join(dir, 'storage'));
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const user = 'nasunet';
  const password = 'orthanc-test-secret';
  writeFileSync(
    join(dir, 'orthanc.json'),
    JSON.stringify({
      Name: 'nasunet-test',
      StorageDirectory: join(dir, 'storage'),
      IndexDirectory: join(dir, 'storage'),
      HttpPort: httpPort,
      DicomPort: dicomPort,
      DicomAet: 'NASUNETTEST',
      RemoteAccessAllowed: false,
      AuthenticationEnabled: true,
      RegisteredUsers: { [user]: password },
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/', Host: `127.0.0.1:${httpPort}` },
      StableAge: 1,
      LuaScripts: luaScripts,
    }),
  );
  const proc: ChildProcess = spawn(
    ORTHANC_BINARY,
    [`--logfile=${join(dir, 'orthanc.log')}`, join(dir, 'orthanc.json')],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${httpPort}`;
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const rest = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: auth, ...(init.headers as Record<string, string>) },
    });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(`Orthanc exited with ${proc.exitCode}; see ${dir}/orthanc.log`);
    const ok = await rest('/system').then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('Orthanc did not answer within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dicomWeb: `${url}/dicom-web`,
    user,
    password,
    dir,
    rest,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
