/**
 * DICOM end to end, real processes and servers: a real Orthanc (authentication on,
 * DICOMweb plugin) holding the hippocampus crop series, the registry and inference services
 * on free ports. SegmentStudy fetches the series over WADO-RS and stores the SEG back over
 * STOW-RS; the SEG read back from Orthanc over DICOMweb matches, frame by frame, the mask
 * SegmentVolume computes for the same volume sent as NIfTI. SegmentDicomSeries gives the
 * same SEG for the files streamed in reverse order and for compressed copies (JPEG 2000,
 * JPEG lossless); bad input gets its status code and no SEG is stored. The CLI does the
 * same through the service and in-process.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status, type ServiceError } from '@grpc/grpc-js';
import dcmjs, { type DicomDataset } from 'dcmjs';
import { encodeNifti } from '../libs/data/src/index.js';
import {
  joinMultipart,
  readDicomDir,
  writeSeriesSegmentation,
  type DicomSeries,
} from '../libs/dicom/src/index.js';
import { compressedCopy, hasDcmtk } from '../libs/dicom/src/testing/compressed-copies.js';
import {
  dciodvfyReport,
  hasDciodvfy,
  hasPydicom,
  readSegBack,
  readSegBackWithPydicom,
} from '../libs/dicom/src/testing/seg-read-back.js';
import { syntheticInstance, type SyntheticSlice } from '../libs/dicom/src/testing/synthetic-series.js';
import {
  createRegistryClient,
  createSegmentationClient,
  type ModelRegistryServiceClient,
  type SegmentationServiceClient,
  type SegmentDicomSeriesResponse__Output,
  type SegmentStudyResponse__Output,
  type SegmentVolumeResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, uploadModel } from './support/grpc.js';
import { smallBundle } from './support/model-bundle.js';
import { hasOrthanc, startOrthanc, type Orthanc } from './support/orthanc.js';
import { Suite } from './support/suite.js';

const samples = fileURLToPath(new URL('../../../shared/data/dicom-samples', import.meta.url));
const HCROP = join(samples, '11_HCropVolume');
const skip = process.env['CI']
  ? false
  : !hasOrthanc()
    ? 'Orthanc (Debian orthanc, orthanc-dicomweb) is not installed'
    : !existsSync(HCROP)
      ? `no ${HCROP}`
      : false;

const MODEL = 'hippo-dicom';
/** The inference service's default NASUNET_MAX_DICOM_INSTANCES (the suite runs with the default). */
const DEFAULT_MAX_INSTANCES = 2000;
/** Patient attributes of the samples and the synthetic series: never in a message. */
const PATIENT = /Secret|PID-SECRET|Dumbledore|CompressedSamples|Anonymized/i;
const ANTERIOR = {
  category: { value: '91723000', scheme: 'SCT', meaning: 'Anatomical Structure' },
  type: { value: '5366008', scheme: 'SCT', meaning: 'Hippocampus' },
  modifier: { value: '255549009', scheme: 'SCT', meaning: 'Anterior' },
};

let dataDir: string;
let orthanc: Orthanc;
let suite: Suite;
let registry: ModelRegistryServiceClient;
let segmentation: SegmentationServiceClient;
let series: DicomSeries;
let reference: Uint8Array;
let files: { name: string; bytes: Buffer }[];
let bundle: Map<string, Uint8Array>;

const MAIN = fileURLToPath(new URL('../libs/cli/src/main.js', import.meta.url));

/** Runs the CLI (asynchronously: the services and Orthanc keep running meanwhile). */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const first = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0];
const item = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0] as DicomDataset;

