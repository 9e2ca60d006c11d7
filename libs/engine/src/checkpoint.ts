/**
 * Checkpoint file format and atomic writes.
 *
 * A checkpoint is one file: the 8-byte magic `NASCKPT1`, a little-endian uint32 header
 * length, a UTF-8 JSON header `{ meta, arrays: [{ name, length, offset }] }`, then the
 * float32 arrays back to back (little-endian, offsets in bytes from the data start).
 * Files are written to a temporary name in the same folder, fsync'ed and renamed, so a
 * reader never sees a half-written checkpoint even if the writer is killed.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
  existsSync,
  mkdirSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { DataFormatError, IntegrityError, NotFoundError } from '../../core/src/errors.js';

const MAGIC = 'NASCKPT1';

/** Named float32 arrays plus a JSON metadata object. */
export interface CheckpointContent<M = unknown> {
  meta: M;
  arrays: Record<string, Float32Array>;
}

/** Serialises a checkpoint to bytes. */
export function encodeCheckpoint(c: CheckpointContent): Buffer {
  const entries: Array<{ name: string; length: number; offset: number }> = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(c.arrays)) {
    entries.push({ name, length: arr.length, offset });
    offset += arr.length * 4;
  }
  const header = Buffer.from(JSON.stringify({ meta: c.meta, arrays: entries }), 'utf8');
  const out = Buffer.alloc(8 + 4 + header.length + offset);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  const base = 12 + header.length;
  for (const e of entries) {
    const arr = c.arrays[e.name] as Float32Array;
    Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(out, base + e.offset);
  }
  return out;
}

/** Parses bytes from {@link encodeCheckpoint}; `source` names the file in errors. */
export function decodeCheckpoint<M = unknown>(buf: Buffer, source = 'checkpoint'): CheckpointContent<M> {
  if (buf.length < 12 || buf.toString('ascii', 0, 8) !== MAGIC) {
    throw new DataFormatError(`${source}: not a checkpoint file (bad magic)`);
  }
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new IntegrityError(`${source}: truncated header`);
  let header: { meta: M; arrays: Array<{ name: string; length: number; offset: number }> };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + hlen));
  } catch (e) {
    throw new IntegrityError(`${source}: header is not valid JSON`, { cause: e });
  }
  const base = 12 + hlen;
  const arrays: Record<string, Float32Array> = {};
  for (const e of header.arrays) {
    const start = base + e.offset;
    if (start + e.length * 4 > buf.length)
      throw new IntegrityError(`${source}: array '${e.name}' is truncated`);
    const copy = new Float32Array(e.length);
    Buffer.from(copy.buffer).set(buf.subarray(start, start + e.length * 4));
    arrays[e.name] = copy;
  }
  return { meta: header.meta, arrays };
}

/** Writes `data` to `path` atomically (temp file in the same folder, fsync, rename). */
export function writeFileAtomic(path: string, data: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Writes a checkpoint atomically. */
export function saveCheckpoint(path: string, c: CheckpointContent): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

/** Reads a checkpoint; throws NotFoundError when absent. */
export function loadCheckpoint<M = unknown>(path: string): CheckpointContent<M> {
  if (!existsSync(path)) throw new NotFoundError(`checkpoint not found: ${path}`);
  return decodeCheckpoint<M>(readFileSync(path), path);
}
