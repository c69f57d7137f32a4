/**
 * Software adapters are recognised whatever route found them, and the advice for a machine
 * without an adapter fits what is installed there. Adapter info below is what Dawn (webgpu
 * 0.6.2) reported on Debian 12: SwiftShader through Vulkan, llvmpipe through OpenGL ES.
 */
import { describe, expect, it } from 'vitest';
import { createWebGPUBackend } from '../backend.js';
import { adapterAdvice, isSoftwareAdapter, SWIFTSHADER_ICD } from './adapter.js';

const swiftshader = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  isFallbackAdapter: true,
};
const llvmpipeGles = {
  vendor: '',
  architecture: '',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
  isFallbackAdapter: false,
};
const lavapipe = {
  vendor: 'mesa',
  architecture: '',
  device: 'llvmpipe (LLVM 15.0.6, 256 bits)',
  description: 'Mesa 22.3.6 (lavapipe)',
  isFallbackAdapter: false,
};
const realGpu = {
  vendor: 'nvidia',
  architecture: 'ada-lovelace',
  device: 'NVIDIA GeForce RTX 4090',
  description: 'NVIDIA: 550.54',
  isFallbackAdapter: false,
};

describe('software adapters', () => {
  it('are recognised by the fallback flag or by naming a software renderer', () => {
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    // Dawn's OpenGL ES route does not set isFallbackAdapter for llvmpipe.
    expect(isSoftwareAdapter(llvmpipeGles)).toBe(true);
    expect(isSoftwareAdapter(lavapipe)).toBe(true);
    expect(isSoftwareAdapter({ ...realGpu, description: 'Microsoft Basic Render Driver' })).toBe(
      true,
    );
    expect(isSoftwareAdapter(realGpu)).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
  });
});

describe('advice for a machine without an adapter', () => {
  const has =
    (...paths: string[]) =>
    (p: string) =>
      paths.includes(p);
  const loader = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';

  it('never suggests installing what is installed', () => {
    const installed = adapterAdvice({ env: {}, flags: [], exists: has(SWIFTSHADER_ICD, loader) });
    expect(installed).toContain(
      `SwiftShader is installed: set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
    );
    expect(installed).not.toMatch(/install `|libvulkan1/);
    const nothing = adapterAdvice({ env: {}, flags: [], exists: has() });
    expect(nothing).toContain('install `chromium` and `libvulkan1`');
    const onlyLoader = adapterAdvice({ env: {}, flags: [], exists: has(loader) });
    expect(onlyLoader).toContain('install `chromium` (Debian/Ubuntu)');
    expect(onlyLoader).not.toContain('libvulkan1');
  });

  it('does not repeat the route already taken', () => {
    const gles = adapterAdvice({ env: {}, flags: ['backend=opengles'], exists: has(loader) });
    expect(gles).toContain("Dawn's OpenGL ES backend found no adapter");
    expect(gles).not.toContain('TESSERA_WEBGPU_FLAGS=backend=opengles');
    const wrongIcd = adapterAdvice({
      env: { VK_ICD_FILENAMES: '/nope.json' },
      flags: [],
      exists: has(loader),
    });
    expect(wrongIcd).toContain('VK_ICD_FILENAMES names /nope.json, which does not exist');
    expect(wrongIcd).not.toContain('SwiftShader is installed');
  });
});

// Mesa's llvmpipe through Dawn's OpenGL ES backend, where the machine has it (Debian 12 does).
const gles = await createWebGPUBackend({ dawnFlags: ['backend=opengles'] }).catch(() => undefined);

describe.skipIf(!gles)(
  'an llvmpipe adapter found through TESSERA_WEBGPU_FLAGS=backend=opengles',
  () => {
    it('is software-emulated, so the default choice passes over it, and says so in its name', () => {
      try {
        expect(gles!.softwareEmulated).toBe(true);
        expect(gles!.adapterDescription).toMatch(/llvmpipe.*\(software renderer\)/);
      } finally {
        gles!.destroy();
      }
    });
  },
);