/** SegmentVolume of `series.volume` sent as NIfTI: the reference mask. */
async function niftiMask(): Promise<Uint8Array> {
  const stream = segmentation.segmentVolume({ deadline: Date.now() + 120_000 });
  const out = new Promise<SegmentVolumeResponse__Output[]>((resolve, reject) => {
    const got: SegmentVolumeResponse__Output[] = [];
    stream.on('data', (m: SegmentVolumeResponse__Output) => got.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(got));
  });
  stream.write({ header: { model: { name: MODEL }, format: 'VOLUME_INPUT_FORMAT_NIFTI' } });
  stream.write({ niftiChunk: Buffer.from(encodeNifti(series.volume, 'float32')) });
  stream.end();
  const replies = await out;
  return new Uint8Array(Buffer.concat(replies.slice(1).map((m) => m.maskChunk!)));
}

/**
 * SegmentDicomSeries of `instances`, each sent in chunks of `chunk` bytes; a failed call
 * rejects with the ServiceError, its `replies` the messages that came before it.
 */
function segmentInstances(
  instances: readonly Uint8Array[],
  chunk = 4096,
  endLast = true,
): Promise<SegmentDicomSeriesResponse__Output[]> {
  const stream = segmentation.segmentDicomSeries({ deadline: Date.now() + 120_000 });
  const out = new Promise<SegmentDicomSeriesResponse__Output[]>((resolve, reject) => {
    const got: SegmentDicomSeriesResponse__Output[] = [];
    stream.on('data', (m: SegmentDicomSeriesResponse__Output) => got.push(m));
    stream.on('error', (e) => reject(Object.assign(e, { replies: got })));
    stream.on('end', () => resolve(got));
  });
  stream.write({ header: { model: { name: MODEL } } });
  instances.forEach((bytes, k) => {
    for (let at = 0; at < bytes.length; at += chunk) {
      const last = at + chunk >= bytes.length && (endLast || k < instances.length - 1);
      stream.write({ instanceChunk: { data: Buffer.from(bytes.subarray(at, at + chunk)), last } });
    }
  });
  stream.end();
  return out;
}

/** The series of a study in Orthanc (QIDO-RS), as SeriesInstanceUIDs. */
async function seriesOf(study: string): Promise<string[]> {
  const res = await orthanc.rest(`/dicom-web/studies/${study}/series`, {
    headers: { accept: 'application/dicom+json' },
  });
  if (res.status === 204 || res.status === 404) return [];
  const body = (await res.json()) as DicomDataset[];
  return body.map((s) => first(s, '0020000E') as string).sort();
}

/** One instance read back from Orthanc over WADO-RS (as stored). */
async function wado(study: string, seriesUid: string, sop: string): Promise<Uint8Array> {
  const res = await orthanc.rest(`/dicom-web/studies/${study}/series/${seriesUid}/instances/${sop}`, {
    headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
  });
  assert.equal(res.status, 200);
  const body = Buffer.from(await res.arrayBuffer());
  const boundary = /boundary=("?)([^";]+)\1/.exec(res.headers.get('content-type') ?? '')![2]!;
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.indexOf(`\r\n--${boundary}`, start);
  return new Uint8Array(body.subarray(start, end));
}

async function storeInOrthanc(bytes: Uint8Array): Promise<void> {
  const res = await orthanc.rest('/instances', {
    method: 'POST',
    headers: { 'content-type': 'application/dicom' },
    body: Buffer.from(bytes),
  });
  assert.equal(res.status, 200, await res.text());
}

/**
 * Checks a failed call: its status code, message pattern, no patient attribute in it, and
 * (SegmentDicomSeries) no reply before the error, so no part of a SEG was sent.
 */
async function refused(p: Promise<unknown>, code: status, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: ServiceError & { replies?: unknown[] }) => {
    assert.equal(e.code, code, `${e.code} ${e.details}`);
    assert.match(e.details, pattern);
    assert.doesNotMatch(e.details, PATIENT);
    assert.deepEqual(e.replies ?? [], []);
    return true;
  });
}

/** A SEG as the service writes one (of an empty mask) on the crop series. */
const ownSeg = () =>
  writeSeriesSegmentation(
    series,
    new Uint8Array(series.volume.data.length),
    [{ name: 'bg' }, { name: 'x' }],
    {
      name: MODEL,
      version: '1',
      weightsDigest: 'sha256:00',
      genotype: null,
    },
  );

