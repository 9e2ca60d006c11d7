/**
 * The CLI over gRPC, end to end with real processes: the four services started through
 * libs/launcher on free ports, the compiled CLI spawned against them (`demo` and a
 * `segment` with bad input), the registry read back with its client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeImage2D,
  encodePngGray,
  orientationFromAffine,
  readNifti,
  writeNifti,
} from '../../data/src/index.js';
import {
  SERVICE_NAMES,
  startServiceProcess,
  type ServiceName,
  type ServiceProcess,
} from '../../launcher/src/index.js';
import type { DecisionMargin, Genotype } from '../../nas/src/index.js';
import {
  createRegistryClient,
  findFreePort,
  unary,
  type GetGenotypeRequest,
  type GetGenotypeResponse__Output,
  type GetModelRequest,
  type GetModelResponse__Output,
} from '../../rpc/src/index.js';
import { EXIT } from './exit-codes.js';
import { assertDecisionsOf } from './testing/decisions.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

let dir: string;
const procs: ServiceProcess[] = [];
const addr = {} as Record<ServiceName, string>;
const logs: string[] = [];

function serverArgs(): string[] {
  return [
    '--registry-server',
    addr.registry,
    '--search-server',
    addr.search,
    '--training-server',
    addr.training,
    '--inference-server',
    addr.inference,
  ];
}

/** Runs the compiled CLI; resolves with its exit code and output. */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nasunet-cli-grpc-'));
  for (const n of SERVICE_NAMES) addr[n] = `127.0.0.1:${await findFreePort()}`;
  const env = {
    NASUNET_REGISTRY_ADDR: addr.registry,
    LOG_LEVEL: 'warn',
  };
  const start = async (name: ServiceName): Promise<void> => {
    procs.push(
      await startServiceProcess({
        name,
        port: Number(addr[name].split(':')[1]),
        dataDir: join(dir, 'data'),
        env,
        onLine: (l) => logs.push(l),
        readyTimeoutMs: 90_000,
      }),
    );
  };
  await start('registry');
  await Promise.all(SERVICE_NAMES.filter((n) => n !== 'registry').map(start));
});

