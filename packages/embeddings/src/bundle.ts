import { readFile, access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BundleError, InvalidMediaError } from './errors.js';
import { validateManifest, type MuvisManifest } from './manifest.js';
import { OnnxTower } from './onnx-tower.js';
import { decodeAudio, type AudioLimits } from './audio/decode.js';
import { resample } from './audio/resample.js';
import { fbank, normalizeFbank } from './audio/fbank.js';
import { hopFrames, meanPoolNormalized, windowStarts } from './audio/windows.js';
import { decodeImage, type DecodedImage, type ImageLimits } from './image/decode.js';
import { imageTensor } from './image/preprocess.js';

export interface LoadBundleOptions {
  /** onnxruntime intra-op threads per tower (default 1). */
  intraOpThreads?: number;
  /** Items per ONNX run (default 32). */
  maxBatch?: number;
  imageLimits?: Partial<ImageLimits>;
  audioLimits?: Partial<AudioLimits>;
}

export type ImagePixels = Pick<DecodedImage, 'width' | 'height' | 'pixels'>;

/** A loaded MuVis bundle: both towers plus the preprocessing its manifest prescribes. */
export class MuvisBundle {
  readonly name: string;
  readonly version: string;
  readonly dim: number;

  constructor(
    readonly dir: string,
    readonly manifest: MuvisManifest,
    private readonly audioTower: OnnxTower,
    private readonly imageTower: OnnxTower,
    private readonly options: LoadBundleOptions,
  ) {
    this.name = manifest.name;
    this.version = manifest.version;
    this.dim = manifest.embeddingDim;
  }

  // ---- preprocessing (exposed for golden tests and benchmarks) ----

  /**
   * Mono samples at any rate → one normalised [maxFrames, numMelBins] model input per window:
   * resample to the bundle rate, one fbank over the whole clip, windows of maxFrames frames
   * every round(hopSeconds / frameShift) frames (see windowStarts).
   */
  audioInputs(samples: Float32Array, sampleRate: number): Float32Array[] {
    const audio = this.manifest.audio;
    const atModelRate = resample(samples, sampleRate, audio.sampleRate);
    const features = fbank(atModelRate, audio.sampleRate, audio.fbank);
    if (features.frames === 0) {
      throw new InvalidMediaError(`Audio is too short: at least ${audio.fbank.frameLengthMs} ms is needed`);
    }
    const { numMelBins } = features;
    const hop = hopFrames(audio.hopSeconds, audio.fbank.frameShiftMs);
    return windowStarts(features.frames, audio.maxFrames, hop).map((start) => {
      const frames = Math.min(audio.maxFrames, features.frames - start);
      const slice = { data: features.data.subarray(start * numMelBins, (start + frames) * numMelBins), frames, numMelBins };
      return normalizeFbank(slice, audio.normalize, audio.maxFrames);
    });
  }

  imageInput(image: ImagePixels): Float32Array {
    return imageTensor(image, this.manifest.image);
  }

  // ---- embeddings ----

  /** Runs the audio tower on prepared inputs (from audioInputs), one output per window, unpooled. */
  runAudioTower(inputs: readonly Float32Array[]): Promise<Float32Array[]> {
    return this.audioTower.run(inputs);
  }

  /** Runs the image tower on prepared inputs (from imageInput). */
  runImageTower(inputs: readonly Float32Array[]): Promise<Float32Array[]> {
    return this.imageTower.run(inputs);
  }

  async embedImagePixels(image: ImagePixels): Promise<Float32Array> {
    return (await this.imageTower.run([this.imageInput(image)]))[0];
  }

  async embedImage(bytes: Uint8Array): Promise<Float32Array> {
    return this.embedImagePixels(await decodeImage(bytes, this.options.imageLimits));
  }

  /** Clip → windows → one tower batch → windows mean-pooled and L2-normalised. */
  async embedAudioSamples(samples: Float32Array, sampleRate: number): Promise<Float32Array> {
    return meanPoolNormalized(await this.audioTower.run(this.audioInputs(samples, sampleRate)));
  }

  async embedAudio(bytes: Uint8Array): Promise<Float32Array> {
    const audio = await decodeAudio(bytes, this.options.audioLimits);
    return this.embedAudioSamples(audio.samples, audio.sampleRate);
  }

  async close(): Promise<void> {
    await Promise.all([this.audioTower.close(), this.imageTower.close()]);
  }
}

async function readManifest(dir: string): Promise<MuvisManifest> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BundleError(`No model bundle at ${dir}: cannot read manifest.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BundleError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return validateManifest(json, path);
}

async function requireFile(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new BundleError(`Model bundle is missing its ${what}: ${path}`);
  }
}

/** Reads and validates `dir/manifest.json`, then opens both ONNX towers. */
export async function loadBundle(dir: string, options: LoadBundleOptions = {}): Promise<MuvisBundle> {
  const root = resolve(dir);
  const manifest = await readManifest(root);
  const audioPath = join(root, manifest.audio.onnx);
  const imagePath = join(root, manifest.image.onnx);
  await requireFile(audioPath, 'audio tower');
  await requireFile(imagePath, 'image tower');
  const common = { outputDim: manifest.embeddingDim, intraOpThreads: options.intraOpThreads, maxBatch: options.maxBatch };
  const audioTower = await OnnxTower.create(audioPath, {
    ...common, input: manifest.audio.input, output: manifest.audio.output,
    itemShape: [manifest.audio.maxFrames, manifest.audio.fbank.numMelBins],
  });
  let imageTower: OnnxTower;
  try {
    imageTower = await OnnxTower.create(imagePath, {
      ...common, input: manifest.image.input, output: manifest.image.output,
      itemShape: [3, manifest.image.size, manifest.image.size],
    });
  } catch (error) {
    await audioTower.close();
    throw error;
  }
  return new MuvisBundle(root, manifest, audioTower, imageTower, options);
}

/** The bundle folder `modelsDir/default` names (a one-line text file), or `name` when given. */
export async function resolveBundleDir(modelsDir: string, name?: string): Promise<string> {
  if (name) return resolve(modelsDir, name);
  const pointer = join(modelsDir, 'default');
  let text: string;
  try {
    text = await readFile(pointer, 'utf8');
  } catch (error) {
    throw new BundleError(`No default model: cannot read ${pointer}`, { cause: error });
  }
  const chosen = text.trim();
  if (!chosen || chosen.includes('/') || chosen.includes('\\')) throw new BundleError(`${pointer} must name a bundle folder, got '${chosen}'`);
  return resolve(modelsDir, chosen);
}