/** Counts of each class in `mask`. */
const countsOf = (mask: Uint8Array, n: number) => {
  const c = new Array<number>(n).fill(0);
  for (const k of mask) c[k] = (c[k] ?? 0) + 1;
  return c;
};

/**
 * Checks a SEG the service or the CLI wrote on the crop series: it holds the reference mask
 * read with dcmjs and with pydicom, and dciodvfy reports no error or warning (both tools
 * are required under CI).
 */
function checkSeg(bytes: Uint8Array, what: string): void {
  assert.deepEqual(readSegBack(bytes, series), reference, what);
  if (hasPydicom || process.env['CI'])
    assert.deepEqual(readSegBackWithPydicom(bytes, series), reference, what);
  if (hasDciodvfy || process.env['CI']) {
    const report = dciodvfyReport(bytes);
    assert.doesNotMatch(report, /Error|Warning/, `${what}: ${report}`);
  }
}

before(async () => {
  if (skip) return;
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-e2e-dicom-'));
  orthanc = await startOrthanc();
  writeFileSync(join(dataDir, 'pacs-password'), `${orthanc.password}\n`);
  suite = new Suite(dataDir, {
    NASUNET_DICOMWEB_URL: orthanc.dicomWeb,
    NASUNET_DICOMWEB_USER: orthanc.user,
    NASUNET_DICOMWEB_PASSWORD_FILE: join(dataDir, 'pacs-password'),
    NASUNET_BACKEND: 'wasm',
    NASUNET_TRACE_FILE: join(dataDir, 'spans.jsonl'),
    LOG_LEVEL: 'info',
  });
  await suite.start(['registry', 'inference']);
  registry = createRegistryClient(suite.address('registry'));
  segmentation = createSegmentationClient(suite.address('inference'));
  const artifacts = (bundle = await smallBundle(64, {
    classes: [
      { code: 0, name: 'background' },
      { code: 1, name: 'anterior', segment: ANTERIOR },
      { code: 2, name: 'posterior' },
    ],
  }));
  await uploadModel(
    registry,
    {
      name: MODEL,
      architecture: 'unet',
      configJson: '{}',
      metricsJson: '{}',
      lineage: { trainingJobId: '', datasetDigest: '' },
      classNames: ['background', 'anterior', 'posterior'],
    },
    artifacts,
  );
  files = readdirSync(HCROP)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(HCROP, name)) }));
  for (const f of files) await storeInOrthanc(f.bytes);
  series = await readDicomDir(HCROP);
  reference = await niftiMask();
});

