/**
 * Compressed copies of a folder of uncompressed DICOM files, made by encoders independent of
 * the decoders under test: dcmtk (Debian `dcmtk`: dcmcjpeg, dcmcjpls, dcmcrle) and, for
 * JPEG 2000 (no Debian encoder installed), openjpeg's own encoder with the codestream
 * encapsulated by dcmjs. For tests and the DICOM bench.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import loadEncoder from '@cornerstonejs/codec-openjpeg/wasmjs';
import { number, TAG } from '../elements.js';

/** The dcmtk command line writing each transfer syntax (input and output files appended). */
const DCMTK: Record<string, string[]> = {
  '1.2.840.10008.1.2.5': ['dcmcrle'],
  '1.2.840.10008.1.2.4.50': ['dcmcjpeg', '+eb'],
  '1.2.840.10008.1.2.4.51': ['dcmcjpeg', '+ee'],
  '1.2.840.10008.1.2.4.57': ['dcmcjpeg', '+el'],
  '1.2.840.10008.1.2.4.70': ['dcmcjpeg', '+e1'],
  '1.2.840.10008.1.2.4.80': ['dcmcjpls', '+el'],
  '1.2.840.10008.1.2.4.81': ['dcmcjpls', '+en'],
};
const J2K_LOSSLESS = '1.2.840.10008.1.2.4.90';
const J2K = '1.2.840.10008.1.2.4.91';

/** The transfer syntaxes {@link compressedCopy} writes. */
export const COPY_SYNTAXES = [...Object.keys(DCMTK), J2K_LOSSLESS, J2K];

/** True when dcmtk's encoders are installed. */
export const hasDcmtk = spawnSync('dcmcjpls', ['--version']).status === 0;

let encoderModule: ReturnType<typeof loadEncoder> | undefined;

/** `file` (Explicit VR Little Endian) as JPEG 2000, lossless or irreversible (quality 10). */
async function j2kCopy(file: string, out: string, lossless: boolean): Promise<void> {
  const bytes = readFileSync(file);
  const dict = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const ds = dict.dict;
  encoderModule ??= loadEncoder({ print: () => {}, printErr: () => {} });
  const codec = await encoderModule;
  const encoder = new codec.J2KEncoder();
  try {
    const allocated = number(ds, TAG.BitsAllocated, 'BitsAllocated') as number;
    const frame = {
      width: number(ds, TAG.Columns, 'Columns') as number,
      height: number(ds, TAG.Rows, 'Rows') as number,
      bitsPerSample: number(ds, TAG.BitsStored, 'BitsStored', allocated) as number,
      componentCount: 1,
      isSigned: number(ds, TAG.PixelRepresentation, 'PixelRepresentation', 0) === 1,
    };
    const pixels = ds[TAG.PixelData]?.Value?.[0] as ArrayBuffer;
    encoder
      .getDecodedBuffer(frame)
      .set(new Uint8Array(pixels, 0, frame.width * frame.height * (allocated / 8)));
    if (!lossless) encoder.setQuality(false, 10);
    encoder.encode();
    const codestream = encoder.getEncodedBuffer().slice();
    ds[TAG.PixelData] = { vr: 'OB', Value: [codestream.buffer] };
  } finally {
    encoder.delete();
  }
  dict.meta[TAG.TransferSyntaxUID] = { vr: 'UI', Value: [lossless ? J2K_LOSSLESS : J2K] };
  writeFileSync(out, new Uint8Array(dict.write()));
}

/** Writes every file of `src` into `out` (created) in `syntax`, one of {@link COPY_SYNTAXES}. */
export async function compressedCopy(src: string, out: string, syntax: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(src)) {
    const command = DCMTK[syntax];
    if (command === undefined) {
      await j2kCopy(join(src, name), join(out, name), syntax === J2K_LOSSLESS);
      continue;
    }
    const [tool, ...args] = command as [string, ...string[]];
    const r = spawnSync(tool, [...args, join(src, name), join(out, name)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} failed on ${name}: ${r.stderr}`);
  }
}
