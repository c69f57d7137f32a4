/**
 * Adapter discovery: `navigator.gpu` in browsers, the `webgpu` package (Dawn) in Node.
 *
 * Every failure throws a BackendError whose message says what was tried and how to make an
 * adapter available, because the registry shows that message as the reason the backend is
 * unavailable (`tessera backends`).
 */
import { BackendError } from '@tessera/core';

export interface AdapterOptions {
  /**
   * Node only: flags for Dawn's `create()`, e.g. `['backend=opengles']`. Defaults to the
   * comma-separated `TESSERA_WEBGPU_FLAGS` environment variable, else none.
   */
  readonly dawnFlags?: readonly string[];
  /**
   * `'compatibility'` accepts adapters that only implement WebGPU compatibility mode (Dawn's
   * OpenGL ES backend). Defaults to `TESSERA_WEBGPU_FEATURE_LEVEL`, else `'compatibility'` when
   * the Dawn flags select `backend=opengles`, else `'core'`.
   */
  readonly featureLevel?: 'core' | 'compatibility';
  readonly powerPreference?: GPUPowerPreference;
}

export interface FoundAdapter {
  readonly adapter: GPUAdapter;
  /** Dawn's GPU object; kept referenced so the instance behind the adapter stays alive. */
  readonly gpu: GPU;
  /** One line naming the adapter, for reports and benchmarks. */
  readonly description: string;
}

/** Chromium's SwiftShader Vulkan driver, where Debian and Ubuntu's `chromium` package puts it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Where the Vulkan loader (Debian `libvulkan1`) lives on common Linux layouts. */
const VULKAN_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];

/** What this machine has, for advice that fits it (never "install" what is installed). */
export interface AdapterEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: readonly string[];
  readonly exists: (path: string) => boolean;
}

/**
 * How to get a WebGPU adapter in Node on a machine without a usable GPU, given what is
 * installed and already configured. Both routes are software renderers: correct but slow, so
 * the default backend choice passes over them; they are for running WebGPU code, not for speed.
 */
export function adapterAdvice({ env, flags, exists }: AdapterEnvironment): string {
  const gles = flags.includes('backend=opengles') || flags.includes('backend=opengl');
  const icd = env.VK_ICD_FILENAMES;
  const hasLoader = VULKAN_LOADERS.some(exists);
  const tips: string[] = [];
  if (gles) {
    tips.push(
      "Dawn's OpenGL ES backend found no adapter: it needs Mesa's EGL (Debian: libegl-mesa0) " +
        'and EGL_PLATFORM=surfaceless when there is no display',
    );
  } else if (icd !== undefined && icd !== '') {
    if (!exists(icd)) tips.push(`VK_ICD_FILENAMES names ${icd}, which does not exist`);
    else if (!hasLoader) tips.push('the Vulkan loader is missing (Debian/Ubuntu: libvulkan1)');
    else tips.push(`the Vulkan driver in VK_ICD_FILENAMES=${icd} offered no usable adapter`);
  } else if (exists(SWIFTSHADER_ICD)) {
    tips.push(
      `SwiftShader is installed: set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}` +
        (hasLoader ? '' : ' and install the Vulkan loader (libvulkan1)'),
    );
  } else {
    const missing = ['chromium', ...(hasLoader ? [] : ['libvulkan1'])];
    tips.push(
      `install ${missing.map((p) => `\`${p}\``).join(' and ')} (Debian/Ubuntu) and set ` +
        `VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (SwiftShader)`,
    );
  }
  if (!gles) tips.push('or set TESSERA_WEBGPU_FLAGS=backend=opengles (Mesa llvmpipe)');
  return `Without a GPU: ${tips.join('; ')}. Both are software renderers, slower than the cpu backend`;
}

interface ProcessLike {
  versions?: { node?: string };
  env: Record<string, string | undefined>;
}

function nodeProcess(): ProcessLike | undefined {
  const p = (globalThis as { process?: ProcessLike }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

/**
 * Whether an adapter runs shaders on the CPU, whatever route found it: Dawn's fallback adapter
 * (SwiftShader) says so with `isFallbackAdapter`, but Mesa's llvmpipe through Dawn's OpenGL ES
 * backend reports `isFallbackAdapter: false` and names itself only in the device string
 * ("llvmpipe-llvm-15-0-6-256-bits-"), so the names of known software renderers count too.
 */
export function isSoftwareAdapter(info: Partial<GPUAdapterInfo>): boolean {
  if (info.isFallbackAdapter === true) return true;
  const text = [info.vendor, info.architecture, info.device, info.description]
    .filter((s) => typeof s === 'string')
    .join(' ')
    .toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b|\bsoftware\b|\bcpu\b/.test(
    text,
  );
}

/** A short description of an adapter: vendor, architecture, device, driver. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => typeof s === 'string' && s.length > 0,
  );
  const text = parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
  return isSoftwareAdapter(info) ? `${text} (software renderer)` : text;
}

/** Dawn's null backend accepts every command and computes nothing: never use it. */
function isNullAdapter(adapter: GPUAdapter): boolean {
  return adapter.info.device === 'null-backend';
}

export async function findAdapter(options: AdapterOptions = {}): Promise<FoundAdapter> {
  const browserGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  // A page's navigator.gpu wins; in Node it exists only when the program installed one
  // (e.g. to share Dawn's GPU object with another library), and then we use the same one.
  if (browserGpu)
    return fromGpu(browserGpu, options.featureLevel ?? 'core', options, 'navigator.gpu');
  const proc = nodeProcess();
  if (proc) return fromDawn(proc, options);
  throw new BackendError(
    'webgpu: this JavaScript environment has no WebGPU (navigator.gpu is undefined). ' +
      'Use a browser with WebGPU enabled (Chrome/Edge 113+, Firefox 141+, Safari 26+) over https or localhost.',
  );
}

async function fromGpu(
  gpu: GPU,
  featureLevel: 'core' | 'compatibility',
  options: AdapterOptions,
  where: string,
): Promise<FoundAdapter> {
  const request: GPURequestAdapterOptions & { featureLevel?: string } = {};
  if (options.powerPreference) request.powerPreference = options.powerPreference;
  if (featureLevel === 'compatibility') request.featureLevel = 'compatibility';
  const adapter = await gpu.requestAdapter(request);
  if (!adapter) {
    throw new BackendError(
      `webgpu: no WebGPU adapter (${where}.requestAdapter() returned none, featureLevel '${featureLevel}')`,
    );
  }
  if (isNullAdapter(adapter)) {
    throw new BackendError(
      `webgpu: ${where} offered Dawn's null backend, which computes nothing; refusing it`,
    );
  }
  return { adapter, gpu, description: describeAdapter(adapter) };
}

