// Fakes of the MusIm networks for tests, in plain TypeScript (no model needed), and schedules to sample them with.
// - OracleDenoiser knows the data: for a Gaussian N(mean, std²) per value (std 0 is one known x_0) it returns the
//   exact ε (or v) of E[x_0 | x_t], so the probability-flow ODE has a closed-form end point to compare samplers with.
// - FakeAutoencoder is linear: a latent value is the mean of one channel over one patch, and decoding spreads it back.
import { latentValues, imageValues, type Autoencoder, type DenoiserFeeds, type LatentDenoiser, type LatentShape } from './models.js';
import type { Prediction } from './manifest.js';
import { noiseSchedule, type NoiseSchedule } from './schedule.js';

/** the "scaled linear" β schedule of latent diffusion: β from 0.00085 to 0.012, linear in √β */
export function scaledLinearSchedule(trainSteps = 1000, prediction: Prediction = 'epsilon'): NoiseSchedule {
  const alphas = new Float64Array(trainSteps);
  let product = 1;
  for (let t = 0; t < trainSteps; t++) {
    const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * t) / (trainSteps - 1);
    product *= 1 - root * root;
    alphas[t] = product;
  }
  return noiseSchedule(alphas, prediction);
}

export const FAKE_LATENT: LatentShape = { channels: 4, size: 4 };
export const FAKE_IMAGE_SIZE = 16;
export const FAKE_COND_DIM = 8;

export interface DenoiserCall {
  rows: number;
  timesteps: number[];
  condMask: number[];
}

export class OracleDenoiser implements LatentDenoiser {
  readonly calls: DenoiserCall[] = [];

  /**
   * @param mean  x_0's mean per latent value (conditioned rows); the null row's is `nullMean` (default: the same)
   * @param std   x_0's spread (0: x_0 is `mean` exactly)
   */
  constructor(
    private readonly schedule: NoiseSchedule,
    readonly mean: Float32Array,
    private readonly std = 0,
    private readonly nullMean: Float32Array = mean,
    readonly latent: LatentShape = FAKE_LATENT,
    readonly condDim = FAKE_COND_DIM,
  ) {}

  async predict(f: DenoiserFeeds): Promise<Float32Array> {
    const n = latentValues(this.latent);
    this.calls.push({ rows: f.rows, timesteps: Array.from(f.timestep), condMask: Array.from(f.condMask) });
    const out = new Float32Array(f.rows * n);
    for (let r = 0; r < f.rows; r++) {
      const t = f.timestep[r];
      if (!(Number.isInteger(t) && t >= 0 && t < this.schedule.trainSteps)) throw new Error(`timestep ${t} outside the schedule`);
      const a = this.schedule.alphasCumprod[t];
      const alpha = Math.sqrt(a);
      const sigma = Math.sqrt(1 - a);
      const mean = f.condMask[r] > 0 ? this.mean : this.nullMean;
      const shrink = (alpha * this.std ** 2) / (a * this.std ** 2 + 1 - a);
      for (let i = 0; i < n; i++) {
        const x = f.latent[r * n + i];
        const x0 = mean[i] + shrink * (x - alpha * mean[i]);
        const eps = (x - alpha * x0) / sigma;
        out[r * n + i] = this.schedule.prediction === 'epsilon' ? eps : alpha * eps - sigma * x0;
      }
    }
    return out;
  }

  /** where the probability-flow ODE takes x from train step `from` to `to` (−1: the clean end): x_t = ᾱ-scaled mean + spread·z, z fixed */
  exactPath(x: ArrayLike<number>, from: number, to = -1): Float64Array {
    const a0 = this.schedule.alphasCumprod[from];
    const a = to < 0 ? 1 : this.schedule.alphasCumprod[to];
    const ratio = Math.sqrt(a * this.std ** 2 + 1 - a) / Math.sqrt(a0 * this.std ** 2 + 1 - a0);
    return Float64Array.from({ length: x.length }, (_, i) => Math.sqrt(a) * this.mean[i] + ratio * (x[i] - Math.sqrt(a0) * this.mean[i]));
  }

  /** E[x_0 | x_t], what the oracle's output implies (conditioned rows) */
  dataEstimate(x: ArrayLike<number>, t: number): Float64Array {
    const a = this.schedule.alphasCumprod[t];
    const shrink = (Math.sqrt(a) * this.std ** 2) / (a * this.std ** 2 + 1 - a);
    return Float64Array.from({ length: x.length }, (_, i) => this.mean[i] + shrink * (x[i] - Math.sqrt(a) * this.mean[i]));
  }

  async close(): Promise<void> {}
}

/** patch means in, patches out: decode(encode(p)) is p blurred to the latent grid; values stay in [−1, 1] */
export class FakeAutoencoder implements Autoencoder {
  encodes = 0;
  decodes = 0;

  constructor(readonly imageSize = FAKE_IMAGE_SIZE, readonly latent: LatentShape = FAKE_LATENT) {
    if (latent.channels < 3) throw new Error('the fake autoencoder needs 3 latent channels or more');
  }

  private get patch(): number {
    return this.imageSize / this.latent.size;
  }

  async encode(images: Float32Array, rows: number): Promise<Float32Array> {
    this.encodes++;
    const { channels, size } = this.latent;
    const S = this.imageSize;
    const p = this.patch;
    const out = new Float32Array(rows * latentValues(this.latent));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        out[((r * channels + c) * size + Math.floor(y / p)) * size + Math.floor(x / p)] += images[((r * 3 + c) * S + y) * S + x] / (p * p);
      }
    }
    return out;
  }

  async decode(latents: Float32Array, rows: number): Promise<Float32Array> {
    this.decodes++;
    const { channels, size } = this.latent;
    const S = this.imageSize;
    const p = this.patch;
    const out = new Float32Array(rows * imageValues(S));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        out[((r * 3 + c) * S + y) * S + x] = latents[((r * channels + c) * size + Math.floor(y / p)) * size + Math.floor(x / p)];
      }
    }
    return out;
  }

  async close(): Promise<void> {}
}

/** a unit vector of FAKE_COND_DIM values */
export function fakeCondition(dim = FAKE_COND_DIM, seed = 1): Float32Array {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.3 + i));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** a valid MusIm manifest for tests (a 10-step schedule) */
export const validMusimManifest = (): Record<string, any> => ({
  name: 'musim-test', version: '1', kind: 'musim',
  encoder: { name: 'muvis-small', version: '1', dim: 128, files: { 'audio.onnx': 'a'.repeat(64), 'image.onnx': 'b'.repeat(64) } },
  image: { size: 256 },
  latent: { channels: 4, size: 32 },
  autoencoder: { encoder: 'encoder.onnx', decoder: 'decoder.onnx' },
  denoiser: { onnx: 'denoiser.onnx', prediction: 'epsilon', trainSteps: 10, alphasCumprod: Array.from(scaledLinearSchedule(10).alphasCumprod) },
});
