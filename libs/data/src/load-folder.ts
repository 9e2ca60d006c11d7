/**
 * Loaders for dataset folders:
 * - MSD layout: `dataset.json` with `training: [{image, label}]` (and optional `labels`
 *   map of code -> name, and optional `segmentCodes`, see segment-codes.ts), paths relative to the folder (e.g. `./imagesTr/x.nii.gz`);
 * - NIfTI pairs: `images/` + `labels/` holding files with the same names;
 * - 2D pairs: `images/` + `masks/` (or `labels/`) with PNG/TIFF/GIF files matched by base
 *   name (extensions may differ).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { DataFormatError, NasUnetError, NotFoundError, ValidationError } from '../../core/src/index.js';
import { DecodedVolumeCache, decodedCacheFromEnv } from './decoded-cache.js';
import { digestFiles } from './digest.js';
import { decodeImage2D, is2DImagePath } from './image2d.js';
import { decodeNifti } from './nifti-read.js';
import { readSourceFile } from './source-file.js';
import { parseSegmentCodes, withSegmentCodes, type SegmentCodes } from './segment-codes.js';
import type { Case, ClassInfo, Dataset, DatasetKind, LoadOptions, SkippedCase } from './types.js';
import type { Volume } from './volume.js';

interface CaseFiles {
  id: string;
  image: string; // absolute
  label?: string; // absolute
}

/** True if the path names a NIfTI file (.nii or .nii.gz). */
export function isNiftiPath(path: string): boolean {
  const p = path.toLowerCase();
  return p.endsWith('.nii') || p.endsWith('.nii.gz');
}

/** Case id from a file name: base name without .nii.gz/.nii or the image extension. */
export function caseIdFromPath(path: string): string {
  const b = basename(path);
  if (b.toLowerCase().endsWith('.nii.gz')) return b.slice(0, -7);
  return b.slice(0, b.length - extname(b).length);
}

/** Cases read and decoded at once (the thread pool inflates 4 files at a time by default). */
const CASES_IN_FLIGHT = 8;

/**
 * Loads a dataset folder (layout auto-detected, see module doc). Cases are sorted by id.
 *
 * @throws NotFoundError when the folder (or a listed file) is missing; DataFormatError
 *   naming the file for unreadable images, shape mismatches and bad label values (with
 *   `onBadCase: 'fail'`, the default).
 */
export async function loadFolderDataset(path: string, options: LoadOptions = {}): Promise<Dataset> {
  const root = resolve(path);
  await requireDir(root, 'dataset folder');
  const onBad = options.onBadCase ?? 'fail';
  if (onBad !== 'fail' && onBad !== 'skip')
    throw new ValidationError(`onBadCase must be 'fail' or 'skip', got '${String(onBad)}'`);
  const requireLabels = options.requireLabels ?? true;
  const cache =
    options.decodedCache === undefined ? decodedCacheFromEnv() : options.decodedCache || undefined;

  let kind: DatasetKind;
  let files: CaseFiles[];
  let declared: ClassInfo[] | undefined;
  let segmentCodes: Map<number, SegmentCodes> | undefined;
  let name = basename(root);
  const extraFiles: string[] = [];
  if (await exists(join(root, 'dataset.json'))) {
    kind = 'msd';
    const msd = await readMsdJson(root);
    files = msd.files;
    declared = msd.classes;
    segmentCodes = msd.segmentCodes;
    if (msd.name) name = msd.name;
    extraFiles.push('dataset.json');
  } else {
    const layout = await listPairs(root, requireLabels);
    kind = layout.kind;
    files = layout.files;
  }
  files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (options.maxCases !== undefined) {
    if (!Number.isInteger(options.maxCases) || options.maxCases < 1) {
      throw new ValidationError(`maxCases must be a positive integer, got ${options.maxCases}`);
    }
    files = files.slice(0, options.maxCases);
  }

  // Cases load CASES_IN_FLIGHT at a time (reads and gzip inflation run on the thread
  // pool in parallel); results keep the sorted order, and the first bad case in that order
  // is the one reported.
  const outcomes: Array<{ case: Case } | { error: unknown; file: string }> = new Array(files.length);
  let nextCase = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (nextCase < files.length) {
      const n = nextCase++;
      const f = files[n] as CaseFiles;
      const current = { file: f.image };
      try {
        outcomes[n] = { case: await loadCase(root, f, kind, requireLabels, current, cache) };
      } catch (error) {
        outcomes[n] = { error, file: current.file };
      }
      if (++done < files.length) options.onProgress?.(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CASES_IN_FLIGHT, files.length) }, worker));
  await cache?.prune();
  const cases: Case[] = [];
  const skipped: SkippedCase[] = [];
  outcomes.forEach((o, n) => {
    if ('case' in o) {
      cases.push(o.case);
      return;
    }
    const err = o.error;
    if (onBad === 'skip' && err instanceof NasUnetError && !(err instanceof ValidationError)) {
      skipped.push({ id: (files[n] as CaseFiles).id, file: o.file, reason: err.message });
      return;
    }
    throw err;
  });
  options.onProgress?.(files.length, files.length);
  if (cases.length === 0) {
    throw new DataFormatError(
      `no usable cases in ${root}` +
        (skipped.length ? ` (${skipped.length} skipped, first: ${skipped[0]?.reason})` : ''),
    );
  }
  if (kind === 'folder2d') binaryMaskTo01(cases);
  const named = (declared ?? inferClasses(cases)).map((c) => ({
    code: c.code,
    name: options.classNames?.[c.code] ?? c.name,
  }));
  const classes = segmentCodes ? withSegmentCodes(named, segmentCodes, join(root, 'dataset.json')) : named;
  // Every label code must be a declared class; a bad case is handled like any other.
  const known = new Set(classes.map((c) => c.code));
  const kept: Case[] = [];
  for (const c of cases) {
    const bad = c.label ? firstUnknownCode(c.label, known) : undefined;
    if (bad === undefined) {
      kept.push(c);
      continue;
    }
    const file = resolve(root, c.files?.label ?? '');
    const reason = `${file}: label value ${bad} is not a declared class code (${[...known].join(', ')})`;
    if (onBad === 'fail') throw new DataFormatError(reason);
    skipped.push({ id: c.id, file, reason });
  }
  const rel = kept.flatMap((c) => [c.files?.image, c.files?.label]).filter((p): p is string => !!p);
  const digest = await digestFiles(root, [...extraFiles, ...rel]);
  return { name, kind, root, cases: kept, classes, skipped, digest, volumetric: kind !== 'folder2d' };
}

