import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAdapter, isSoftwareAdapter, probeWebGpu } from './webgpu.js';

test('software and fallback adapters are refused, hardware ones accepted', () => {
  const info = (vendor: string, architecture: string, device: string, description: string) =>
    ({ vendor, architecture, device, description }) as unknown as GPUAdapterInfo;
  const lavapipe = describeAdapter(info('mesa', '', '', 'llvmpipe (LLVM 15.0.7, 256 bits)'));
  assert.equal(isSoftwareAdapter(false, lavapipe), true);
  assert.equal(
    isSoftwareAdapter(false, describeAdapter(info('google', 'swiftshader', '', 'SwiftShader Device'))),
    true,
  );
  assert.equal(isSoftwareAdapter(true, 'nvidia'), true);
  const h100 = describeAdapter(info('nvidia', 'hopper', '', 'NVIDIA H100 80GB HBM3'));
  assert.equal(h100, 'nvidia (hopper) NVIDIA H100 80GB HBM3');
  assert.equal(isSoftwareAdapter(false, h100), false);
});

test('probing never throws and gives a reason when no hardware adapter is usable', async () => {
  const r = await probeWebGpu();
  if (!r.ok) assert.match(r.reason, /\S/);
  else assert.ok(r.description.length > 0);
});
