// TensorFlow.js for basic-pitch, loaded on first use only (dynamic import: the API and the CLIs that never
// transcribe do not pay its ~0.5 s of module loading). The backend is tfjs's WebAssembly one, its .wasm files read
// from node_modules (XNNPACK with SIMD, one thread: ~15× tfjs's pure-JS "cpu" backend here); "cpu" is the fallback
// when the wasm backend cannot start. tfjs's backend is process-wide, so this is decided once per process.
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';

export type TfBackendName = 'wasm' | 'cpu';
export type TfModule = typeof Tf;

export interface TfRuntime {
  tf: TfModule;
  backend: TfBackendName;
  /** why the wasm backend did not start, when the fallback runs */
  fallbackReason?: string;
  /** module loading and backend start-up */
  startMs: number;
}

let runtime: Promise<TfRuntime> | undefined;

/** The one tfjs runtime of this process, started on the first call. */
export function tfRuntime(): Promise<TfRuntime> {
  runtime ??= startRuntime();
  return runtime;
}

/** the folder holding tfjs-backend-wasm's .wasm binaries, with a trailing separator (tfjs prepends it to names) */
export function wasmBinariesDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep;
}

async function startRuntime(): Promise<TfRuntime> {
  const started = performance.now();
  const tf = await import('@tensorflow/tfjs');
  // Production mode drops tfjs's per-op debug checks and its console advice to install tfjs-node (native
  // binaries, which this project never downloads).
  tf.enableProdMode();
  let fallbackReason: string | undefined;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Node has no Worker-from-Blob, which tfjs's threaded build needs: take the single-threaded SIMD binary.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setWasmPaths(wasmBinariesDir());
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return { tf, backend: 'wasm', startMs: performance.now() - started };
    }
    fallbackReason = 'tf.setBackend("wasm") returned false';
  } catch (error) {
    fallbackReason = error instanceof Error ? error.message : String(error);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error(`tfjs could start neither its wasm backend (${fallbackReason}) nor its cpu backend`);
  await tf.ready();
  return { tf, backend: 'cpu', fallbackReason, startMs: performance.now() - started };
}
