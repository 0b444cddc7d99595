import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeSession } from './decode-session.js';
import type { Decoder, DecoderFeeds } from './decoder.js';
import { FakeDecoder, FAKE_SIZE, unitCondition } from '../testing/fake-decoder.js';

/** logits row r, position s: [r * 10 + s, 2r, 5 − r] over a 3-token vocabulary; records the feeds */
function rowDecoder(): Decoder & { feeds: DecoderFeeds[] } {
  const size = { layers: 1, heads: 1, headDim: 2, maxContext: 8, vocabSize: 3, condDim: 2 };
  const feeds: DecoderFeeds[] = [];
  return {
    size, feeds,
    async run(f) {
      feeds.push({ ...f, cond: f.cond.slice(), condMask: f.condMask.slice() });
      const logits = new Float32Array(f.rows * f.length * 3);
      for (let r = 0; r < f.rows; r++) for (let s = 0; s < f.length; s++) logits.set([r * 10 + s, 2 * r, 5 - r], (r * f.length + s) * 3);
      return { logits, newK: new Float32Array(f.rows * f.length * 2), newV: new Float32Array(f.rows * f.length * 2) };
    },
    async close() {},
  };
}

test('guidance scale 1 runs one conditioned row; otherwise row 0 conditioned, row 1 null, logits combined', async () => {
  const cond = Float32Array.from([0.6, 0.8]);
  const one = rowDecoder();
  const plain = new DecodeSession(one, cond, 1);
  assert.deepEqual([...(await plain.feed([1, 3, 5]))], [2, 0, 5], 'the last position of row 0');
  assert.equal(one.feeds[0].rows, 1);
  assert.deepEqual([...one.feeds[0].condMask], [1]);

  const two = rowDecoder();
  const guided = new DecodeSession(two, cond, 3);
  // cond row [2, 0, 5], null row [12, 2, 4]: null + 3 · (cond − null)
  assert.deepEqual([...(await guided.feed([1, 3, 5]))], [12 + 3 * (2 - 12), 2 + 3 * (0 - 2), 4 + 3 * (5 - 4)]);
  const f = two.feeds[0];
  assert.equal(f.rows, 2);
  assert.deepEqual([...f.condMask], [1, 0]);
  assert.deepEqual([...f.cond], [0.6, 0.8, 0, 0].map(Math.fround));
  assert.deepEqual([...f.tokens].map(Number), [1, 3, 5, 1, 3, 5], 'both rows see the same tokens');
  assert.deepEqual([...f.positions].map(Number), [0, 1, 2, 0, 1, 2]);
  assert.equal(f.cacheK.length, 1 * 2 * 1 * 8 * 2, 'the cache is [layers, B, heads, maxContext, headDim]');
});

test('positions and cache_len advance with the cache; restart begins a window at 0', async () => {
  const fake = new FakeDecoder();
  const session = new DecodeSession(fake, unitCondition(), 2);
  await session.feed([1, 3, 7, 9]);
  await session.feed([11]);
  await session.feed([12, 13]);
  assert.equal(session.length, 7);
  assert.deepEqual(fake.calls.map((c) => [c.cacheLen, c.positions]), [[0, [0, 1, 2, 3]], [4, [4]], [5, [5, 6]]]);
  // the fake checks on every call that the cache holds what it returned for each earlier position
  await session.restart([1, 3, 20]);
  await session.feed([21]);
  assert.deepEqual(fake.calls.slice(3).map((c) => [c.cacheLen, c.positions]), [[0, [0, 1, 2]], [3, [3]]]);
  assert.deepEqual(session.stats.runs, 5);
  await assert.rejects(session.feed(Array(FAKE_SIZE.maxContext).fill(5)), /do not fit/);
});
