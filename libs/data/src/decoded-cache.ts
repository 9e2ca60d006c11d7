/**
 * A disk cache of decoded volumes, so that loading a dataset again skips gzip inflation and
 * voxel conversion. Entries are content-addressed: the key is the sha256 of the encoded
 * file's bytes, the decoder that read them and {@link DECODED_FORMAT_VERSION}, so a changed
 * file is a new key and is never served stale. The folder can be deleted at any time.
 *
 * One entry is one file `<key>.vol`:
 * - 8 bytes magic, uint32 LE length of the JSON header, the JSON header
 *   (`version`, `key`, `endian`, `dtype`, `shape`, `orientation`), zero padding to 8 bytes;
 * - 19 float64: spacing (3) and the row-major 4x4 affine (16);
 * - the voxels as `dtype`: uint8 or int16 when every value is such an integer (exact),
 *   else float32 (read back as a view on the file's bytes, without a copy).
 * Anything that does not match (truncated, foreign, older version) counts as a miss and is
 * overwritten by the next write. Writes go to a temp file renamed into place, so readers in
 * other processes see a whole entry or none.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { endianness, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Shape3, Volume } from './volume.js';

/** Bump whenever a decoder's output or the entry layout changes: older entries are then ignored. */
export const DECODED_FORMAT_VERSION = 1;

/** Default size bound of the cache folder: 4 GiB. */
export const DEFAULT_DECODED_CACHE_BYTES = 4 * 1024 ** 3;

const MAGIC = Buffer.from('NSUNVOL\0', 'latin1');
const ENTRY_SUFFIX = '.vol';
const TEMP_SUFFIX = '.tmp';
const GEOMETRY_VALUES = 19;
const ENDIAN = endianness();

type StoredType = 'uint8' | 'int16' | 'float32';
const BYTES: Record<StoredType, number> = { uint8: 1, int16: 2, float32: 4 };

interface EntryHeader {
  version: number;
  key: string;
  endian: string;
  dtype: StoredType;
  shape: Shape3;
  orientation: string;
}

/** Options of {@link DecodedVolumeCache}. */
export interface DecodedCacheOptions {
  /** Folder of the entries (created on first write). */
  dir: string;
  /** Largest total size of the entries, bytes; {@link DecodedVolumeCache.prune} evicts the least recently used beyond it. */
  maxBytes?: number;
}

/** The decoded-volume cache in one folder, with counters of what it served since it was created. */
export class DecodedVolumeCache {
  readonly dir: string;
  readonly maxBytes: number;
  /** Volumes served from an entry. */
  hits = 0;
  /** Volumes decoded from source because no valid entry was found. */
  misses = 0;
  private folder: Promise<unknown> | undefined;

  constructor(options: DecodedCacheOptions) {
    this.dir = resolve(options.dir);
    this.maxBytes = options.maxBytes ?? DEFAULT_DECODED_CACHE_BYTES;
  }

  /** The cache key of encoded `bytes` read by `decoder` (e.g. 'nifti', 'image2d.png'). */
  static key(bytes: Uint8Array, decoder: string): string {
    return createHash('sha256')
      .update(`nasunet-decoded/${DECODED_FORMAT_VERSION}/${decoder}\0`)
      .update(bytes)
      .digest('hex');
  }

  /** The volume of `key` from its entry, else `decode()`'s, stored for the next time. */
  async getOrDecode(key: string, decode: () => Volume | Promise<Volume>): Promise<Volume> {
    const cached = await this.read(key);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const volume = await decode();
    await this.write(key, volume);
    return volume;
  }

  /** Removes the least recently used entries (by modification time, refreshed on each hit) until the folder fits `maxBytes`. */
  async prune(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const files = [];
    for (const name of names) {
      if (!name.endsWith(ENTRY_SUFFIX) && !name.endsWith(TEMP_SUFFIX)) continue;
      const s = await stat(join(this.dir, name)).catch(() => undefined);
      if (s?.isFile()) files.push({ name, size: s.size, mtimeMs: s.mtimeMs });
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    files.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      await rm(join(this.dir, f.name), { force: true });
      total -= f.size;
    }
  }

  /** Path of the entry of `key`. */
  entryPath(key: string): string {
    return join(this.dir, key + ENTRY_SUFFIX);
  }

  private async read(key: string): Promise<Volume | undefined> {
    const path = this.entryPath(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return undefined;
    }
    const volume = parseEntry(bytes, key);
    if (volume) {
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
    }
    return volume;
  }

