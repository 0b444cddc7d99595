import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BAR, BOS, COND, EOS, KINDS, LOOP, PAD, TOKENS, VOCAB_HASH, VOCAB_SIZE, VOCAB_VERSION, idOf, kindOf, kindRanges, tokenId,
  tokenName, valueOf, vocabularyDocument,
} from './vocabulary.js';
import { barSteps, densityBin, DENSITY_EDGES, binVelocity, MAX_BAR_STEPS, METERS, supportedMeter, velocityBin, kitIndex } from './grid.js';

test('the vocabulary is pinned: changing it must change VOCAB_VERSION and this hash together', () => {
  assert.equal(VOCAB_VERSION, 'imagic-remi-1');
  assert.equal(VOCAB_HASH, 'e932a45fd602d22f');
  assert.equal(VOCAB_SIZE, 679);
});

test('names are unique, kinds are contiguous runs, specials come first', () => {
  assert.equal(new Set(TOKENS).size, TOKENS.length);
  assert.deepEqual([PAD, BOS, EOS, COND, LOOP].map(tokenName), ['PAD', 'BOS', 'EOS', 'COND', 'LOOP']);
  assert.equal(tokenName(BAR), 'Bar');
  let next = 0;
  for (const kind of KINDS) {
    const { first, count } = kindRanges()[kind];
    assert.equal(first, next, kind);
    for (let id = first; id < first + count; id++) assert.equal(kindOf(id), kind);
    next = first + count;
  }
  assert.equal(next, VOCAB_SIZE);
});

test('tokenId and valueOf are inverse, with values in musical units', () => {
  for (let id = 0; id < VOCAB_SIZE; id++) assert.equal(tokenId(kindOf(id), valueOf(id)), id);
  assert.equal(tokenName(tokenId('tempo', 120)), 'Tempo_120');
  assert.equal(tokenName(tokenId('duration', 48)), 'Dur_48');
  assert.equal(tokenName(tokenId('instrument', 128)), 'Drums_standard');
  assert.equal(tokenName(tokenId('meter', 0)), 'Meter_4/4');
  assert.equal(idOf('Pitch_60'), tokenId('pitch', 60));
  assert.throws(() => tokenId('tempo', 300), /no tempo token/);
  assert.throws(() => kindOf(VOCAB_SIZE), /outside the vocabulary/);
});

test('vocab.json carries what a trainer needs', () => {
  const doc = vocabularyDocument() as { version: string; hash: string; size: number; tokens: string[]; kinds: Record<string, { first: number }> };
  assert.equal(doc.size, doc.tokens.length);
  assert.equal(doc.hash, VOCAB_HASH);
  assert.equal(doc.kinds.pitch.first, tokenId('pitch', 0));
});

test('grid: bar lengths, meter mapping, velocity and density bins, drum kits', () => {
  assert.equal(barSteps([4, 4]), 48);
  assert.equal(barSteps([6, 8]), 36);
  assert.equal(MAX_BAR_STEPS, Math.max(...METERS.map(barSteps)));
  assert.deepEqual(supportedMeter(4, 8), [2, 4], 'same bar length');
  assert.deepEqual(supportedMeter(11, 8), [4, 4], 'nothing of that length: 4/4');
  for (let v = 1; v <= 127; v++) assert.equal(velocityBin(binVelocity(velocityBin(v))), velocityBin(v));
  assert.equal(velocityBin(127), 15);
  assert.equal(densityBin(0), 0);
  assert.equal(densityBin(9.6), 6);
  assert.equal(densityBin(100), DENSITY_EDGES.length);
  assert.deepEqual([0, 7, 8, 25, 26, 127].map(kitIndex), [0, 0, 1, 4, 4, 7]);
});
