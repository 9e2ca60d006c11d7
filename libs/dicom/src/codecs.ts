/**
 * Decoders of the encapsulated (compressed) transfer syntaxes read here, by transfer syntax
 * UID: RLE Lossless (rle.ts), JPEG baseline 8-bit, JPEG lossless, JPEG-LS and JPEG 2000
 * (codec packages). Each codec is loaded once, on the first frame that needs it; the
 * Emscripten ones print to a no-op instead of stdout, and their decoder objects are freed
 * after each frame. A decoded frame comes back as the raw little-endian samples of
 * BitsAllocated bits that an uncompressed image holds, so the pixel reader (pixels.ts)
 * masks to BitsStored and applies signedness and rescale as it does for uncompressed data.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DicomDataset } from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';
import { number, TAG, values } from './elements.js';
import { decodeRleFrame } from './rle.js';

/** The image a frame belongs to, as its dataset says. */
interface FrameShape {
  rows: number;
  columns: number;
  bitsAllocated: number;
}

/** Decoded samples with what the codec says about them. */
interface Decoded {
  samples: Uint8Array | Uint16Array;
  width: number;
  height: number;
  components: number;
  bits: number;
}

/** Decodes one frame; a codec that checks the frame itself returns the stored samples. */
type FrameDecoder = (frame: Uint8Array, shape: FrameShape, label: string) => Decoded | ArrayBuffer;

interface Codec {
  name: string;
  load: () => Promise<FrameDecoder>;
}

/** A decoder over an Emscripten module's decoder class (they share one interface). */
async function emscripten(
  module: Promise<{ default: (options: EmscriptenOptions) => Promise<Record<string, unknown>> }>,
  className: string,
): Promise<FrameDecoder> {
  // A fresh options object per module: Emscripten makes it the module object.
  const codec = await (await module).default({ print: () => {}, printErr: () => {} });
  const Decoder = codec[className] as new () => EmscriptenDecoder;
  return (frame) => {
    const decoder = new Decoder();
    try {
      decoder.getEncodedBuffer(frame.length).set(frame);
      decoder.decode();
      const info = decoder.getFrameInfo();
      const bytes = decoder.getDecodedBuffer().slice();
      return {
        samples: info.bitsPerSample > 8 ? new Uint16Array(bytes.buffer) : bytes,
        width: info.width,
        height: info.height,
        components: info.componentCount,
        bits: info.bitsPerSample,
      };
    } finally {
      decoder.delete();
    }
  };
}

/**
 * `frame` with two zero bytes before its EOI marker: jpeg-lossless-decoder-js 2.1 reads two
 * bytes ahead and, when the last sample's code ends within the two bytes before the
 * marker, takes the marker for the end of data and drops that sample. The padding bits
 * after the last code are never decoded (the decoder stops after the last sample).
 * @throws DataFormatError when `frame` has no EOI marker (the decoder would read past its end).
 */
function withLookahead(frame: Uint8Array, label: string): Uint8Array {
  let eoi = frame.length - 2;
  while (eoi >= 0 && !(frame[eoi] === 0xff && frame[eoi + 1] === 0xd9)) eoi--;
  if (eoi < 0) throw new DataFormatError(`${label}: the JPEG Lossless frame has no end of image (truncated)`);
  const out = new Uint8Array(frame.length + 2);
  out.set(frame.subarray(0, eoi));
  out.set(frame.subarray(eoi), eoi + 2);
  return out;
}

const JPEG_LOSSLESS: Codec = {
  name: 'JPEG Lossless',
  load: async () => {
    const { Decoder } = await import('jpeg-lossless-decoder-js');
    return (frame, _shape, label) => {
      const decoder = new Decoder();
      const samples = decoder.decode(withLookahead(frame, label).buffer as ArrayBuffer);
      if (decoder.yLoc !== decoder.yDim)
        throw new DataFormatError(`${label}: the JPEG Lossless frame ends before its last sample`);
      return {
        samples,
        width: decoder.xDim,
        height: decoder.yDim,
        components: decoder.numComp,
        bits: decoder.precision,
      };
    };
  },
};
const JPEG_LS: Codec = {
  name: 'JPEG-LS',
  load: () => emscripten(import('@cornerstonejs/codec-charls/decodewasmjs'), 'JpegLSDecoder'),
};
const JPEG_2000: Codec = {
  name: 'JPEG 2000',
  load: () => emscripten(import('@cornerstonejs/codec-openjpeg/decodewasmjs'), 'J2KDecoder'),
};

