import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMidiFile } from '../midi/write-midi.js';
import { encodeMidi } from '../tokenizer/codec.js';
import { Grammar } from '../tokenizer/grammar.js';
import { BAR, EOS, tokenName } from '../tokenizer/vocabulary.js';
import { songOf } from '../testing/songs.js';
import { PieceState } from './piece-state.js';
import { windowTokens } from './window.js';

/** 8 bars of 4/4 at 100 BPM; 150 BPM from bar 3; 3/4 from bar 5 (tick 16 · 480) */
function sequence(): PieceState {
  const notes = Array.from({ length: 30 }, (_, i) => ({ beat: i, beats: 1, pitch: 60 + (i % 12), program: i % 3 === 0 ? 33 : 0 }));
  const song = songOf(notes, {
    tempos: [{ tick: 0, bpm: 100 }, { tick: 8 * 480, bpm: 150 }],
    meters: [{ tick: 0, numerator: 4, denominator: 4 }, { tick: 16 * 480, numerator: 3, denominator: 4 }],
  });
  const tokens = encodeMidi(writeMidiFile(song));
  const state = new PieceState({ forced: {}, seconds: 10, loop: false, barTokenLimit: 1000 });
  for (const id of tokens.slice(0, tokens.indexOf(EOS))) state.accept(id);
  return state;
}

test('a window is the prefix and the last bars, cut at a Bar, with the tempo and meter in effect there', () => {
  const state = sequence();
  const { tokens, prefixLength, bars } = state;
  assert.ok(bars.length >= 8);
  const keep = 40;
  const window = windowTokens(tokens, prefixLength, bars, keep, 1000);
  const kept = window.length - prefixLength;
  assert.ok(kept <= keep);
  assert.equal(window[prefixLength], BAR, 'the kept part starts at a Bar');
  assert.deepEqual(window.slice(prefixLength), tokens.slice(tokens.length - kept), 'then the sequence to its end');
  const earlier = bars.filter((b) => b.index < tokens.length - kept);
  assert.ok(tokens.length - earlier[earlier.length - 1].index > keep, 'the earliest Bar that fits');
  const names = window.slice(0, prefixLength).map(tokenName);
  assert.deepEqual([names[2], names[5]], ['Tempo_150', 'Meter_3/4'], 'tempo and meter as they are at the cut');
  const original = tokens.slice(0, prefixLength).map(tokenName);
  assert.deepEqual([names[2], names[5]].map((n) => original.includes(n)), [false, false], 'both changed after the start');
  assert.deepEqual([...names.slice(0, 2), ...names.slice(3, 5), ...names.slice(6)], [...original.slice(0, 2), ...original.slice(3, 5), ...original.slice(6)], 'the rest of the prefix unchanged');
  const g = new Grammar();
  for (const id of window) g.accept(id); // throws on an illegal token: the window reads as a piece from its first bar
});

test('a bar longer than `keep` is kept whole if the context takes it, refused otherwise', () => {
  const { tokens, prefixLength, bars } = sequence();
  const last = bars[bars.length - 1];
  const window = windowTokens(tokens, prefixLength, bars, 1, 1000);
  assert.deepEqual(window.slice(prefixLength), tokens.slice(last.index));
  assert.throws(() => windowTokens(tokens, prefixLength, bars, 1, prefixLength + 2), /context/);
  assert.throws(() => windowTokens(tokens, prefixLength, [], 10, 1000), /no(ne)? /);
});
