import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KvCache } from './kv-cache.js';

const shape = { layers: 2, rows: 2, heads: 3, maxContext: 5, headDim: 4 };
const code = (l: number, r: number, h: number, t: number, d: number): number => l * 10000 + r * 1000 + h * 100 + t * 10 + d;

/** new_k as the decoder returns it: [layers, rows, heads, S, headDim], values naming their cache destination */
function newBlock(from: number, count: number, sign = 1): Float32Array {
  const out: number[] = [];
  for (let l = 0; l < shape.layers; l++) for (let r = 0; r < shape.rows; r++) for (let h = 0; h < shape.heads; h++)
    for (let s = 0; s < count; s++) for (let d = 0; d < shape.headDim; d++) out.push(sign * code(l, r, h, from + s, d));
  return Float32Array.from(out);
}

test('new keys/values land at cache_len of every (layer, row, head), and nothing else moves', () => {
  const cache = new KvCache(shape);
  cache.append(newBlock(0, 3), newBlock(0, 3, -1), 3);
  cache.append(newBlock(3, 1), newBlock(3, 1, -1), 1);
  assert.equal(cache.length, 4);
  for (let l = 0; l < 2; l++) for (let r = 0; r < 2; r++) for (let h = 0; h < 3; h++) for (let t = 0; t < 5; t++) for (let d = 0; d < 4; d++) {
    const at = cache.offset(l, r, h, t) + d;
    assert.equal(at, ((((l * 2 + r) * 3 + h) * 5 + t) * 4) + d, 'layout [layers, rows, heads, maxContext, headDim]');
    assert.equal(cache.k[at], t < 4 ? code(l, r, h, t, d) : 0);
    assert.equal(cache.v[at], t < 4 ? -code(l, r, h, t, d) : 0);
  }
});

test('an overflow or a wrongly sized block is refused; clear empties', () => {
  const cache = new KvCache(shape);
  cache.append(newBlock(0, 4), newBlock(0, 4), 4);
  assert.throws(() => cache.append(newBlock(4, 2), newBlock(4, 2), 2), /overflow/);
  assert.throws(() => cache.append(newBlock(4, 1), newBlock(4, 2), 1), /expected/);
  cache.clear();
  assert.equal(cache.length, 0);
  assert.ok(cache.k.every((x) => x === 0));
});