/** The encapsulated transfer syntaxes decoded here. */
export const CODECS: Record<string, Codec> = {
  '1.2.840.10008.1.2.5': {
    name: 'RLE Lossless',
    load: async () => (frame, s, label) =>
      decodeRleFrame(frame.buffer as ArrayBuffer, s.rows * s.columns, s.bitsAllocated / 8, label),
  },
  '1.2.840.10008.1.2.4.50': {
    name: 'JPEG Baseline (8-bit)',
    load: () => emscripten(import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'), 'JPEGDecoder'),
  },
  '1.2.840.10008.1.2.4.57': JPEG_LOSSLESS,
  '1.2.840.10008.1.2.4.70': { ...JPEG_LOSSLESS, name: 'JPEG Lossless, first-order prediction' },
  '1.2.840.10008.1.2.4.80': { ...JPEG_LS, name: 'JPEG-LS Lossless' },
  '1.2.840.10008.1.2.4.81': { ...JPEG_LS, name: 'JPEG-LS Near-Lossless' },
  '1.2.840.10008.1.2.4.90': { ...JPEG_2000, name: 'JPEG 2000 Lossless' },
  '1.2.840.10008.1.2.4.91': JPEG_2000,
};

/** Loaded decoders by loader: the syntaxes of one codec package share one module instance. */
const loaded = new Map<Codec['load'], Promise<FrameDecoder>>();

function decoderOf(codec: Codec): Promise<FrameDecoder> {
  let decoder = loaded.get(codec.load);
  if (decoder === undefined) {
    decoder = codec.load();
    loaded.set(codec.load, decoder);
  }
  return decoder;
}

/** `decoded` widened or narrowed to BitsAllocated-bit little-endian samples. */
function asStored(decoded: Decoded, shape: FrameShape, codec: string, label: string): ArrayBuffer {
  const { rows, columns, bitsAllocated } = shape;
  if (decoded.width !== columns || decoded.height !== rows || decoded.components !== 1) {
    throw new DataFormatError(
      `${label}: the ${codec} frame is ${decoded.width}x${decoded.height} with ${decoded.components} component(s), the header says ${columns}x${rows} grey-scale`,
    );
  }
  if (decoded.bits > bitsAllocated || decoded.samples.length !== rows * columns) {
    throw new DataFormatError(
      `${label}: the ${codec} frame has ${decoded.bits}-bit samples, BitsAllocated is ${bitsAllocated}`,
    );
  }
  // Typed arrays are little-endian on every platform Node runs on here.
  const out = [Uint8Array, Uint16Array, Uint32Array][Math.log2(bitsAllocated / 8)] as Uint8ArrayConstructor;
  const stored = new out(rows * columns);
  stored.set(decoded.samples);
  return stored.buffer;
}

/**
 * Replaces the encapsulated pixel data of a single-frame grey-scale image in `ds`, stored in
 * `transferSyntaxUid` (a key of {@link CODECS}), by its raw little-endian samples, then
 * yields to the event loop; other images (multi-frame, colour, odd BitsAllocated) are left
 * for the pixel reader to refuse.
 * @throws DataFormatError when the frame cannot be decoded or does not match the header.
 */
export async function decodePixelData(
  ds: DicomDataset,
  transferSyntaxUid: string,
  label: string,
): Promise<void> {
  const codec = CODECS[transferSyntaxUid];
  if (codec === undefined) return;
  const shape = {
    rows: number(ds, TAG.Rows, 'Rows') ?? 0,
    columns: number(ds, TAG.Columns, 'Columns') ?? 0,
    bitsAllocated: number(ds, TAG.BitsAllocated, 'BitsAllocated') ?? 0,
  };
  if (
    number(ds, TAG.SamplesPerPixel, 'SamplesPerPixel', 1) !== 1 ||
    number(ds, TAG.NumberOfFrames, 'NumberOfFrames', 1) !== 1 ||
    ![8, 16, 32].includes(shape.bitsAllocated)
  )
    return;
  // The fragments of a single-frame image are all parts of its one frame (PS3.5 A.4).
  const fragments = (values(ds, TAG.PixelData) ?? []).filter((f) => f instanceof ArrayBuffer);
  if (fragments.length === 0) throw new DataFormatError(`${label}: ${codec.name} pixel data missing`);
  const frame = new Uint8Array(fragments.reduce((n, f) => n + f.byteLength, 0));
  fragments.reduce((at, f) => (frame.set(new Uint8Array(f), at), at + f.byteLength), 0);
  const decode = await decoderOf(codec);
  let decoded;
  try {
    decoded = decode(frame, shape, label);
  } catch (err) {
    if (err instanceof DataFormatError) throw err;
    throw new DataFormatError(`${label}: the ${codec.name} frame could not be decoded`, { cause: err });
  }
  const raw = decoded instanceof ArrayBuffer ? decoded : asStored(decoded, shape, codec.name, label);
  ds[TAG.PixelData] = { vr: 'OW', Value: [raw] };
  await nextTurn();
}