interface DawnModule {
  create(flags: string[]): GPU;
}

async function fromDawn(proc: ProcessLike, options: AdapterOptions): Promise<FoundAdapter> {
  // A variable specifier keeps bundlers from trying to pull the native addon into a browser bundle.
  const specifier = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BackendError(
      `webgpu: Node has no WebGPU unless the optional 'webgpu' package (Dawn, 0.6.2) loads: ${why}. ` +
        'Install it with `npm install webgpu@0.6.2`.',
    );
  }
  const envFlags = proc.env.TESSERA_WEBGPU_FLAGS;
  const flags = [
    ...(options.dawnFlags ?? (envFlags ? envFlags.split(',').map((s) => s.trim()) : [])),
  ].filter((f) => f.length > 0);
  if (flags.includes('backend=null')) {
    throw new BackendError(
      "webgpu: Dawn flag 'backend=null' selects an adapter that computes nothing; refusing it",
    );
  }
  const gles = flags.includes('backend=opengles') || flags.includes('backend=opengl');
  // Mesa needs a platform to open an EGL display without a window system; surfaceless is
  // the one that works headless. Only set when the caller asked for the GL backend.
  if (gles && proc.env.EGL_PLATFORM === undefined) proc.env.EGL_PLATFORM = 'surfaceless';
  const envLevel = proc.env.TESSERA_WEBGPU_FEATURE_LEVEL;
  const featureLevel =
    options.featureLevel ??
    (envLevel === 'core' || envLevel === 'compatibility'
      ? envLevel
      : gles
        ? 'compatibility'
        : 'core');
  const gpu = dawn.create(flags);
  try {
    return await fromGpu(gpu, featureLevel, options, `Dawn create([${flags.join(', ')}])`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const icd = proc.env.VK_ICD_FILENAMES;
    // Only Node gets here; a variable specifier keeps bundlers from resolving node:fs.
    const fsSpecifier = 'node:fs';
    const { existsSync } = (await import(
      /* @vite-ignore */ fsSpecifier
    )) as typeof import('node:fs');
    const advice = adapterAdvice({ env: proc.env, flags, exists: existsSync });
    throw new BackendError(`${why}; VK_ICD_FILENAMES${icd ? `=${icd}` : ' unset'}. ${advice}.`);
  }
}
