import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultAssetIds } from './generation';

test('result asset ids are found in the usual job result shapes', () => {
  assert.deepEqual(resultAssetIds({ assetId: 'a', midiAssetId: 'm' }), { main: ['a'], midi: 'm' });
  assert.deepEqual(resultAssetIds({ assetIds: ['a', 'b', 'a'] }), { main: ['a', 'b'], midi: null });
  assert.deepEqual(resultAssetIds({ asset: { id: 'c' } }), { main: ['c'], midi: null });
  assert.deepEqual(resultAssetIds(null), { main: [], midi: null });
});
