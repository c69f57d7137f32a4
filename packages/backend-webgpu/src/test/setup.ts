/**
 * Select a working adapter for Node tests on machines without a GPU: Chromium's SwiftShader
 * Vulkan driver, when installed and nothing else was chosen. Must run before Dawn's create().
 */
import { existsSync } from 'node:fs';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (
  process.env.VK_ICD_FILENAMES === undefined &&
  process.env.TESSERA_WEBGPU_FLAGS === undefined &&
  existsSync(SWIFTSHADER)
) {
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
}
