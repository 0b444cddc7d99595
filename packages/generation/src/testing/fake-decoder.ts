// A Decoder for tests, in plain TypeScript: logits are a fixed hash of (token, position, condition row, vocabulary
// id), so runs are reproducible without a model; new_k/new_v encode (layer, head, position, token, dim), and every
// call checks that the caller's cache holds, at each valid position, exactly what an earlier call returned for it.
import type { Decoder, DecoderFeeds, DecoderOutputs, DecoderSize } from '../imagic/decoder.js';

export interface FakeCall {
  rows: number;
  tokens: number[];
  positions: number[];
  cacheLen: number;
  condMask: number[];
}

export const FAKE_SIZE: DecoderSize = { layers: 2, heads: 2, headDim: 4, maxContext: 96, vocabSize: 679, condDim: 8 };

function hash(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h ^= p & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= p >>> 16;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/** the key a fake writes for (layer, head, position, token, dim): exact in float32 for maxContext ≤ 1000, headDim < 10 */
export const fakeKey = (l: number, h: number, t: number, token: number, d: number): number => l * 1e5 + h * 1e4 + t * 10 + d + (token % 61) / 64;

export class FakeDecoder implements Decoder {
  readonly calls: FakeCall[] = [];
  /** token at each position, per row, as last run */
  private seen: number[][] = [];

  constructor(readonly size: DecoderSize = FAKE_SIZE, private readonly logitScale = 4) {}

  async run(f: DecoderFeeds): Promise<DecoderOutputs> {
    const { layers, heads, headDim, maxContext, vocabSize } = this.size;
    const B = f.rows;
    const S = f.length;
    const cacheLen = Number(f.cacheLen[0]);
    this.calls.push({
      rows: B, tokens: Array.from(f.tokens.subarray(0, S), Number), positions: Array.from(f.positions.subarray(0, S), Number), cacheLen,
      condMask: Array.from(f.condMask),
    });
    for (let r = 0; r < B; r++) {
      if (Number(f.cacheLen[r]) !== cacheLen) throw new Error('rows disagree on cache_len');
      this.seen[r] = this.seen[r] ?? [];
      for (let t = 0; t < cacheLen; t++) {
        for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) for (let d = 0; d < headDim; d++) {
          const at = (((l * B + r) * heads + h) * maxContext + t) * headDim + d;
          const want = fakeKey(l, h, t, this.seen[r][t], d);
          if (f.cacheK[at] !== Math.fround(want) || f.cacheV[at] !== Math.fround(-want)) throw new Error(`cache row ${r} position ${t} holds ${f.cacheK[at]}, expected ${want}`);
        }
      }
    }
    const logits = new Float32Array(B * S * vocabSize);
    const newK = new Float32Array(layers * B * heads * S * headDim);
    const newV = new Float32Array(newK.length);
    for (let r = 0; r < B; r++) {
      for (let s = 0; s < S; s++) {
        const token = Number(f.tokens[r * S + s]);
        const position = Number(f.positions[r * S + s]);
        if (position !== cacheLen + s || position >= maxContext) throw new Error(`position ${position} at cache_len ${cacheLen} + ${s}`);
        this.seen[r][position] = token;
        const row = f.condMask[r] > 0 ? 1 : 0;
        for (let v = 0; v < vocabSize; v++) logits[(r * S + s) * vocabSize + v] = this.logitScale * hash(token, position, row, v, Math.round(f.cond[r * this.size.condDim] * 1000));
        for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) for (let d = 0; d < headDim; d++) {
          const at = (((l * B + r) * heads + h) * S + s) * headDim + d;
          newK[at] = fakeKey(l, h, position, token, d);
          newV[at] = -fakeKey(l, h, position, token, d);
        }
      }
    }
    return { logits, newK, newV };
  }

  async close(): Promise<void> {}
}

export function unitCondition(dim = FAKE_SIZE.condDim, seed = 1): Float32Array {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.3 + i));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
