import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireCount } from './count-limit.util.js';

test('requireCount accepts whole numbers in 1..max and names the argument otherwise', () => {
  assert.equal(requireCount('first', 1, 50), 1);
  assert.equal(requireCount('first', 50, 50), 50);
  for (const bad of [0, -3, 51, 2.5, Number.NaN]) {
    assert.throws(() => requireCount('first', bad, 50), /first must be between 1 and 50/);
  }
});
