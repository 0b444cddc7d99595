// What the sampling loop needs from a MusIm bundle's networks (docs/architecture.md, "MusIm bundle"): a denoiser
// over latents and an autoencoder between pictures and latents. The ONNX implementations are in onnx-models.ts; tests
// drive the loop with plain TypeScript fakes (fake-models.ts) behind the same interfaces.

export interface LatentShape {
  channels: number;
  /** the latent grid is size × size */
  size: number;
}

export interface DenoiserFeeds {
  /** B */
  rows: number;
  /** [B, channels, size, size]: the noisy latent x_t */
  latent: Float32Array;
  /** [B]: the train step t, 0 … trainSteps − 1 */
  timestep: Float32Array;
  /** [B, condDim]: L2-normalised MuVis audio embedding */
  cond: Float32Array;
  /** [B]: 1 conditioned, 0 the learned null condition */
  condMask: Float32Array;
}

export interface LatentDenoiser {
  readonly latent: LatentShape;
  readonly condDim: number;
  /** [B, channels, size, size]: ε or v, as the bundle's `prediction` says */
  predict(feeds: DenoiserFeeds): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface Autoencoder {
  /** pictures are 3 × imageSize × imageSize, NCHW, in [−1, 1] */
  readonly imageSize: number;
  readonly latent: LatentShape;
  /** [B, 3, S, S] → [B, channels, size, size] (the deterministic mean, scaled) */
  encode(images: Float32Array, rows: number): Promise<Float32Array>;
  /** [B, channels, size, size] → [B, 3, S, S], about [−1, 1] (the caller clamps) */
  decode(latents: Float32Array, rows: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export const latentValues = (shape: LatentShape): number => shape.channels * shape.size * shape.size;
export const imageValues = (size: number): number => 3 * size * size;
