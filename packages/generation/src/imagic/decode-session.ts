// One decoding run over a Decoder: the KV cache, the condition rows and the guided next-token logits. With a guidance
// scale other than 1 it runs two rows in every call — row 0 conditioned, row 1 the null condition — and combines
// their logits; both rows see the same tokens, so the cache advances in step.
import type { Decoder } from './decoder.js';
import { guideLogits } from './guidance.js';
import { KvCache } from './kv-cache.js';

export interface SessionStats {
  /** decoder calls */
  runs: number;
  /** tokens run through the decoder (per row) */
  tokens: number;
  /** wall time inside Decoder.run */
  ms: number;
}

export class DecodeSession {
  readonly rows: number;
  readonly cache: KvCache;
  readonly stats: SessionStats = { runs: 0, tokens: 0, ms: 0 };
  private readonly cond: Float32Array;
  private readonly condMask: Float32Array;
  private readonly next: Float32Array;

  constructor(
    private readonly decoder: Decoder,
    condition: Float32Array,
    readonly guidanceScale: number,
  ) {
    const { layers, heads, headDim, maxContext, vocabSize, condDim } = decoder.size;
    if (condition.length !== condDim) throw new RangeError(`the condition has ${condition.length} values, the decoder takes ${condDim}`);
    this.rows = guidanceScale === 1 ? 1 : 2;
    this.cache = new KvCache({ layers, rows: this.rows, heads, maxContext, headDim });
    this.cond = new Float32Array(this.rows * condDim);
    this.cond.set(condition); // row 1 (if any) stays zero: its cond_mask selects the learned null condition
    this.condMask = new Float32Array(this.rows);
    this.condMask[0] = 1;
    this.next = new Float32Array(vocabSize);
  }

  /** positions held in the cache */
  get length(): number {
    return this.cache.length;
  }

  get maxContext(): number {
    return this.decoder.size.maxContext;
  }

  /** Forgets everything and runs `tokens` from position 0 (a new window). */
  restart(tokens: readonly number[]): Promise<Float32Array> {
    this.cache.clear();
    return this.feed(tokens);
  }

  /**
   * Runs `tokens` at the next positions in one decoder call, writes their keys/values into the cache and returns the
   * (guided) logits for the token after the last one. The returned array is reused by the next call.
   */
  async feed(tokens: readonly number[]): Promise<Float32Array> {
    const S = tokens.length;
    const B = this.rows;
    if (S === 0) throw new RangeError('feed needs at least one token');
    if (S > this.cache.free) throw new RangeError(`${S} tokens do not fit: ${this.length} of ${this.maxContext} positions are used`);
    const ids = new BigInt64Array(B * S);
    const positions = new BigInt64Array(B * S);
    for (let r = 0; r < B; r++) {
      for (let s = 0; s < S; s++) {
        ids[r * S + s] = BigInt(tokens[s]);
        positions[r * S + s] = BigInt(this.length + s);
      }
    }
    const started = performance.now();
    const out = await this.decoder.run({
      rows: B, length: S, tokens: ids, positions, cond: this.cond, condMask: this.condMask,
      cacheK: this.cache.k, cacheV: this.cache.v, cacheLen: new BigInt64Array(B).fill(BigInt(this.length)),
    });
    this.stats.ms += performance.now() - started;
    this.stats.runs++;
    this.stats.tokens += S;
    this.cache.append(out.newK, out.newV, S);
    const V = this.next.length;
    const last = (row: number): Float32Array => out.logits.subarray((row * S + S - 1) * V, (row * S + S) * V);
    if (B === 1) this.next.set(last(0));
    else guideLogits(last(0), last(1), this.guidanceScale, this.next);
    return this.next;
  }
}
