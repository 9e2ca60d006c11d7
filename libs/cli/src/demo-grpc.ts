/**
 * The demo through the services: search -> train -> register -> alias `production` ->
 * evaluate -> segment, every step a gRPC call. Without addresses it starts the four
 * services locally (libs/launcher) on free ports with a temporary data directory and
 * stops them at the end.
 *
 * Data: the synthetic set (24 phantoms of 32x32 px) for search and training, and 6 other
 * phantoms (another seed) as the held-out test set the Dice is measured on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, NotFoundError, PreconditionError } from '../../core/src/index.js';
import { encodePngGray, loadDataset } from '../../data/src/index.js';
import { writeFileAtomic, type EngineEvent } from '../../engine/src/index.js';
import type { Genotype } from '../../nas/src/index.js';
import { findFreePort, type ClientConfig, type SetAliasResponse__Output } from '../../rpc/src/index.js';
import {
  SERVICE_NAMES,
  startServiceProcess,
  type ServiceName,
  type ServiceProcess,
} from '../../launcher/src/index.js';
import { DEMO } from './demo.js';
import { unaryCall } from './grpc-calls.js';
import { GrpcRunner, type ServerAddresses } from './grpc-runner.js';

/** Settings of the demo through gRPC. */
export const GRPC_DEMO = {
  test: `synthetic:count=6,size=${DEMO.synthetic.size},seed=${DEMO.synthetic.seed + 1},noise=${DEMO.synthetic.noise}`,
  genotypeName: 'demo-genotype',
  modelName: 'demo-model',
  alias: 'production',
} as const;

/** Options of {@link runGrpcDemo}. */
export interface GrpcDemoOptions {
  /** Output folder (mask, overlay, genotype.json, reports). */
  outDir: string;
  seed: number;
  /** Running services to use; default: start the four locally and stop them afterwards. */
  addresses?: ServerAddresses;
  /** TLS and token of the calls to running services (`addresses`). */
  connection?: ClientConfig;
  /** Compute backend of locally started services (NASUNET_BACKEND); default theirs. */
  backend?: string;
  /** Search epochs [DEMO.search.epochs]. */
  searchEpochs?: number;
  /** Training epochs [DEMO.train.epochs]. */
  trainEpochs?: number;
  /** Phantoms of the search/training set [DEMO.synthetic.count]. */
  cases?: number;
  onEvent?: (e: EngineEvent) => void;
  signal?: AbortSignal;
  log: (s: string) => void;
}

/** What the demo produced. */
export interface GrpcDemoResult {
  genotype: Genotype;
  genotypeRef: { name: string; version: number };
  model: { name: string; version: number; alias: string };
  /** Mean foreground Dice on the held-out synthetic test cases. */
  testDice: number;
  bestValDice: number;
  maskPath: string;
  overlayPath: string;
  /** The services used (started locally when not given). */
  addresses: ServerAddresses;
  seconds: number;
}

/** Four services started on free ports; `stop()` ends them and removes the data dir. */
interface LocalSuite {
  addresses: ServerAddresses;
  stop(): Promise<void>;
}

async function startLocalSuite(backend: string | undefined, log: (s: string) => void): Promise<LocalSuite> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-demo-'));
  const ports = {} as Record<ServiceName, number>;
  for (const n of SERVICE_NAMES) ports[n] = await findFreePort();
  const addresses = {} as ServerAddresses;
  for (const n of SERVICE_NAMES) addresses[n] = `127.0.0.1:${ports[n]}`;
  const lines: string[] = [];
  const running: ServiceProcess[] = [];
  const env: Record<string, string> = {
    NASUNET_REGISTRY_ADDR: addresses.registry,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    ...(backend && backend !== 'auto' ? { NASUNET_BACKEND: backend } : {}),
  };
  const stop = async (): Promise<void> => {
    await Promise.all([...running].reverse().map((p) => p.stop('SIGTERM')));
    rmSync(dataDir, { recursive: true, force: true });
  };
  const startOne = async (name: ServiceName): Promise<void> => {
    const proc = await startServiceProcess({
      name,
      port: ports[name],
      dataDir,
      env,
      onLine: (l) => {
        lines.push(l);
        if (lines.length > 200) lines.shift();
      },
    });
    running.push(proc);
  };
  try {
    log(`starting the four services on 127.0.0.1 (data in ${dataDir})\n`);
    await startOne('registry');
    await Promise.all(SERVICE_NAMES.filter((n) => n !== 'registry').map(startOne));
  } catch (err) {
    await stop();
    throw new PreconditionError(
      `the services did not start: ${(err as Error).message}\n${lines.slice(-20).join('\n')}`,
      { cause: err },
    );
  }
  return { addresses, stop };
}