after(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(
  'demo through gRPC: genotype and model v1 registered, alias production, Dice on held-out phantoms',
  { timeout: 900_000 },
  async () => {
    const r = await cli(
      [
        'demo',
        ...serverArgs(),
        '--cases',
        '12',
        '--search-epochs',
        '1',
        '--train-epochs',
        '30',
        '--out',
        'demo',
        '--json',
      ],
      dir,
    );
    assert.equal(r.code, EXIT.OK, `${r.stderr}\n${logs.slice(-20).join('\n')}`);
    const result = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e['type'] === 'result');
    assert.ok(result, 'a result line on stdout');
    assert.equal(result['command'], 'demo');
    assert.deepEqual(result['model'], { name: 'demo-model', version: 1, alias: 'production' });
    assert.deepEqual(result['genotypeRef'], { name: 'demo-genotype', version: 1 });
    const dice = result['testDice'] as number;
    assert.ok(dice > 0.3, `held-out Dice ${dice} should exceed 0.3`);

    // Mask and overlay: PNGs of the image's size (the overlay enlarged).
    const mask = decodeImage2D(readFileSync(join(dir, 'demo', 'synthetic_000-mask.png')), 'mask.png');
    assert.deepEqual(mask.shape, [32, 32, 1]);
    assert.ok(
      mask.data.some((v) => v > 0),
      'the mask has foreground',
    );
    assert.ok(existsSync(join(dir, 'demo', 'synthetic_000-overlay.png')));

    // A NIfTI segmented by the service keeps its grid: the mask has the input's affine
    // (origin and an oblique direction included), so viewers overlay it in place.
    const affine = [
      [0, -0.8, 0, 12.5],
      [0.8, 0, 0, -40],
      [0, 0, 2, 7.25],
      [0, 0, 0, 1],
    ];
    const image = Float32Array.from({ length: 32 * 32 * 2 }, (_, i) => ((i * 37) % 101) / 10);
    await writeNifti(
      join(dir, 'oblique.nii.gz'),
      {
        data: image,
        shape: [32, 32, 2],
        spacingMm: [0.8, 0.8, 2],
        affine,
        orientation: orientationFromAffine(affine),
      },
      'float32',
    );
    const seg = await cli(
      [
        'segment',
        ...serverArgs(),
        '--model',
        'demo-model@production',
        '--input',
        'oblique.nii.gz',
        '--out',
        'obl',
      ],
      dir,
    );
    assert.equal(seg.code, EXIT.OK, seg.stderr);
    const maskVolume = await readNifti(join(dir, 'obl', 'oblique-mask.nii.gz'));
    assert.deepEqual(maskVolume.shape, [32, 32, 2]);
    maskVolume.affine
      .slice(0, 3)
      .forEach((row, r) =>
        row.forEach((v, c) =>
          assert.ok(Math.abs(v - (affine[r]?.[c] as number)) < 1e-4, `affine[${r}][${c}] = ${v}`),
        ),
      );

    // Evaluate through the services reports what Segment returns: voxel counts and HD95.
    const ev = await cli(
      [
        'evaluate',
        ...serverArgs(),
        '--model',
        'demo-model@production',
        '--synthetic',
        'count=3,size=32,seed=9',
        '--out',
        'ev',
        '--quiet',
      ],
      dir,
    );
    assert.equal(ev.code, EXIT.OK, ev.stderr);
    const evReport = JSON.parse(readFileSync(join(dir, 'ev', 'report.json'), 'utf8')) as {
      perCase: Array<{
        caseId: string;
        classes: Array<{ truthVoxels: number; predVoxels: number; hd95: number | null }>;
      }>;
    };
    // The server names cases by a hash of their file stem, never the stem itself.
    assert.deepEqual(
      evReport.perCase.map((c) => c.caseId),
      evReport.perCase.map((c) => c.caseId).sort(),
    );
    assert.ok(
      evReport.perCase.every((c) => /^case-[0-9a-f]{12}$/.test(c.caseId)),
      JSON.stringify(evReport.perCase.map((c) => c.caseId)),
    );
    const classes = evReport.perCase.flatMap((c) => c.classes);
    assert.ok(classes.length > 0);
    assert.ok(
      classes.every((m) => m.truthVoxels > 0),
      'every phantom class has reference voxels',
    );
    assert.ok(
      classes.some((m) => m.predVoxels > 0),
      'the model predicts some foreground',
    );
    assert.ok(
      classes.filter((m) => m.predVoxels > 0).every((m) => m.hd95 !== null && m.hd95 >= 0),
      'HD95 where both masks are non-empty',
    );

    // The registry holds them.
    const registry = createRegistryClient(addr.registry);
    try {
      const g = await unary<GetGenotypeRequest, GetGenotypeResponse__Output>(
        registry.getGenotype.bind(registry),
        { genotype: { name: 'demo-genotype', version: 0 } },
      );
      assert.equal(g.genotype!.version, 1);
      assert.deepEqual(
        JSON.parse(g.genotype!.genotypeJson),
        JSON.parse(readFileSync(join(dir, 'demo', 'genotype.json'), 'utf8')),
      );
      // The choices' margins, from the alphas the service streamed with the last epoch.
      const searched = JSON.parse(readFileSync(join(dir, 'demo', 'search-result.json'), 'utf8')) as {
        genotype: Genotype;
        decisions: DecisionMargin[];
      };
      assertDecisionsOf(searched.genotype, searched.decisions);
      const m = await unary<GetModelRequest, GetModelResponse__Output>(registry.getModel.bind(registry), {
        model: { name: 'demo-model', alias: 'production' },
      });
      assert.equal(m.model!.version, 1);
      assert.ok(m.model!.aliases.includes('production'));
      assert.deepEqual(m.model!.genotype, { name: 'demo-genotype', version: 1 });

      // Training from the genotype file the search wrote keeps the lineage: the model
      // points at the registered genotype, which is not registered a second time.
      const tr = await cli(
        [
          'train',
          ...serverArgs(),
          '--synthetic',
          'count=4,size=32,seed=4',
          '--genotype',
          join('demo', 'genotype.json'),
          '--preset',
          'tiny',
          '--epochs',
          '5',
          '--max-steps',
          '2',
          '--model-name',
          'lineage-model',
          '--out',
          'lineage',
          '--quiet',
        ],
        dir,
      );
      assert.equal(tr.code, EXIT.OK, tr.stderr);
      assert.match(tr.stdout, /, 2 steps/, 'the service honours --max-steps');
      const lm = await unary<GetModelRequest, GetModelResponse__Output>(registry.getModel.bind(registry), {
        model: { name: 'lineage-model', version: 0 },
      });
      assert.deepEqual(lm.model!.genotype, { name: 'demo-genotype', version: 1 });
      await assert.rejects(
        unary<GetGenotypeRequest, GetGenotypeResponse__Output>(registry.getGenotype.bind(registry), {
          genotype: { name: 'cli-genotype', version: 0 },
        }),
        /not found|NOT_FOUND|no genotype/i,
      );

      // Managing what the services hold from the CLI: models, aliases, jobs.
      const models = await cli(['models', ...serverArgs(), '--json'], dir);
      assert.equal(models.code, EXIT.OK, models.stderr);
      const listed = JSON.parse(models.stdout) as Array<{ name: string; version: number; aliases: string[] }>;
      assert.ok(
        listed.some((x) => x.name === 'demo-model' && x.version === 1 && x.aliases.includes('production')),
      );
      assert.ok(listed.some((x) => x.name === 'lineage-model'));
      const set = await cli(['alias', 'demo-model', 'staging', '1', ...serverArgs()], dir);
      assert.equal(set.code, EXIT.OK, set.stderr);
      assert.match(set.stdout, /demo-model@staging -> version 1/);
      const after = JSON.parse(
        (await cli(['models', ...serverArgs(), '--name', 'demo-model', '--json'], dir)).stdout,
      ) as Array<{
        aliases: string[];
      }>;
      assert.ok(after[0]?.aliases.includes('staging'));
      const removed = await cli(['alias', 'demo-model', 'staging', '--remove', ...serverArgs()], dir);
      assert.equal(removed.code, EXIT.OK, removed.stderr);
      assert.match(removed.stdout, /removed \(it pointed at version 1\)/);
      const jobs = JSON.parse((await cli(['jobs', ...serverArgs(), '--json'], dir)).stdout) as Array<{
        kind: string;
        state: string;
      }>;
      assert.ok(jobs.some((j) => j.kind === 'search'));
      assert.ok(jobs.filter((j) => j.kind === 'train').length >= 2);
      const cancel = await cli(['cancel', 'no-such-job', '--kind', 'train', ...serverArgs()], dir);
      assert.equal(cancel.code, EXIT.DATA, cancel.stderr);
      const noServer = await cli(['models'], dir);
      assert.equal(noServer.code, EXIT.USAGE, noServer.stderr);
    } finally {
      registry.close();
    }
  },
);

