import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImmuteRows, IMMUTE_ROW_COUNT, parseAspectList } from './immute-metadata.js';

test('the vendored metadata has every MusicCaps row in order with parsed aspects', () => {
  const rows = loadImmuteRows();
  assert.equal(rows.length, IMMUTE_ROW_COUNT);
  rows.forEach((r, i) => assert.equal(r.index, i));
  assert.equal(rows[0].ytid, '-0Gj8-vB1q4');
  assert.ok(rows[0].aspects.includes('low quality'));
  assert.ok(rows.every((r) => r.caption.length > 0));
});

test('aspect lists that are not JSON arrays of strings are rejected with a code', () => {
  assert.throws(() => parseAspectList('not json'), { code: 'BAD_METADATA' });
  assert.throws(() => parseAspectList('[1, 2]'), { code: 'BAD_METADATA' });
  assert.deepEqual(parseAspectList("['a', 'b']"), ['a', 'b']);
});
