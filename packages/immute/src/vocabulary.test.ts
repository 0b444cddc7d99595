import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseAspects, canonicalAspect } from './vocabulary.js';
import { loadImmuteRows } from './metadata/immute-metadata.js';

test('synonyms, case and plurals normalise to one tag', () => {
  const tagsOf = (a: string): string[] => normaliseAspects([a]).tags;
  assert.deepEqual(tagsOf('e-bass'), ['bass']);
  assert.deepEqual(tagsOf('Bass Guitar'), ['bass']);
  assert.deepEqual(tagsOf('uptempo'), ['fast-tempo']);
  assert.deepEqual(tagsOf('fast tempo'), ['fast-tempo']);
  assert.deepEqual(tagsOf('E-Guitars'), ['electric-guitar']);
  assert.deepEqual(tagsOf('electric guitar'), ['electric-guitar']);
  assert.deepEqual(tagsOf('Slow Tempo'), ['slow-tempo']);
  assert.deepEqual(tagsOf('moderate tempo'), ['medium-tempo']);
  assert.deepEqual(tagsOf('medium to uptempo'), ['fast-tempo']);
  assert.equal(canonicalAspect('  Shimmering  Hi Hats '), 'shimmering hi-hats');
});

test('one aspect can carry several tags, and contradictions resolve by rule', () => {
  assert.deepEqual(normaliseAspects(['passionate male vocal']).tags, ['male-vocal', 'romantic']);
  assert.deepEqual(normaliseAspects(['no percussion', 'drums']).tags, ['no-drums']);
  const voiceWins = normaliseAspects(['instrumental', 'female vocal']).tags;
  assert.ok(voiceWins.includes('female-vocal') && !voiceWins.includes('instrumental'));
});

test('unknown aspects are counted, not dropped silently', () => {
  const n = normaliseAspects(['sad', 'zxqv wobblefrob']);
  assert.deepEqual(n.unknown, ['zxqv wobblefrob']);
  assert.deepEqual(n.tags, ['sad']);
  assert.equal(n.trace.length, 2);
});

test('the vocabulary covers most of the corpus aspects', () => {
  let total = 0;
  let unknown = 0;
  for (const r of loadImmuteRows()) {
    const n = normaliseAspects(r.aspects);
    total += r.aspects.length;
    unknown += n.unknown.length;
  }
  assert.ok(unknown / total < 0.15, `unknown share ${(unknown / total).toFixed(3)}`);
});