after(async () => {
  for (const c of [registry, segmentation]) c?.close();
  await suite?.stopAll();
  await orthanc?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test(
  'SegmentStudy: the SEG stored in Orthanc matches the NIfTI path frame by frame',
  { skip, timeout: 180_000 },
  async () => {
    const counts = countsOf(reference, 3);
    assert.ok(
      counts.filter((c) => c > 0).length >= 2,
      `the reference mask has two classes or more: ${counts}`,
    );
    const res = await call<SegmentStudyResponse__Output>(
      segmentation,
      'segmentStudy',
      {
        model: { name: MODEL },
        studyInstanceUid: series.studyInstanceUid,
        seriesInstanceUid: series.seriesInstanceUid,
      },
      120_000,
    );
    const s = res.summary!;
    assert.equal(s.model!.name, MODEL);
    assert.equal(s.model!.version, 1);
    assert.equal(s.sourceInstances, 40);
    assert.deepEqual(
      s.segments.map((g) => [g.segmentNumber, g.label, Number(g.voxelCount), g.typeScheme, g.typeCode]),
      [
        [1, 'anterior', counts[1], 'SCT', '5366008'],
        [2, 'posterior', counts[2], 'SCT', '85756007'],
      ],
    );
    s.segments.forEach((g) => assert.ok(Math.abs(g.volumeMl - Number(g.voxelCount) / 1000) < 1e-9));
    assert.deepEqual(
      await seriesOf(series.studyInstanceUid),
      [series.seriesInstanceUid, s.segSeriesInstanceUid].sort(),
    );

    const bytes = await wado(series.studyInstanceUid, s.segSeriesInstanceUid, s.segSopInstanceUid);
    checkSeg(bytes, 'SegmentStudy');
    const ds = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer as ArrayBuffer).dict;
    assert.equal(first(ds, '00080060'), 'SEG');
    assert.equal(first(ds, '00080018'), s.segSopInstanceUid);
    assert.equal(first(ds, '0020000D'), series.studyInstanceUid);
    assert.equal(first(ds, '00200052'), series.frameOfReferenceUid);
    assert.equal(first(item(ds, '00081115'), '0020000E'), series.seriesInstanceUid);
    assert.equal(Number(first(ds, '00280008')), s.frames);
    assert.deepEqual(ds['00181020']?.Value, ['1', 'none']); // model version, genotype digest (a U-Net has none)
    const segments = ds['00620002']?.Value as DicomDataset[];
    assert.deepEqual(
      segments.map((g) => [first(g, '00620009'), first(item(g, '0062000F'), '00080100')]),
      [
        [MODEL, '5366008'],
        [MODEL, '85756007'],
      ],
    );
    assert.equal(first(item(item(segments[0]!, '0062000F'), '00620011'), '00080100'), '255549009');
  },
);

test(
  'SegmentDicomSeries: the files streamed in reverse order give the same SEG',
  { skip, timeout: 120_000 },
  async () => {
    const replies = await segmentInstances([...files].reverse().map((f) => f.bytes));
    const s = replies[0]!.summary!;
    assert.equal(s.sourceInstances, 40);
    const bytes = Buffer.concat(replies.slice(1).map((m) => m.segChunk!));
    checkSeg(bytes, 'reverse order');
    const ds = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    ).dict;
    assert.equal(first(ds, '00080018'), s.segSopInstanceUid);
    assert.equal(first(ds, '0020000E'), s.segSeriesInstanceUid);
  },
);

