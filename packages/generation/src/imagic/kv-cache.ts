// The static KV cache: two preallocated [layers, B, heads, maxContext, headDim] buffers that the decoder reads and
// the caller writes. After each run the new tokens' keys/values ([layers, B, heads, S, headDim]) go in at `length`.
// Every row holds the same number of positions (the guidance rows advance together).
export interface CacheShape {
  layers: number;
  rows: number;
  heads: number;
  maxContext: number;
  headDim: number;
}

export class KvCache {
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** valid positions, the same in every row */
  length = 0;

  constructor(readonly shape: CacheShape) {
    const { layers, rows, heads, maxContext, headDim } = shape;
    const size = layers * rows * heads * maxContext * headDim;
    this.k = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  get free(): number {
    return this.shape.maxContext - this.length;
  }

  /** where position `t` of (layer, row, head) starts in `k`/`v` */
  offset(layer: number, row: number, head: number, t: number): number {
    const { rows, heads, maxContext, headDim } = this.shape;
    return (((layer * rows + row) * heads + head) * maxContext + t) * headDim;
  }

  /** Appends `count` positions from the decoder's new_k/new_v ([layers, rows, heads, count, headDim]). */
  append(newK: Float32Array, newV: Float32Array, count: number): void {
    const { layers, rows, heads, headDim } = this.shape;
    if (count > this.free) throw new RangeError(`KV cache overflow: ${this.length} + ${count} > ${this.shape.maxContext}`);
    const block = count * headDim;
    if (newK.length !== layers * rows * heads * block || newV.length !== newK.length) {
      throw new RangeError(`new_k/new_v hold ${newK.length}/${newV.length} values, expected ${layers * rows * heads * block}`);
    }
    let from = 0;
    for (let l = 0; l < layers; l++) {
      for (let r = 0; r < rows; r++) {
        for (let h = 0; h < heads; h++) {
          const to = this.offset(l, r, h, this.length);
          this.k.set(newK.subarray(from, from + block), to);
          this.v.set(newV.subarray(from, from + block), to);
          from += block;
        }
      }
    }
    this.length += count;
  }

  /** Empties the cache (zeroed, so what a model cannot see is also not there). */
  clear(): void {
    this.k.fill(0);
    this.v.fill(0);
    this.length = 0;
  }
}
