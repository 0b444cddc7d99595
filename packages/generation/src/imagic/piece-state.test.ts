import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@muse/immute';
import { readMidi } from '../midi/read-midi.js';
import { decodeTokens } from '../tokenizer/codec.js';
import { barSteps, STEPS_PER_BEAT } from '../tokenizer/grid.js';
import { tokensPiece } from '../tokenizer/piece-tokens.js';
import type { Piece } from '../tokenizer/piece.js';
import { BAR, EOS, idOf, kindOf, LOOP, tokenName, VOCAB_SIZE } from '../tokenizer/vocabulary.js';
import { forcedPrefix } from './controls.js';
import { PieceState, type PieceRules } from './piece-state.js';

/** a sampler that knows nothing: uniform over whatever the rules allow */
function walk(rules: Partial<PieceRules>, seed: number, prompt: number[] = []): PieceState {
  const state = new PieceState({ forced: {}, seconds: 10, loop: false, barTokenLimit: 400, ...rules });
  const rng = createRng(seed);
  const mask = new Uint8Array(VOCAB_SIZE);
  for (let n = 0; !state.finished; n++) {
    if (n > 100_000) throw new Error('the walk does not end');
    if (state.prefixComplete && !state.generating) {
      for (const id of prompt) state.accept(id);
      state.beginGenerating();
    }
    state.allowed(mask);
    const ids = [...mask.keys()].filter((id) => mask[id]);
    state.accept(ids[Math.floor(rng.next() * ids.length)]);
  }
  return state;
}

/** seconds at the end of each bar, from the decoded piece (independent of PieceClock) */
function barEnds(piece: Piece): number[] {
  const ends: number[] = [];
  let bpm = piece.attributes.bpm;
  let step = 0;
  let seconds = 0;
  const changes = [...piece.tempos];
  for (const meter of piece.bars) {
    const end = step + barSteps(meter);
    while (changes.length && changes[0].step < end) {
      const c = changes.shift()!;
      seconds += ((c.step - step) * 60) / (bpm * STEPS_PER_BEAT);
      step = c.step;
      bpm = c.bpm;
    }
    seconds += ((end - step) * 60) / (bpm * STEPS_PER_BEAT);
    step = end;
    ends.push(seconds);
  }
  return ends;
}

test('attributes the user sets are forced; the others are free, but a piece has an instrument', () => {
  const forced = forcedPrefix({ tempo: 97, key: 'F#', mode: 'minor', meter: '6/8', style: 'jazz', instruments: [33, 'drums:jazz', 0], density: 4 });
  for (const seed of [1, 2, 3]) {
    const state = walk({ forced }, seed);
    assert.deepEqual(state.tokens.slice(0, state.prefixLength).map(tokenName),
      ['BOS', 'COND', 'Tempo_97', 'Key_Gb', 'Mode_minor', 'Meter_6/8', 'Style_jazz', 'Program_0', 'Program_33', 'Drums_jazz', 'Density_4']);
  }
  const prefixes = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    const state = walk({ forced: forcedPrefix({ density: 7 }) }, seed);
    const names = state.tokens.slice(0, state.prefixLength).map(tokenName);
    assert.equal(names[names.length - 1], 'Density_7');
    assert.ok(state.grammar.instruments.length >= 1);
    prefixes.add(names.slice(2, 7).join(' '));
  }
  assert.equal(prefixes.size, 20, 'the free attributes vary');
});

test('every walk decodes and ends with the bar that reaches the requested seconds', () => {
  for (let seed = 0; seed < 25; seed++) {
    const seconds = 5 + (seed % 6) * 5;
    const state = walk({ seconds }, seed);
    assert.equal(state.tokens[state.tokens.length - 1], EOS);
    assert.ok(!state.tokens.includes(LOOP), 'LOOP only in loop mode');
    const piece = tokensPiece(state.tokens);
    readMidi(decodeTokens(state.tokens));
    const ends = barEnds(piece);
    const last = ends[ends.length - 1];
    assert.ok(last >= seconds - 1e-9, `seed ${seed}: ${last} s reaches ${seconds} s`);
    assert.ok(ends.length < 2 || ends[ends.length - 2] < seconds, `seed ${seed}: the bar before ends at ${ends[ends.length - 2]} s, short of ${seconds} s`);
    assert.ok(Math.abs(state.lengths().seconds - last) < 1e-9);
  }
});

test('loop mode: an even bar count fixed up front, one tempo and meter, every note ends by the loop point, LOOP EOS', () => {
  const state = walk({ loop: true, seconds: 10, forced: forcedPrefix({ tempo: 120, meter: '4/4' }) }, 5);
  // 2 s a bar: 5 bars reach 10 s, rounded up to 6
  assert.equal(state.grammar.bars, 6);
  assert.deepEqual(state.tokens.slice(-2), [LOOP, EOS]);
  const body = state.tokens.slice(state.prefixLength);
  assert.ok(!body.some((id) => kindOf(id) === 'tempo' || kindOf(id) === 'meter'));
  const piece = tokensPiece(state.tokens);
  assert.ok(piece.loop);
  assert.ok(piece.notes.length > 0);
  assert.ok(piece.notes.every((n) => n.step + n.dur <= 6 * 48), 'no note rings past the loop point');
  const song = readMidi(decodeTokens(state.tokens));
  assert.deepEqual(song.texts.filter((t) => t.kind === 'marker').map((t) => [t.text, t.tick]), [['loopStart', 0], ['loopEnd', 6 * 4 * 480]]);
  assert.equal(song.endTick, 6 * 4 * 480, 'the file ends on the loop point');
  for (let seed = 0; seed < 10; seed++) {
    const free = walk({ loop: true, seconds: 5 + seed * 3 }, 100 + seed);
    assert.equal(free.grammar.bars % 2, 0, 'two-bar phrases');
    assert.deepEqual(free.tokens.slice(-2), [LOOP, EOS]);
  }
});

test('a bar is closed once it reaches the token limit', () => {
  const state = walk({ barTokenLimit: 12, seconds: 20 }, 9);
  const bars = state.bars.map((b) => b.index);
  bars.push(state.tokens.length);
  for (let i = 0; i + 1 < bars.length; i++) assert.ok(bars[i + 1] - bars[i] <= 12 + 4, `bar ${i} has ${bars[i + 1] - bars[i]} tokens`);
});

test('after a prompt, the requested seconds are counted from the prompt\'s end', () => {
  const prompt = [BAR, ...['Pos_0', 'Program_0', 'Pitch_60', 'Vel_8', 'Dur_48'].map(idOf), BAR];
  const state = walk({ seconds: 6, forced: forcedPrefix({ tempo: 120, meter: '4/4', instruments: [0] }) }, 3, prompt);
  assert.deepEqual(state.tokens.slice(state.prefixLength, state.prefixLength + prompt.length), prompt);
  assert.equal(state.lengths().promptSeconds, 4, 'two bars of 4/4 at 120 BPM');
  assert.ok(state.lengths().seconds >= 10 - 1e-9);
});