test(
  'SegmentDicomSeries: JPEG 2000 and JPEG lossless copies give the same SEG as the uncompressed series',
  { skip, timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-dicom-codecs-'));
    try {
      const syntaxes = ['1.2.840.10008.1.2.4.90', ...(hasDcmtk ? ['1.2.840.10008.1.2.4.70'] : [])];
      for (const syntax of syntaxes) {
        const out = join(dir, syntax);
        await compressedCopy(HCROP, out, syntax);
        const replies = await segmentInstances(readdirSync(out).map((f) => readFileSync(join(out, f))));
        const bytes = Buffer.concat(replies.slice(1).map((m) => m.segChunk!));
        checkSeg(bytes, syntax);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

/** Slices of a small axial series: 8 x 8 pixels, 3 slices 2 mm apart. */
function synthetic(over: Partial<SyntheticSlice>[] = []): Uint8Array[] {
  return Array.from({ length: 3 }, (_, k) =>
    syntheticInstance({
      seriesUid: '2.25.4242',
      sopInstanceUid: `2.25.4242${k}`,
      position: [0, 0, 2 * k],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [1, 1],
      rows: 8,
      columns: 8,
      pixels: Int16Array.from({ length: 64 }, (_, i) => i * (k + 1)),
      ...over[k],
    }),
  );
}

test(
  'SegmentDicomSeries refuses bad input with a clear status and no patient attribute',
  { skip, timeout: 120_000 },
  async () => {
    const sample = (n: string) => readFileSync(join(samples, 'pydicom', n));
    const bad = status.INVALID_ARGUMENT;
    await refused(
      segmentInstances([sample('rtstruct.dcm')]),
      bad,
      /instance 1 is an RT Structure Set \(RTSTRUCT\), not an image/,
    );
    await refused(
      segmentInstances([sample('liver_1frame.dcm')]),
      bad,
      /instance 1 is a Segmentation \(SEG\), not an image/,
    );
    await refused(segmentInstances([sample('README.txt')]), bad, /instance 1: not a DICOM file/);
    await refused(
      segmentInstances([files[0]!.bytes.subarray(0, 2000)]),
      bad,
      /instance 1: (unreadable or )?truncated/,
    );
    await refused(
      segmentInstances(synthetic([{}, { orientation: [0, 1, 0, 0, 0, 1] }])),
      bad,
      /two orientations/,
    );
    await refused(
      segmentInstances(synthetic([{}, {}, { position: [0, 0, 7] }])),
      bad,
      /not uniformly spaced/,
    );
    await refused(segmentInstances([files[0]!.bytes, synthetic()[0]!]), bad, /belong to two series/);
    await refused(
      segmentInstances(synthetic([{ transferSyntaxUid: '1.2.840.10008.1.2.4.51' }]).slice(0, 1)),
      bad,
      /JPEG Extended, 12-bit: no decoder\) is not supported/,
    );
    // Raw pixels labelled JPEG 2000: the frame does not decode to the image of the header.
    await refused(
      segmentInstances(synthetic([{ transferSyntaxUid: '1.2.840.10008.1.2.4.90' }]).slice(0, 1)),
      bad,
      /instance 1: the JPEG 2000 Lossless frame is 0x0/,
    );
    await refused(segmentInstances(synthetic(), 4096, false), bad, /the stream ended inside it/);
  },
);

/** A series of `n` small axial slices (8 x 8 pixels, 1 mm apart), valid but for its size. */
function longSeries(n: number, seriesUid: string): Uint8Array[] {
  const pixels = Int16Array.from({ length: 64 }, (_, i) => i);
  return Array.from({ length: n }, (_, k) =>
    syntheticInstance({
      seriesUid,
      sopInstanceUid: `${seriesUid}.${k + 1}`,
      position: [0, 0, k],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [1, 1],
      rows: 8,
      columns: 8,
      pixels,
    }),
  );
}

test(
  'a series of 5000 slices: RESOURCE_EXHAUSTED naming the limit, no SEG returned or stored',
  { skip, timeout: 180_000 },
  async () => {
    const slices = longSeries(5000, '2.25.5000');
    const limit = new RegExp(`more than ${DEFAULT_MAX_INSTANCES} instances \\(the configured limit\\)`);
    // Streamed: refused while the instances arrive, before any is decoded; no reply at all.
    await refused(segmentInstances(slices), status.RESOURCE_EXHAUSTED, limit);
    // By reference: the series is in the PACS; nothing is stored back.
    const { body, contentType } = joinMultipart(slices);
    const stow = await orthanc.rest('/dicom-web/studies', {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/dicom+json' },
      body,
    });
    assert.equal(stow.status, 200, await stow.text());
    assert.deepEqual(await seriesOf('2.25.1'), ['2.25.5000']);
    await refused(
      call(
        segmentation,
        'segmentStudy',
        { model: { name: MODEL }, studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.5000' },
        120_000,
      ),
      status.RESOURCE_EXHAUSTED,
      limit,
    );
    assert.deepEqual(await seriesOf('2.25.1'), ['2.25.5000']);
    const gone = await orthanc.rest('/tools/lookup', { method: 'POST', body: '2.25.5000' });
    for (const { ID } of (await gone.json()) as { ID: string }[]) {
      assert.equal((await orthanc.rest(`/series/${ID}`, { method: 'DELETE' })).status, 200);
    }
    assert.deepEqual(await seriesOf('2.25.1'), []);
  },
);

test(
  'SegmentStudy refuses bad references and bad series; nothing is stored',
  { skip, timeout: 120_000 },
  async () => {
    // Our own SEG series, to be given as input below.
    const own = ownSeg();
    await storeInOrthanc(own.bytes);
    const before = await seriesOf(series.studyInstanceUid);
    const study = (seriesInstanceUid: string, studyInstanceUid = series.studyInstanceUid) =>
      call(
        segmentation,
        'segmentStudy',
        { model: { name: MODEL }, studyInstanceUid, seriesInstanceUid },
        60_000,
      );
    await refused(study('1.2.x'), status.INVALID_ARGUMENT, /series_instance_uid: must be a DICOM UID/);
    await refused(
      study('2.25.999999'),
      status.NOT_FOUND,
      /the PACS holds no series [0-9a-f]{12} of study [0-9a-f]{12}/,
    );
    await refused(
      study(own.seriesInstanceUid),
      status.INVALID_ARGUMENT,
      /is a Segmentation \(SEG\), not an image/,
    );
    // A series with two orientations, stored in Orthanc.
    for (const b of synthetic([{}, { orientation: [0, 1, 0, 0, 0, 1] }])) await storeInOrthanc(b);
    await refused(study('2.25.4242', '2.25.1'), status.INVALID_ARGUMENT, /two orientations/);
    assert.deepEqual(await seriesOf(series.studyInstanceUid), before);
    assert.deepEqual(await seriesOf('2.25.1'), ['2.25.4242']);
  },
);

test(
  'the CLI: --dicom through the service, --study through the service and in-process with --pacs',
  { skip, timeout: 300_000 },
  async () => {
    const out = join(dataDir, 'cli');
    const server = ['--inference-server', suite.address('inference'), '--model', MODEL, '--json'];
    const viaService = await cli(['segment', '--dicom', HCROP, ...server, '--out', out]);
    assert.equal(viaService.code, 0, viaService.stderr);
    const r = JSON.parse(viaService.stdout.trim().split('\n').pop()!) as {
      maskPath: string;
      overlayPath: string;
    };
    assert.equal(r.maskPath, join(out, '11_HCropVolume-seg.dcm'));
    checkSeg(readFileSync(r.maskPath), 'CLI --dicom');
    assert.ok(existsSync(r.overlayPath));

    const segs = async () =>
      (await seriesOf(series.studyInstanceUid)).filter((u) => u !== series.seriesInstanceUid);
    const before = await segs();
    const study = ['--study', series.studyInstanceUid, '--series', series.seriesInstanceUid];
    const stored = await cli(['segment', ...study, ...server]);
    assert.equal(stored.code, 0, stored.stderr);
    const s = JSON.parse(stored.stdout.trim().split('\n').pop()!) as {
      stored: { seriesInstanceUid: string };
    };
    assert.deepEqual(await segs(), [...before, s.stored.seriesInstanceUid].sort());
    const withUrl = await cli(['segment', ...study, ...server, '--pacs', orthanc.dicomWeb]);
    assert.equal(withUrl.code, 2);
    assert.match(withUrl.stderr, /configured with; drop --pacs/);

    // In-process: the CLI fetches, segments with the same bundle and stores; the same mask.
    const modelDir = join(dataDir, 'bundle');
    mkdirSync(modelDir, { recursive: true });
    for (const [name, bytes] of bundle) writeFileSync(join(modelDir, name), bytes);
    const env = {
      NASUNET_DICOMWEB_USER: orthanc.user,
      NASUNET_DICOMWEB_PASSWORD_FILE: join(dataDir, 'pacs-password'),
    };
    const local = [
      'segment',
      ...study,
      '--pacs',
      orthanc.dicomWeb,
      '--model',
      modelDir,
      '--backend',
      'wasm',
      '--out',
      out,
      '--json',
    ];
    const inProcess = await cli(local, env);
    assert.equal(inProcess.code, 0, inProcess.stderr);
    const l = JSON.parse(inProcess.stdout.trim().split('\n').pop()!) as {
      maskPath: string;
      stored: { seriesInstanceUid: string; sopInstanceUid: string };
    };
    assert.doesNotMatch(l.maskPath, new RegExp(series.seriesInstanceUid.replace(/\./g, '\\.')));
    const back = await wado(series.studyInstanceUid, l.stored.seriesInstanceUid, l.stored.sopInstanceUid);
    checkSeg(back, 'CLI --pacs');
    const wrong = await cli(local, { ...env, NASUNET_DICOMWEB_USER: 'intruder' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /the PACS refused the configured credentials \(HTTP 401\)/);
  },
);

test(
  'the Orthanc Lua trigger names each new image series once it is stable, never a SEG',
  { skip, timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nasunet-lua-'));
    const log = join(dir, 'calls.log');
    // The CLI is replaced by `echo`, so the log shows the command line the trigger runs.
    writeFileSync(
      join(dir, 'config.lua'),
      `NASUNET_CLI = 'echo'\nNASUNET_ARGS = '--model ${MODEL}'\nNASUNET_LOG = '${log}'\n`,
    );
    const script = fileURLToPath(
      new URL('../../deploy/orthanc/nasunet-segment-on-arrival.lua', import.meta.url),
    );
    const pacs = await startOrthanc([join(dir, 'config.lua'), script]);
    try {
      const store = (bytes: Uint8Array) =>
        pacs.rest('/instances', {
          method: 'POST',
          headers: { 'content-type': 'application/dicom' },
          body: Buffer.from(bytes),
        });
      for (const f of files.slice(0, 3)) assert.equal((await store(f.bytes)).status, 200);
      assert.equal((await store(readFileSync(join(samples, 'pydicom', 'liver_1frame.dcm')))).status, 200);
      const ours = ownSeg();
      assert.equal((await store(ours.bytes)).status, 200);
      const deadline = Date.now() + 30_000;
      while (!existsSync(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      await new Promise((r) => setTimeout(r, 4000)); // the SEG series became stable too meanwhile
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      assert.deepEqual(lines, [
        `segment --study ${series.studyInstanceUid} --series ${series.seriesInstanceUid} --json --model ${MODEL}`,
      ]);
    } finally {
      await pacs.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'SegmentStudy with credentials the PACS refuses: UNAVAILABLE, nothing stored',
  { skip, timeout: 120_000 },
  async () => {
    const before = await seriesOf(series.studyInstanceUid);
    writeFileSync(join(dataDir, 'wrong-password'), 'not-the-password\n');
    await suite.stop(['inference']);
    await suite.start(['inference'], { NASUNET_DICOMWEB_PASSWORD_FILE: join(dataDir, 'wrong-password') });
    segmentation.close();
    segmentation = createSegmentationClient(suite.address('inference'));
    await refused(
      call(
        segmentation,
        'segmentStudy',
        {
          model: { name: MODEL },
          studyInstanceUid: series.studyInstanceUid,
          seriesInstanceUid: series.seriesInstanceUid,
        },
        60_000,
      ),
      status.UNAVAILABLE,
      /the PACS refused the configured credentials \(HTTP 401\)/,
    );
    assert.deepEqual(await seriesOf(series.studyInstanceUid), before);
  },
);

test(
  'the services logged and traced no patient attribute and no study or series UID',
  { skip, timeout: 30_000 },
  async () => {
    await suite.stop(['inference', 'registry']); // flushes the spans
    const spans = readFileSync(join(dataDir, 'spans.jsonl'), 'utf8');
    assert.match(spans, /inference\.decode/);
    assert.match(spans, /nasunet\.series_tag/);
    assert.ok(
      suite.logs.some((l) => l.includes('nasunet-inference listening')),
      'the logs were captured',
    );
    for (const [what, text] of [
      ['logs', suite.logs.join('\n')],
      ['spans', spans],
    ] as const) {
      assert.doesNotMatch(text, PATIENT, what);
      for (const uid of [
        series.studyInstanceUid,
        series.seriesInstanceUid,
        ...series.slices.map((s) => s.sopInstanceUid),
      ]) {
        assert.ok(!text.includes(uid), `${what} hold the UID ${uid}`);
      }
    }
  },
);