async function loadCase(
  root: string,
  f: CaseFiles,
  kind: DatasetKind,
  requireLabels: boolean,
  current: { file: string },
  cache: DecodedVolumeCache | undefined,
): Promise<Case> {
  const read = (p: string): Promise<Volume> => readVolume(p, kind === 'folder2d' || is2DImagePath(p), cache);
  current.file = f.image;
  const image = await read(f.image);
  const toRel = (p: string): string => relative(root, p).split(sep).join('/');
  if (!f.label) {
    if (requireLabels) throw new NotFoundError(`missing label for image ${f.image}`);
    return { id: f.id, image, files: { image: toRel(f.image) } };
  }
  current.file = f.label;
  const label = await read(f.label);
  if (kind === 'folder2d') {
    // Colour masks become luminance codes; round so each colour maps to one integer code.
    for (let i = 0; i < label.data.length; i++) label.data[i] = Math.round(label.data[i] as number);
  }
  const [a, b] = [image.shape, label.shape];
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new DataFormatError(
      `${f.label}: label shape ${b.join('x')} differs from image shape ${a.join('x')} (${f.image})`,
    );
  }
  for (let i = 0; i < label.data.length; i++) {
    const v = label.data[i] as number;
    if (!Number.isInteger(v) || v < 0) {
      throw new DataFormatError(
        `${f.label}: label values must be non-negative integers, found ${v} at index ${i}`,
      );
    }
  }
  return { id: f.id, image, label, files: { image: toRel(f.image), label: toRel(f.label) } };
}

/** Reads and decodes one image or label file, through the decoded-volume cache when there is one. */
async function readVolume(
  path: string,
  image2d: boolean,
  cache: DecodedVolumeCache | undefined,
): Promise<Volume> {
  const bytes = await readSourceFile(path, image2d ? 'image file' : 'NIfTI file');
  const decode = (): Volume | Promise<Volume> =>
    image2d ? decodeImage2D(bytes, path) : decodeNifti(bytes, path);
  if (!cache) return decode();
  const decoder = image2d ? `image2d${extname(path).toLowerCase()}` : 'nifti';
  return cache.getOrDecode(DecodedVolumeCache.key(bytes, decoder), decode);
}

