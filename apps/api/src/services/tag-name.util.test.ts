import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseTagName, normaliseTagNames } from './tag-name.util.js';
import { BadUserInputException } from '../errors/app.exception.js';

test('tag names become the kebab-case vocabulary ImMuTe uses', () => {
  assert.equal(normaliseTagName('Low Quality'), 'low-quality');
  assert.equal(normaliseTagName('  R&B_soul  '), 'r&b-soul');
  assert.equal(normaliseTagName('--Électro!!--'), 'électro');
  assert.deepEqual(normaliseTagNames(['Piano', 'piano', ' PIANO ']), ['piano']);
});

test('empty or overlong tag names are refused as bad input', () => {
  assert.throws(() => normaliseTagName(' !! '), BadUserInputException);
  assert.throws(() => normaliseTagName('x'.repeat(65)), BadUserInputException);
});
