// basic-pitch's pretrained network (the tfjs graph model shipped inside @spotify/basic-pitch, Apache-2.0), read
// from node_modules with tf.io.fromMemory (tfjs's file:// loader does not work in Node) and run window by window.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GraphModel, Tensor } from '@tensorflow/tfjs';
import { NOTE_BINS, OUTPUT_FRAMES, OUTPUT_ONSETS, WINDOW_SAMPLES } from './basic-pitch.constants.js';
import { KEPT_FRAMES_PER_WINDOW, keptRows, outputFrameCount, windowCount, windowSamples } from './network-windows.js';
import { tfRuntime, type TfBackendName, type TfModule } from './tf-runtime.js';

/** The network's note activations over a clip: [frameCount × 88] row-major, probabilities in 0..1. */
export interface NoteActivations {
  frameCount: number;
  /** a note of that pitch sounds in that frame */
  frames: Float32Array;
  /** a note of that pitch starts in that frame */
  onsets: Float32Array;
}

export interface ModelFacts {
  backend: TfBackendName;
  fallbackReason?: string;
  /** waiting for tfjs's module loading and backend start-up (once per process; ~0 once another model started it) */
  runtimeMs: number;
  /** reading the weights and one warm-up window (the backend compiles its kernels on the first run) */
  modelMs: number;
}

export function basicPitchModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@spotify/basic-pitch/package.json')), 'model');
}

export class BasicPitchModel {
  private constructor(
    private readonly tf: TfModule,
    private readonly graph: GraphModel,
    readonly facts: ModelFacts,
  ) {}

  static async load(): Promise<BasicPitchModel> {
    const before = performance.now();
    const runtime = await tfRuntime();
    const runtimeMs = performance.now() - before;
    const started = performance.now();
    const dir = basicPitchModelDir();
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const weights = await Promise.all(
      manifest.weightsManifest.flatMap((group: { paths: string[] }) => group.paths).map((path: string) => readFile(join(dir, path))),
    );
    const weightData = Buffer.concat(weights);
    const graph = await runtime.tf.loadGraphModel(runtime.tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group: { weights: unknown[] }) => group.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }));
    const model = new BasicPitchModel(runtime.tf, graph, { backend: runtime.backend, fallbackReason: runtime.fallbackReason, runtimeMs, modelMs: 0 });
    model.runWindow(new Float32Array(WINDOW_SAMPLES));
    model.facts.modelMs = performance.now() - started;
    return model;
  }

  /**
   * The activations of a mono 22,050 Hz clip. `onProgress` gets the share of windows done; between windows the
   * event loop runs (each window is ~0.15 s of synchronous work on the wasm backend).
   */
  async activations(samples: Float32Array, onProgress?: (fraction: number) => void): Promise<NoteActivations> {
    const frameCount = outputFrameCount(samples.length);
    const windows = windowCount(samples.length);
    const frames = new Float32Array(frameCount * NOTE_BINS);
    const onsets = new Float32Array(frameCount * NOTE_BINS);
    onProgress?.(0);
    for (let w = 0; w < windows; w++) {
      const out = this.runWindow(windowSamples(samples, w));
      const at = w * KEPT_FRAMES_PER_WINDOW;
      const rows = Math.min(KEPT_FRAMES_PER_WINDOW, frameCount - at);
      frames.set(keptRows(out.frames, NOTE_BINS).subarray(0, rows * NOTE_BINS), at * NOTE_BINS);
      onsets.set(keptRows(out.onsets, NOTE_BINS).subarray(0, rows * NOTE_BINS), at * NOTE_BINS);
      onProgress?.((w + 1) / windows);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { frameCount, frames, onsets };
  }

  dispose(): void {
    this.graph.dispose();
  }

  /** one window through the graph; every tensor is freed before returning */
  private runWindow(window: Float32Array): { frames: Float32Array; onsets: Float32Array } {
    const [frames, onsets] = this.tf.tidy(() => {
      const input = this.tf.tensor3d(window, [1, WINDOW_SAMPLES, 1]);
      return this.graph.execute(input, [OUTPUT_FRAMES, OUTPUT_ONSETS]) as Tensor[];
    });
    try {
      return { frames: frames.dataSync() as Float32Array, onsets: onsets.dataSync() as Float32Array };
    } finally {
      frames.dispose();
      onsets.dispose();
    }
  }
}
