// The decoder contract (docs/architecture.md, "Imagic bundle"): one call runs S new tokens of B rows against a
// static KV cache held in the caller's buffers. `Decoder` is what the sampling loop needs; `OnnxDecoder` runs a
// bundle's decoder.onnx with onnxruntime-node, and tests drive the loop with a small fake instead.
import * as ort from 'onnxruntime-node';
import { openContractSession } from '../onnx-contract.js';
import { GenerationError } from './errors.js';

/** Sizes the caller must know to hold the cache and read the outputs. */
export interface DecoderSize {
  layers: number;
  heads: number;
  headDim: number;
  maxContext: number;
  vocabSize: number;
  /** width of `cond` (the MuVis embedding) */
  condDim: number;
}

export interface DecoderFeeds {
  /** B */
  rows: number;
  /** S: tokens per row in this call */
  length: number;
  /** [B, S] */
  tokens: BigInt64Array;
  /** [B, S], each < maxContext */
  positions: BigInt64Array;
  /** [B, condDim] */
  cond: Float32Array;
  /** [B]: 1 conditioned, 0 the learned null condition */
  condMask: Float32Array;
  /** [layers, B, heads, maxContext, headDim] */
  cacheK: Float32Array;
  cacheV: Float32Array;
  /** [B] valid cache positions */
  cacheLen: BigInt64Array;
}

export interface DecoderOutputs {
  /** [B, S, vocab] */
  logits: Float32Array;
  /** [layers, B, heads, S, headDim] */
  newK: Float32Array;
  newV: Float32Array;
}

export interface Decoder {
  readonly size: DecoderSize;
  run(feeds: DecoderFeeds): Promise<DecoderOutputs>;
  close(): Promise<void>;
}

export const DECODER_INPUTS = ['tokens', 'positions', 'cond', 'cond_mask', 'cache_k', 'cache_v', 'cache_len'] as const;
export const DECODER_OUTPUTS = ['logits', 'new_k', 'new_v'] as const;

export interface OnnxDecoderOptions {
  /** onnxruntime intra-op threads (default 1, as the MuVis towers) */
  intraOpThreads?: number;
}

export class OnnxDecoder implements Decoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly size: DecoderSize,
    readonly path: string,
  ) {}

  static async open(path: string, size: DecoderSize, options: OnnxDecoderOptions = {}): Promise<OnnxDecoder> {
    const session = await openContractSession(path, 'Imagic decoder', DECODER_INPUTS, DECODER_OUTPUTS, options.intraOpThreads ?? 1);
    return new OnnxDecoder(session, size, path);
  }

  async run(f: DecoderFeeds): Promise<DecoderOutputs> {
    const { layers, heads, headDim, maxContext, vocabSize, condDim } = this.size;
    const B = f.rows;
    const S = f.length;
    const cacheDims = [layers, B, heads, maxContext, headDim];
    const out = await this.session.run({
      tokens: new ort.Tensor('int64', f.tokens, [B, S]),
      positions: new ort.Tensor('int64', f.positions, [B, S]),
      cond: new ort.Tensor('float32', f.cond, [B, condDim]),
      cond_mask: new ort.Tensor('float32', f.condMask, [B]),
      cache_k: new ort.Tensor('float32', f.cacheK, cacheDims),
      cache_v: new ort.Tensor('float32', f.cacheV, cacheDims),
      cache_len: new ort.Tensor('int64', f.cacheLen, [B]),
    });
    const expect = (name: string, values: number): Float32Array => {
      const t = out[name];
      if (t.type !== 'float32' || t.data.length !== values) {
        throw new GenerationError('BUNDLE_INVALID', `${this.path}: output '${name}' is ${t.type} [${t.dims.join(', ')}], expected float32 with ${values} values for B=${B}, S=${S}`);
      }
      return t.data as Float32Array;
    };
    return {
      logits: expect('logits', B * S * vocabSize),
      newK: expect('new_k', layers * B * heads * S * headDim),
      newV: expect('new_v', layers * B * heads * S * headDim),
    };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
