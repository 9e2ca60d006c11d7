/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto, IR version 8) that our
 * exporter writes, with the official field numbers: ModelProto, OperatorSetIdProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto (raw little-endian data),
 * ValueInfoProto, TypeProto.Tensor and TensorShapeProto. Plain objects in, bytes out.
 */
import { ProtoWriter } from './protobuf-writer.js';

/** ONNX IR version written (opset 17 needs IR >= 8). */
export const ONNX_IR_VERSION = 8;

/** TensorProto.DataType codes we use. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType codes. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** An initializer or constant: dims and the raw little-endian values. */
export interface TensorValue {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  values: Float32Array | BigInt64Array;
}

/** A node attribute: a number (int unless `float`), a list of ints, or a string. */
export type AttributeValue = number | readonly number[] | string | { float: number };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph input or output: float tensor with symbolic (string) or fixed (number) dims. */
export interface ValueSpec {
  name: string;
  dims: ReadonlyArray<number | string>;
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorValue[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
}

export interface ModelSpec {
  graph: GraphSpec;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  /** Free-form key/value pairs stored as metadata_props. */
  metadata?: Readonly<Record<string, string>>;
}

function encodeTensor(t: TensorValue): Uint8Array {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, t.dataType); // data_type
  w.string(8, t.name); // name
  const raw = new Uint8Array(t.values.byteLength);
  const view = new DataView(raw.buffer);
  if (t.values instanceof Float32Array) t.values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else t.values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  w.bytes(9, raw); // raw_data
  return w.finish();
}

function encodeAttribute(name: string, value: AttributeValue): Uint8Array {
  const w = new ProtoWriter().string(1, name); // name
  if (typeof value === 'number')
    w.int(3, value).int(20, AttributeType.INT); // i, type
  else if (typeof value === 'string')
    w.string(4, value).int(20, AttributeType.STRING); // s
  else if ('float' in value)
    w.float(2, value.float).int(20, AttributeType.FLOAT); // f
  else {
    for (const v of value) w.int(8, v); // ints
    w.int(20, AttributeType.INTS);
  }
  return w.finish();
}

function encodeNode(n: NodeSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.bytes(5, encodeAttribute(k, v));
  return w.finish();
}

function encodeValueInfo(v: ValueSpec): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number')
      dim.int(1, d); // dim_value
    else dim.string(2, d); // dim_param
    shape.bytes(1, dim.finish());
  }
  const tensorType = new ProtoWriter().int(1, DataType.FLOAT).bytes(2, shape.finish()); // elem_type, shape
  const type = new ProtoWriter().bytes(1, tensorType.finish()); // TypeProto.tensor_type
  return new ProtoWriter().string(1, v.name).bytes(2, type.finish()).finish();
}

function encodeGraph(g: GraphSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n)); // node
  w.string(2, g.name); // name
  for (const t of g.initializers) w.bytes(5, encodeTensor(t)); // initializer
  for (const v of g.inputs) w.bytes(11, encodeValueInfo(v)); // input
  for (const v of g.outputs) w.bytes(12, encodeValueInfo(v)); // output
  return w.finish();
}

/** Encodes a ModelProto. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, ONNX_IR_VERSION); // ir_version
  w.string(2, m.producerName).string(3, m.producerVersion); // producer_name, producer_version
  if (m.docString !== undefined) w.string(6, m.docString); // doc_string
  w.bytes(7, encodeGraph(m.graph)); // graph
  w.bytes(8, new ProtoWriter().string(1, '').int(2, m.opset).finish()); // opset_import (default domain)
  for (const [k, v] of Object.entries(m.metadata ?? {})) {
    w.bytes(14, new ProtoWriter().string(1, k).string(2, v).finish()); // metadata_props (StringStringEntryProto)
  }
  return w.finish();
}
