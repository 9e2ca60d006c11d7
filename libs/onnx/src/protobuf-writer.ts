/**
 * A minimal protocol-buffers writer: varints (unsigned and two's-complement int64),
 * 32-bit floats and length-delimited fields, enough to encode the ONNX messages of
 * onnx-proto.ts. Messages are built bottom-up: a nested message is encoded first and
 * written as the bytes of a length-delimited field.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: bigint): void {
    const out: number[] = [];
    let v = BigInt.asUintN(64, value);
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v === 0n ? low : low | 0x80);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  /** An int32/int64/enum field (negative values as 10-byte two's complement). */
  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`protobuf field ${field}: ${value} is not an integer`);
    this.key(field, WIRE_VARINT);
    this.varint(BigInt(value));
    return this;
  }

  /** A float field. */
  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.key(field, WIRE_FIXED32);
    this.push(b);
    return this;
  }

  /** A bytes or embedded-message field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