/** Runs the demo through gRPC; files land in `outDir`. */
export async function runGrpcDemo(o: GrpcDemoOptions): Promise<GrpcDemoResult> {
  const t0 = Date.now();
  const suite = o.addresses ? undefined : await startLocalSuite(o.backend, o.log);
  const addresses = o.addresses ?? suite!.addresses;
  const runner = new GrpcRunner(addresses, {
    genotypeName: GRPC_DEMO.genotypeName,
    modelName: GRPC_DEMO.modelName,
    ...(o.connection ? { connection: o.connection } : {}),
  });
  const ctx = { ...(o.onEvent ? { onEvent: o.onEvent } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  try {
    const s = { ...DEMO.synthetic, count: o.cases ?? DEMO.synthetic.count };
    const data = {
      ref: `synthetic:count=${s.count},size=${s.size},seed=${s.seed},noise=${s.noise}`,
      valFraction: 0.2,
    };
    const common = {
      data,
      preset: 'tiny',
      seed: o.seed,
      outDir: o.outDir,
      resume: false,
      augment: 'none' as const,
      diceWeight: 1,
      checkpointIntervalSeconds: 60,
    };
    o.log(`[1/5] search (gRPC ${addresses.search}) on ${s.count} synthetic ${s.size}x${s.size} phantoms\n`);
    const sr = await runner.search(
      { ...common, ...DEMO.search, epochs: o.searchEpochs ?? DEMO.search.epochs },
      ctx,
    );
    o.log(
      `      genotype ${sr.genotypeRef!.name} v${sr.genotypeRef!.version}: ${JSON.stringify(sr.genotype)}\n`,
    );

    o.log(`[2/5] train the derived network (gRPC ${addresses.training}); the service registers the model\n`);
    const tr = await runner.train(
      {
        ...common,
        ...DEMO.train,
        epochs: o.trainEpochs ?? DEMO.train.epochs,
        arch: 'nasunet',
        genotypeRef: sr.genotypeRef!,
      },
      ctx,
    );
    const model = tr.model!;
    o.log(`      model ${model.name} v${model.version}, best val Dice ${tr.bestValDice.toFixed(4)}\n`);

    o.log(
      `[3/5] set alias ${GRPC_DEMO.alias} -> ${model.name} v${model.version} (gRPC ${addresses.registry})\n`,
    );
    await unaryCall<SetAliasResponse__Output>(
      runner.registry,
      'setAlias',
      { name: model.name, alias: GRPC_DEMO.alias, version: model.version },
      `setting alias ${GRPC_DEMO.alias}`,
    );
    const ref = `${model.name}@${GRPC_DEMO.alias}`;

    o.log(`[4/5] evaluate ${ref} on 6 held-out phantoms\n`);
    const ev = await runner.evaluate(
      {
        modelDir: ref,
        data: { ref: GRPC_DEMO.test },
        split: 'all',
        seed: o.seed,
        outDir: o.outDir,
        hd95: false,
      },
      ctx,
    );

    o.log(`[5/5] segment one held-out image with ${ref} (gRPC ${addresses.inference})\n`);
    const test = await loadDataset(GRPC_DEMO.test);
    const c = test.cases[0];
    if (!c) throw new NotFoundError('the synthetic test set is empty');
    const [w, h] = c.image.shape;
    const px = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++)
      px[i] = Math.max(0, Math.min(255, Math.round((c.image.data[i] as number) * 255)));
    const input = join(o.outDir, `${c.id}.png`);
    writeFileAtomic(input, encodePngGray(px, w, h));
    const seg = await runner.segment({ modelDir: ref, input, outDir: o.outDir }, ctx);

    const seconds = (Date.now() - t0) / 1000;
    o.log(
      `\nGenotype: ${sr.genotypeRef!.name} v${sr.genotypeRef!.version}\n` +
        `Model: ${model.name} v${model.version} (alias ${GRPC_DEMO.alias})\n` +
        `Test Dice (mean over foreground classes, ${ev.report.nCases} held-out cases): ${ev.report.meanDice.toFixed(4)}\n` +
        `Mask: ${seg.maskPath}\nOverlay: ${seg.overlayPath}\n` +
        `Done in ${seconds.toFixed(0)} s.\n`,
    );
    return {
      genotype: sr.genotype,
      genotypeRef: sr.genotypeRef!,
      model: { ...model, alias: GRPC_DEMO.alias },
      testDice: ev.report.meanDice,
      bestValDice: tr.bestValDice,
      maskPath: seg.maskPath,
      overlayPath: seg.overlayPath,
      addresses,
      seconds,
    };
  } catch (err) {
    // Ctrl-C in a terminal reaches the locally started services too; whatever failed
    // after it, the demo was cancelled.
    if (o.signal?.aborted && !(err instanceof CancelledError))
      throw new CancelledError('demo cancelled', { cause: err });
    throw err;
  } finally {
    runner.close();
    if (suite) {
      o.log('stopping the services\n');
      await suite.stop();
    }
  }
}
