import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vulkanLoaderPresent } from './vulkan-loader.js';

const CACHE_WITH = '\tlibvulkan.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libvulkan.so.1\n';
const CACHE_WITHOUT = '\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1\n';

test('the Vulkan loader is found in the linker cache or on LD_LIBRARY_PATH, and only there', () => {
  assert.equal(
    vulkanLoaderPresent('linux', {}, () => CACHE_WITH),
    true,
  );
  assert.equal(
    vulkanLoaderPresent('linux', {}, () => CACHE_WITHOUT),
    false,
  );
  const dir = mkdtempSync(join(tmpdir(), 'vk-'));
  try {
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    assert.equal(
      vulkanLoaderPresent('linux', { LD_LIBRARY_PATH: `/nowhere:${dir}` }, () => CACHE_WITHOUT),
      true,
    );
    assert.equal(
      vulkanLoaderPresent('linux', { LD_LIBRARY_PATH: '/nowhere' }, () => CACHE_WITHOUT),
      false,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Unknown: leave the decision to Dawn.
  assert.equal(
    vulkanLoaderPresent('linux', {}, () => null),
    true,
  );
  assert.equal(
    vulkanLoaderPresent('darwin', {}, () => CACHE_WITHOUT),
    true,
  );
});