  /** Stores an entry; a failed write (full disk, read-only folder) leaves the cache without it. */
  private async write(key: string, volume: Volume): Promise<void> {
    const path = this.entryPath(key);
    const temp = `${path}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    try {
      this.folder ??= mkdir(this.dir, { recursive: true });
      await this.folder;
      await writeFile(temp, encodeEntry(key, volume));
      await rename(temp, path);
    } catch {
      this.folder = undefined;
      await rm(temp, { force: true });
    }
  }
}

/**
 * The cache the environment asks for: `NASUNET_DECODED_CACHE_DIR` names the folder (`off`
 * or empty: none), else `$XDG_CACHE_HOME/nasunet/decoded` or `~/.cache/nasunet/decoded`.
 */
export function decodedCacheFromEnv(env: NodeJS.ProcessEnv = process.env): DecodedVolumeCache | undefined {
  const dir = env['NASUNET_DECODED_CACHE_DIR'];
  if (dir !== undefined) return dir === '' || dir === 'off' ? undefined : new DecodedVolumeCache({ dir });
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache');
  return new DecodedVolumeCache({ dir: join(base, 'nasunet', 'decoded') });
}

/** The narrowest stored type that holds every value exactly. */
function storedType(data: Float32Array): StoredType {
  let fitsU8 = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isInteger(v) || v < -32768 || v > 32767 || Object.is(v, -0)) return 'float32';
    if (v < 0 || v > 255) fitsU8 = false;
  }
  return fitsU8 ? 'uint8' : 'int16';
}

function encodeEntry(key: string, volume: Volume): Uint8Array {
  const dtype = storedType(volume.data);
  const header: EntryHeader = {
    version: DECODED_FORMAT_VERSION,
    key,
    endian: ENDIAN,
    dtype,
    shape: volume.shape,
    orientation: volume.orientation,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const geometryAt = align8(MAGIC.length + 4 + json.length);
  const dataAt = geometryAt + GEOMETRY_VALUES * 8;
  const out = new Uint8Array(dataAt + volume.data.length * BYTES[dtype]);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  new Float64Array(out.buffer, geometryAt, GEOMETRY_VALUES).set([
    ...volume.spacingMm,
    ...volume.affine.flat(),
  ]);
  const n = volume.data.length;
  if (dtype === 'float32') new Float32Array(out.buffer, dataAt, n).set(volume.data);
  else if (dtype === 'int16') new Int16Array(out.buffer, dataAt, n).set(volume.data);
  else out.set(volume.data, dataAt);
  return out;
}

/** The volume of an entry, or undefined when it is not a whole, current entry of `key`. */
function parseEntry(file: Buffer, key: string): Volume | undefined {
  if (file.length < MAGIC.length + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const jsonLength = file.readUInt32LE(MAGIC.length);
  const geometryAt = align8(MAGIC.length + 4 + jsonLength);
  const dataAt = geometryAt + GEOMETRY_VALUES * 8;
  if (file.length < dataAt) return undefined;
  let header: EntryHeader;
  try {
    header = JSON.parse(
      file.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength),
    ) as EntryHeader;
  } catch {
    return undefined;
  }
  const { shape, dtype, orientation } = header ?? {};
  if (
    header?.version !== DECODED_FORMAT_VERSION ||
    header.key !== key ||
    header.endian !== ENDIAN ||
    !Object.hasOwn(BYTES, dtype) ||
    typeof orientation !== 'string' ||
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isSafeInteger(d) && d > 0)
  ) {
    return undefined;
  }
  const n = shape[0] * shape[1] * shape[2];
  if (file.length !== dataAt + n * BYTES[dtype]) return undefined;
  // Typed-array views need aligned offsets; a buffer that does not give them is copied once.
  const bytes = file.byteOffset % 8 === 0 ? file : new Uint8Array(file);
  const at = (offset: number): number => bytes.byteOffset + offset;
  const g = Array.from(new Float64Array(bytes.buffer, at(geometryAt), GEOMETRY_VALUES));
  let data: Float32Array;
  if (dtype === 'float32') data = new Float32Array(bytes.buffer, at(dataAt), n);
  else if (dtype === 'int16') data = Float32Array.from(new Int16Array(bytes.buffer, at(dataAt), n));
  else data = Float32Array.from(bytes.subarray(dataAt));
  return {
    data,
    shape: [shape[0], shape[1], shape[2]],
    spacingMm: [g[0] as number, g[1] as number, g[2] as number],
    affine: [0, 1, 2, 3].map((r) => g.slice(3 + 4 * r, 7 + 4 * r)),
    orientation,
  };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
