// Choosing and starting a tfjs backend. The backends themselves are registered by ./kernels.js (the
// browser build, with only the kernels Vitrine runs) or by whoever imports this (tests in Node).
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendPreference } from '../types/index.js';

/** What a check of the WASM binary found: nothing wrong (undefined), no binary to be had, or a wrong one. */
export type WasmCheck = undefined | { unavailable: string } | { integrity: string };

export interface BackendChoice {
  backend: BackendName | undefined;
  reason: string;
  /** Set when a file the backend needs did not match its hash: nothing may run. */
  integrity?: string;
}

// Renderer strings of software rasterisers. They run WebGL on the CPU, slower than WASM, so they count as
// no GPU (Chromium headless and VMs report SwiftShader; Mesa reports llvmpipe or softpipe).
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

/** Whether a WebGL renderer string names real GPU hardware. `null` means WebGL2 is unavailable. */
export function classifyRenderer(renderer: string | null): { hardware: boolean; reason: string } {
  if (renderer === null) return { hardware: false, reason: 'WebGL2 unavailable' };
  if (SOFTWARE_RENDERER.test(renderer)) return { hardware: false, reason: `software WebGL renderer (${renderer})` };
  return { hardware: true, reason: `hardware WebGL renderer (${renderer})` };
}

/** The WebGL2 renderer string of this browser, or `null` where there is no WebGL2 (or no DOM). */
export function webglRenderer(): string | null {
  if (typeof document === 'undefined') return null;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  // Chromium returns the unmasked renderer from RENDERER; others need the debug extension.
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

const CHAIN: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/**
 * Starts a tfjs backend. Tries the preferred one, then the rest of webgl → wasm → cpu, and says why the
 * one in use was chosen. Must run before any tensor is made: tensors belong to the backend that made them.
 */
export async function chooseBackend(
  preference: BackendPreference,
  {
    renderer = webglRenderer,
    beforeWasm,
    wasmFrom,
  }: {
    renderer?: () => string | null;
    /** Runs before the WASM backend starts: may skip it (its binary is missing) or stop everything (it fails its hash). */
    beforeWasm?: () => Promise<WasmCheck>;
    /** Where the WASM binary is fetched from, named when it fails to start. */
    wasmFrom?: string;
  } = {},
): Promise<BackendChoice> {
  let start: number;
  let why: string;
  // A tfjs shared with the app (the npm build) has one active backend for both: when the app chose one,
  // 'auto' keeps it rather than switch the app's tensors to another.
  const appBackend = __VITRINE_OWN_TFJS__ ? undefined : activeBackend();
  if (preference === 'auto' && appBackend && (CHAIN as readonly string[]).includes(appBackend)) {
    start = CHAIN.indexOf(appBackend as BackendName);
    why = `the page's TensorFlow.js already runs on ${appBackend}`;
  } else if (preference === 'auto') {
    const name = renderer();
    const gpu = classifyRenderer(name);
    start = gpu.hardware ? 0 : 1;
    why = gpu.hardware || name === null ? gpu.reason : `${gpu.reason}, slower than WASM`;
  } else {
    start = CHAIN.indexOf(preference);
    why = `'${preference}' requested`;
  }
  const failed: string[] = [];
  for (const name of CHAIN.slice(start)) {
    const check = name === 'wasm' && beforeWasm ? await beforeWasm() : undefined;
    if (check && 'integrity' in check) return { backend: undefined, reason: `${why}; ${check.integrity}`, integrity: check.integrity };
    if (check && 'unavailable' in check) {
      failed.push(`${name} (${check.unavailable})`);
      continue;
    }
    if (await quietly(() => startBackend(name))) {
      const fell = failed.length ? `; ${failed.join(', ')} failed to start` : '';
      const reason = `${why}${fell}: using ${name}`;
      // One clear line in place of the many that tfjs and its WASM loader would have printed.
      if (failed.length && typeof console !== 'undefined') console.warn(`vitrine: ${reason}`);
      return { backend: name, reason };
    }
    failed.push(name === 'wasm' && wasmFrom ? `wasm (its binary from ${wasmFrom})` : name);
  }
  return { backend: undefined, reason: `${why}; ${failed.join(', ')} failed to start` };
}

/** The backend tfjs is set to, without initialising one (tf.getBackend() would pick and start one). */
function activeBackend(): string | undefined {
  return (tf.engine() as unknown as { backendName?: string | null }).backendName ?? undefined;
}

async function startBackend(name: BackendName): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

// What tfjs and the WASM loader print while a backend fails to start, word for word: tfjs's "Initialization
// of backend … failed", "Could not get context for WebGL …" and "Make sure the server can serve the `.wasm`
// file…", emscripten's "Aborted(…)" and its wasm fetch and compile messages. Only messages that begin so
// are held back, and only during a start: the page's own messages pass, whatever words they use.
const BACKEND_NOISE =
  /^(Initialization of backend \w+ failed|Could not get context for WebGL|Aborted\(|failed to asynchronously prepare wasm|wasm streaming compile failed|falling back to ArrayBuffer instantiation|both async and sync fetching of the wasm failed|Make sure the server can serve the `\.wasm` file|Error: (Initialization of backend|Could not get context|Aborted\())/;

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  if (typeof console === 'undefined') return f();
  const methods = ['warn', 'log', 'error'] as const;
  const originals = methods.map((m) => console[m]);
  const filters = originals.map(
    (original) =>
      (...args: unknown[]) => {
        if (!BACKEND_NOISE.test(String(args[0]))) original.apply(console, args);
      },
  );
  methods.forEach((m, i) => (console[m] = filters[i]));
  try {
    return await f();
  } finally {
    // Put back only what is still ours: a page that replaced a method meanwhile keeps its own.
    methods.forEach((m, i) => console[m] === filters[i] && (console[m] = originals[i]));
  }
}

/** The parts of tfjs's WebGL backend used here. */
interface WebGLBackend {
  gpgpu: { gl: WebGL2RenderingContext; parallelCompilationExtension?: { COMPLETION_STATUS_KHR: number } | null };
  binaryCache: Record<string, { webGLProgram: WebGLProgram }>;
  decode(dataId: object): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
  checkCompletion_(binary: unknown): boolean;
  getUniformLocations(): void;
}

const webgl = (): WebGLBackend | undefined => (tf.getBackend() === 'webgl' ? (tf.backend() as unknown as WebGLBackend) : undefined);

/** Whether the backend in use is WebGL and has lost its context (GPU reset, driver update, tab in background). */
export function webglContextLost(): boolean {
  return webgl()?.gpgpu.gl.isContextLost() ?? false;
}

/**
 * Uploads `uploads`, then compiles the shaders of every operation the `steps` issue, and of reading a
 * step's result back (decoding its texture), without running them (tfjs's compile-only mode), one step per
 * task; then waits for each program without blocking the page for long: with KHR_parallel_shader_compile
 * the driver compiles in the background and the program's status is polled; without it, each program's
 * link status (which waits for its compilation) is read in a task of its own. A first run would otherwise
 * compile them all synchronously, in one long task. Shapes are passed as uniforms, so lists of other
 * lengths reuse these shaders.
 */
export async function compileShaders(steps: readonly (() => tf.Tensor | void)[], pause: () => Promise<void>, uploads: readonly tf.Tensor[] = []): Promise<void> {
  const b = webgl();
  if (!b) return;
  // Shapes as uniforms: one shader serves every list length. A flag of tfjs's: set only on Vitrine's own
  // copy (the script tag); the npm build leaves the app's flags alone and pads gathers to a few lengths.
  if (__VITRINE_OWN_TFJS__) tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
  // Large inputs go to the GPU first, each in a task of its own (a texture upload of a 5,000-item table
  // takes tens of ms on a software renderer).
  for (const t of uploads) {
    b.uploadToGPU(t.dataId);
    await pause();
  }
  const compileOnly = tf.env().getBool('ENGINE_COMPILE_ONLY');
  for (const step of steps) {
    tf.env().set('ENGINE_COMPILE_ONLY', true);
    try {
      const result = step();
      if (result) {
        b.disposeIntermediateTensorInfo(b.decode(result.dataId));
        result.dispose();
      }
    } finally {
      tf.env().set('ENGINE_COMPILE_ONLY', compileOnly);
    }
    await pause();
  }
  const { gl, parallelCompilationExtension: parallel } = b.gpgpu;
  for (const binary of Object.values(b.binaryCache)) {
    if (parallel) while (!gl.getProgramParameter(binary.webGLProgram, parallel.COMPLETION_STATUS_KHR)) await new Promise((r) => setTimeout(r, 4));
    b.checkCompletion_(binary); // throws, with the shader's log, when it failed
    await pause();
  }
  b.getUniformLocations();
}
