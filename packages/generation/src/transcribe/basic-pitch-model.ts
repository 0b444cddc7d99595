// basic-pitch's pretrained network (Spotify's weights from @spotify/basic-pitch, Apache-2.0), exported to ONNX by
// training/common/basic_pitch.py and shipped in this package (models/basic-pitch: model.onnx, its manifest and the
// licence), run with onnxruntime window by window. onnxruntime runs it about 8× faster than tfjs's wasm backend did.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { openContractSession } from '../onnx-contract.js';
import { GenerationError } from '../imagic/errors.js';
import { NOTE_BINS, WINDOW_FRAMES, WINDOW_SAMPLES } from './basic-pitch.constants.js';
import { KEPT_FRAMES_PER_WINDOW, keptRows, outputFrameCount, windowCount, windowSamples } from './network-windows.js';

/** The network's note activations over a clip: [frameCount × 88] row-major, probabilities in 0..1. */
export interface NoteActivations {
  frameCount: number;
  /** a note of that pitch sounds in that frame */
  frames: Float32Array;
  /** a note of that pitch starts in that frame */
  onsets: Float32Array;
}

export interface ModelFacts {
  runtime: 'onnxruntime';
  /** reading the ONNX file, opening the session and one warm-up window */
  modelMs: number;
}

/** The shipped model folder (model.onnx, manifest.json, LICENSE). */
export const BASIC_PITCH_MODEL_DIR = fileURLToPath(new URL('../../models/basic-pitch/', import.meta.url));

interface Manifest {
  onnx: string;
  input: string;
  outputs: { note: string; onset: string };
  windowSamples: number;
  windowFrames: number;
  noteBins: number;
}

export class BasicPitchModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: Manifest,
    readonly facts: ModelFacts,
  ) {}

  static async load(dir = BASIC_PITCH_MODEL_DIR): Promise<BasicPitchModel> {
    const started = performance.now();
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(`${dir}/manifest.json`, 'utf8')) as Manifest;
    } catch (error) {
      throw new GenerationError('BUNDLE_INVALID', `Cannot load the basic-pitch transcription model in ${dir}: ${(error as Error).message}`, { cause: error });
    }
    // the windowing and the note decoder are written for the network's own geometry
    if (manifest.windowSamples !== WINDOW_SAMPLES || manifest.windowFrames !== WINDOW_FRAMES || manifest.noteBins !== NOTE_BINS) {
      throw new GenerationError('BUNDLE_INVALID', `${dir}: the transcription model does not have basic-pitch's window geometry`);
    }
    const session = await openContractSession(`${dir}/${manifest.onnx}`, 'basic-pitch transcription model', [manifest.input],
      [manifest.outputs.note, manifest.outputs.onset], 1);
    const model = new BasicPitchModel(session, manifest, { runtime: 'onnxruntime', modelMs: 0 });
    await model.runWindow(new Float32Array(WINDOW_SAMPLES));
    model.facts.modelMs = performance.now() - started;
    return model;
  }

  /** The activations of a mono 22,050 Hz clip. `onProgress` gets the share of windows done. */
  async activations(samples: Float32Array, onProgress?: (fraction: number) => void): Promise<NoteActivations> {
    const frameCount = outputFrameCount(samples.length);
    const windows = windowCount(samples.length);
    const frames = new Float32Array(frameCount * NOTE_BINS);
    const onsets = new Float32Array(frameCount * NOTE_BINS);
    onProgress?.(0);
    for (let w = 0; w < windows; w++) {
      const out = await this.runWindow(windowSamples(samples, w));
      const at = w * KEPT_FRAMES_PER_WINDOW;
      const rows = Math.min(KEPT_FRAMES_PER_WINDOW, frameCount - at);
      frames.set(keptRows(out.frames, NOTE_BINS).subarray(0, rows * NOTE_BINS), at * NOTE_BINS);
      onsets.set(keptRows(out.onsets, NOTE_BINS).subarray(0, rows * NOTE_BINS), at * NOTE_BINS);
      onProgress?.((w + 1) / windows);
    }
    return { frameCount, frames, onsets };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  /** one window (onnxruntime runs it off the event loop) */
  private async runWindow(window: Float32Array): Promise<{ frames: Float32Array; onsets: Float32Array }> {
    const { input, outputs } = this.manifest;
    const out = await this.session.run({ [input]: new ort.Tensor('float32', window, [1, WINDOW_SAMPLES]) });
    return { frames: out[outputs.note].data as Float32Array, onsets: out[outputs.onset].data as Float32Array };
  }
}
