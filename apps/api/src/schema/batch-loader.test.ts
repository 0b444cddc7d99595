import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchLoader } from './batch-loader.js';

test('keys asked for in one tick are loaded with one call, each once; a missing key gets the default; the next tick loads afresh', async () => {
  const calls: string[][] = [];
  const loader = new BatchLoader<string, string | null>(async (keys) => {
    calls.push([...keys]);
    return new Map(keys.filter((k) => k !== 'gone').map((k) => [k, k.toUpperCase()]));
  }, null);
  const values = await Promise.all(['a', 'b', 'a', 'gone'].map((k) => loader.load(k)));
  assert.deepEqual(values, ['A', 'B', 'A', null]);
  assert.deepEqual(calls, [['a', 'b', 'gone']]);
  // a later tick is a new batch, and loads again what an earlier one loaded (a mutation may have changed it)
  assert.deepEqual(await Promise.all([loader.load('c'), loader.load('a')]), ['C', 'A']);
  assert.deepEqual(calls, [['a', 'b', 'gone'], ['c', 'a']]);
});

test('a failed batch rejects each of its callers', async () => {
  const loader = new BatchLoader<number, number>(async () => { throw new Error('database down'); }, 0);
  const results = await Promise.allSettled([loader.load(1), loader.load(2)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
});