async function readMsdJson(root: string): Promise<{
  files: CaseFiles[];
  classes?: ClassInfo[];
  segmentCodes?: Map<number, SegmentCodes>;
  name?: string;
}> {
  const file = join(root, 'dataset.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new DataFormatError(`${file}: invalid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!json || typeof json !== 'object') throw new DataFormatError(`${file}: expected a JSON object`);
  const obj = json as Record<string, unknown>;
  const training = obj['training'];
  if (!Array.isArray(training) || training.length === 0) {
    throw new DataFormatError(`${file}: 'training' must be a non-empty array of {image, label}`);
  }
  const files: CaseFiles[] = training.map((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    const img = e?.['image'];
    const lab = e?.['label'];
    if (typeof img !== 'string' || (lab !== undefined && typeof lab !== 'string')) {
      throw new DataFormatError(`${file}: training[${i}] needs string 'image' (and 'label')`);
    }
    const image = resolve(root, img);
    return {
      id: caseIdFromPath(image),
      image,
      ...(typeof lab === 'string' ? { label: resolve(root, lab) } : {}),
    };
  });
  let classes: ClassInfo[] | undefined;
  const labels = obj['labels'];
  if (labels && typeof labels === 'object') {
    classes = Object.entries(labels as Record<string, unknown>).map(([k, v]) => {
      const code = Number(k);
      if (!Number.isInteger(code) || code < 0)
        throw new DataFormatError(`${file}: label key '${k}' is not a class code`);
      return { code, name: String(v) };
    });
    classes.sort((a, b) => a.code - b.code);
    if (classes[0]?.code !== 0) classes.unshift({ code: 0, name: 'background' });
  }
  const segmentCodes =
    obj['segmentCodes'] === undefined ? undefined : parseSegmentCodes(obj['segmentCodes'], file);
  const name = typeof obj['name'] === 'string' ? (obj['name'] as string) : undefined;
  return {
    files,
    ...(classes ? { classes } : {}),
    ...(segmentCodes ? { segmentCodes } : {}),
    ...(name ? { name } : {}),
  };
}

async function listPairs(
  root: string,
  requireLabels: boolean,
): Promise<{ kind: DatasetKind; files: CaseFiles[] }> {
  const imagesDir = join(root, 'images');
  await requireDir(imagesDir, 'images folder');
  const imageNames = (await readdir(imagesDir)).filter((n) => !n.startsWith('.'));
  const nifti = imageNames.filter(isNiftiPath);
  const flat = imageNames.filter(is2DImagePath);
  if (nifti.length === 0 && flat.length === 0) {
    throw new DataFormatError(`${imagesDir}: no .nii/.nii.gz or .png/.tif/.gif images found`);
  }
  const kind: DatasetKind = nifti.length >= flat.length ? 'pairs' : 'folder2d';
  const names = kind === 'pairs' ? nifti : flat;
  let labelDir: string | undefined;
  for (const cand of kind === 'pairs' ? ['labels'] : ['masks', 'labels']) {
    if (await exists(join(root, cand))) {
      labelDir = join(root, cand);
      break;
    }
  }
  if (!labelDir && requireLabels) {
    throw new NotFoundError(`${join(root, kind === 'pairs' ? 'labels' : 'masks')}: label folder not found`);
  }
  const labelById = new Map<string, string>();
  if (labelDir) {
    for (const n of await readdir(labelDir)) {
      if (n.startsWith('.')) continue;
      if (kind === 'pairs' ? isNiftiPath(n) : is2DImagePath(n))
        labelById.set(caseIdFromPath(n), join(labelDir, n));
    }
  }
  const files = names.map((n) => {
    const id = caseIdFromPath(n);
    const label = labelById.get(id);
    return { id, image: join(imagesDir, n), ...(label ? { label } : {}) };
  });
  return { kind, files };
}

/** 2D masks saved as 0/255 are mapped to 0/1 when no other value occurs in the dataset. */
function binaryMaskTo01(cases: Case[]): void {
  const codes = collectCodes(cases);
  if (!codes.has(255) || [...codes].some((c) => c !== 0 && c !== 255)) return;
  for (const c of cases) {
    const d = c.label?.data;
    if (!d) continue;
    for (let i = 0; i < d.length; i++) if (d[i] === 255) d[i] = 1;
  }
}

function collectCodes(cases: Case[]): Set<number> {
  // Label codes are nearly always small integers: a table marks those, a set takes the rest.
  const small = new Uint8Array(256);
  const codes = new Set<number>();
  for (const c of cases) {
    const d = c.label?.data;
    if (!d) continue;
    for (let i = 0; i < d.length; i++) {
      const v = d[i] as number;
      if (v >= 0 && v < 256 && Number.isInteger(v)) small[v] = 1;
      else codes.add(v);
    }
  }
  small.forEach((seen, v) => {
    if (seen) codes.add(v);
  });
  return codes;
}

/** Classes from the codes present in the labels; code 0 is always 'background'. */
export function inferClasses(cases: Case[]): ClassInfo[] {
  const codes = collectCodes(cases);
  codes.add(0);
  return [...codes]
    .sort((a, b) => a - b)
    .map((code) => ({ code, name: code === 0 ? 'background' : `class_${code}` }));
}

function firstUnknownCode(label: Volume, known: Set<number>): number | undefined {
  const table = new Uint8Array(256);
  for (const k of known) if (k >= 0 && k < 256 && Number.isInteger(k)) table[k] = 1;
  const d = label.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (v >= 0 && v < 256 && Number.isInteger(v) ? table[v] !== 1 : !known.has(v)) return v;
  }
  return undefined;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function requireDir(p: string, what: string): Promise<void> {
  let s;
  try {
    s = await stat(p);
  } catch {
    throw new NotFoundError(`${what} not found: ${p}`);
  }
  if (!s.isDirectory()) throw new ValidationError(`${what} is not a directory: ${p}`);
}