test(
  'segment --server with an unknown model: exit code of not-found, the model named',
  { timeout: 120_000 },
  async () => {
    const input = join(dir, 'bad-input.png');
    writeFileSync(input, encodePngGray(new Uint8Array(32 * 32).fill(100), 32, 32));
    const r = await cli(
      ['segment', ...serverArgs(), '--model', 'no-such-model@production', '--input', input],
      dir,
    );
    assert.equal(r.code, EXIT.DATA, r.stderr);
    assert.match(r.stderr, /no-such-model/);
    assert.match(r.stderr, /has no alias "production"|not found/);
    assert.equal(existsSync(join(dir, 'nasunet-run')), false, 'nothing written');

    const bad = await cli(['segment', '--server', 'nohost', '--input', input], dir);
    assert.equal(bad.code, EXIT.USAGE, bad.stderr);
    assert.match(bad.stderr, /--server nohost: expected host:port/);

    const badRef = await cli(['segment', ...serverArgs(), '--model', 'Bad/Name', '--input', input], dir);
    assert.equal(badRef.code, EXIT.USAGE, badRef.stderr);
    assert.match(badRef.stderr, /--model Bad\/Name: .*name@alias or name:version/);

    const resume = await cli(['search', ...serverArgs(), '--synthetic', '--resume'], dir);
    assert.equal(resume.code, EXIT.USAGE, resume.stderr);
    assert.match(resume.stderr, /--resume: with a server/);

    const localOnly = await cli(
      ['search', ...serverArgs(), '--synthetic', '--warmup-steps', '5', '--backend', 'cpu'],
      dir,
    );
    assert.equal(localOnly.code, EXIT.USAGE, localOnly.stderr);
    assert.match(localOnly.stderr, /--backend, --warmup-steps: only for in-process runs/);
  },
);
