// The bundle's three ONNX files behind the LatentDenoiser and Autoencoder interfaces, opened the project's one way
// (onnx-contract.ts). Names and shapes are checked at open and at every run, so a bundle that breaks the contract
// fails with BUNDLE_INVALID naming the file instead of a shape error deep in the loop.
import * as ort from 'onnxruntime-node';
import { openContractSession } from '../onnx-contract.js';
import { GenerationError } from '../imagic/errors.js';
import { imageValues, latentValues, type Autoencoder, type DenoiserFeeds, type LatentDenoiser, type LatentShape } from './models.js';

export interface OnnxModelOptions {
  /** onnxruntime intra-op threads per session (default 1, as the MuVis towers) */
  intraOpThreads?: number;
}


function floatOutput(out: ort.InferenceSession.OnnxValueMapType, name: string, values: number, path: string): Float32Array {
  const t = out[name];
  if (t.type !== 'float32' || t.data.length !== values) {
    throw new GenerationError('BUNDLE_INVALID', `${path}: output '${name}' is ${t.type} [${t.dims.join(', ')}], expected float32 with ${values} values`);
  }
  return t.data as Float32Array;
}

export class OnnxDenoiser implements LatentDenoiser {
  private constructor(private readonly session: ort.InferenceSession, readonly latent: LatentShape, readonly condDim: number, readonly path: string) {}

  static async open(path: string, latent: LatentShape, condDim: number, options: OnnxModelOptions = {}): Promise<OnnxDenoiser> {
    const session = await openContractSession(path, 'MusIm denoiser', ['latent', 'timestep', 'cond', 'cond_mask'], ['prediction'], options.intraOpThreads ?? 1);
    return new OnnxDenoiser(session, latent, condDim, path);
  }

  async predict(f: DenoiserFeeds): Promise<Float32Array> {
    const { channels, size } = this.latent;
    const B = f.rows;
    const out = await this.session.run({
      latent: new ort.Tensor('float32', f.latent, [B, channels, size, size]),
      timestep: new ort.Tensor('float32', f.timestep, [B]),
      cond: new ort.Tensor('float32', f.cond, [B, this.condDim]),
      cond_mask: new ort.Tensor('float32', f.condMask, [B]),
    });
    return floatOutput(out, 'prediction', B * latentValues(this.latent), this.path);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export class OnnxAutoencoder implements Autoencoder {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly imageSize: number,
    readonly latent: LatentShape,
    private readonly paths: { encoder: string; decoder: string },
  ) {}

  static async open(paths: { encoder: string; decoder: string }, imageSize: number, latent: LatentShape, options: OnnxModelOptions = {}): Promise<OnnxAutoencoder> {
    const threads = options.intraOpThreads ?? 1;
    const encoder = await openContractSession(paths.encoder, 'MusIm encoder', ['image'], ['latent'], threads);
    let decoder: ort.InferenceSession;
    try {
      decoder = await openContractSession(paths.decoder, 'MusIm decoder', ['latent'], ['image'], threads);
    } catch (error) {
      await encoder.release();
      throw error;
    }
    return new OnnxAutoencoder(encoder, decoder, imageSize, latent, paths);
  }

  async encode(images: Float32Array, rows: number): Promise<Float32Array> {
    const S = this.imageSize;
    const out = await this.encoder.run({ image: new ort.Tensor('float32', images, [rows, 3, S, S]) });
    return floatOutput(out, 'latent', rows * latentValues(this.latent), this.paths.encoder);
  }

  async decode(latents: Float32Array, rows: number): Promise<Float32Array> {
    const { channels, size } = this.latent;
    const out = await this.decoder.run({ latent: new ort.Tensor('float32', latents, [rows, channels, size, size]) });
    return floatOutput(out, 'image', rows * imageValues(this.imageSize), this.paths.decoder);
  }

  async close(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
