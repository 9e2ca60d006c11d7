/**
 * The part of the codec packages (which ship no types for these entry points) that this
 * lib uses: the Emscripten decoders of @cornerstonejs (and openjpeg's encoder, used by
 * tests to build JPEG 2000 fixtures), and jpeg-lossless-decoder-js.
 */

/** What an Emscripten codec reports about the frame it decoded or is to encode. */
interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

/** An Emscripten decoder object: fill the encoded buffer, decode, read the decoded bytes, delete. */
interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  /** A view into the module's heap, valid until the next call. */
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

/** Module options: where the module prints (it writes diagnostics to stdout otherwise). */
interface EmscriptenOptions {
  print(text: string): void;
  printErr(text: string): void;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const load: (options: EmscriptenOptions) => Promise<{ J2KDecoder: new () => EmscriptenDecoder }>;
  export default load;
}
declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  interface J2KEncoder {
    getDecodedBuffer(frameInfo: CodecFrameInfo): Uint8Array;
    setQuality(lossless: boolean, quality: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete(): void;
  }
  const load: (options: EmscriptenOptions) => Promise<{ J2KEncoder: new () => J2KEncoder }>;
  export default load;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const load: (options: EmscriptenOptions) => Promise<{ JpegLSDecoder: new () => EmscriptenDecoder }>;
  export default load;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const load: (options: EmscriptenOptions) => Promise<{ JPEGDecoder: new () => EmscriptenDecoder }>;
  export default load;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** The samples of the JPEG lossless image in `buffer` (8 or 16 bits each). */
    decode(buffer: ArrayBuffer, offset?: number, length?: number): Uint8Array | Uint16Array;
    xDim: number;
    yDim: number;
    /** The row the next decoded sample goes to: yDim once every sample was decoded. */
    yLoc: number;
    numComp: number;
    precision: number;
  }
}
