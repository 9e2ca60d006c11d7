/**
 * `nasunet export`: a model as an ONNX file for other servers (ONNX Runtime, Triton). A
 * bundle directory is exported here; a registered model is read from the registry, which
 * stores the ONNX export beside the bundle (`model.onnx`; the registry's artifacts carry
 * the bundle's file names), and exported here from its
 * bundle when the version was registered without one.
 */
import type { DownloadModelResponse__Output, ModelRef } from '../../rpc/src/index.js';
import { writeFileAtomic } from '../../engine/src/index.js';
import { MANIFEST_FILE, WEIGHTS_FILE, readModelBundleDir } from '../../nas/src/index.js';
import { ONNX_FILE, exportOnnx } from '../../onnx/src/index.js';
import { readStream, targetOf } from './grpc-calls.js';
import type { GrpcRunner } from './grpc-runner.js';

/** What {@link exportModel} wrote. */
export interface ExportSummary {
  path: string;
  bytes: number;
  /** Where the ONNX came from: exported here, or the registry's stored artifact. */
  source: 'exported' | 'registry';
}

/** All artifacts of one model version, by name. */
async function downloadArtifacts(r: GrpcRunner, ref: ModelRef): Promise<Map<string, Buffer>> {
  const parts = new Map<string, Buffer[]>();
  const stream = r.registry.downloadModel({ model: ref });
  await readStream<DownloadModelResponse__Output>(
    stream,
    (m) => {
      if (m.chunk) {
        const list = parts.get(m.chunk.artifactName) ?? [];
        list.push(m.chunk.data);
        parts.set(m.chunk.artifactName, list);
      }
    },
    `downloading model ${ref.name}`,
    targetOf(r.registry),
  );
  return new Map([...parts].map(([k, v]) => [k, Buffer.concat(v)]));
}

/** Writes the ONNX of the bundle directory `dir` to `out`. */
export async function exportBundleDir(dir: string, out: string): Promise<ExportSummary> {
  const onnx = exportOnnx(await readModelBundleDir(dir));
  writeFileAtomic(out, Buffer.from(onnx));
  return { path: out, bytes: onnx.length, source: 'exported' };
}

/** Writes the ONNX of the registered model `ref` to `out`. */
export async function exportRegisteredModel(
  r: GrpcRunner,
  ref: ModelRef,
  out: string,
): Promise<ExportSummary> {
  const artifacts = await downloadArtifacts(r, ref);
  const stored = artifacts.get(ONNX_FILE);
  const onnx =
    stored ??
    exportOnnx({
      manifest: JSON.parse((artifacts.get(MANIFEST_FILE) ?? Buffer.from('null')).toString('utf8')) as unknown,
      weights: new Uint8Array(artifacts.get(WEIGHTS_FILE) ?? Buffer.alloc(0)),
    });
  writeFileAtomic(out, Buffer.from(onnx));
  return { path: out, bytes: onnx.length, source: stored ? 'registry' : 'exported' };
}
