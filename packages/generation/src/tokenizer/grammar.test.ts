import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from '@muse/immute';
import { Grammar, GrammarError } from './grammar.js';
import { readMidi } from '../midi/read-midi.js';
import { decodeTokens, encodeMidi } from './codec.js';
import { tokensPiece } from './piece-tokens.js';
import { EOS, idOf, kindOf, tokenName, VOCAB_SIZE, type Kind } from './vocabulary.js';
import { songToPiece } from './song-to-piece.js';

const PREFIX = ['BOS', 'COND', 'Tempo_100', 'Key_D', 'Mode_minor', 'Meter_3/4', 'Style_folk', 'Program_0', 'Program_33', 'Drums_standard', 'Density_3'];

function grammarAfter(names: string[]): Grammar {
  const g = new Grammar();
  for (const n of names) g.accept(idOf(n));
  return g;
}

const legal = (g: Grammar, name: string): boolean => g.isLegal(idOf(name));

test('the prefix has a fixed order; instruments ascend', () => {
  const g = new Grammar();
  assert.equal(legal(g, 'COND'), false);
  assert.throws(() => g.accept(idOf('Tempo_100')), GrammarError);
  const p = grammarAfter(PREFIX.slice(0, 8));
  assert.equal(legal(p, 'Program_0'), false);
  assert.equal(legal(p, 'Program_1'), true);
  assert.equal(legal(p, 'Density_0'), true);
  assert.equal(legal(p, 'Bar'), false);
});

test('positions ascend inside the bar and stay inside it; meters and tempi only when they change', () => {
  const g = grammarAfter([...PREFIX, 'Bar']);
  assert.equal(legal(g, 'Meter_3/4'), false, 'same meter');
  assert.equal(legal(g, 'Meter_4/4'), true);
  assert.equal(legal(g, 'Pos_35'), true);
  assert.equal(legal(g, 'Pos_36'), false, 'a 3/4 bar has 36 positions');
  g.accept(idOf('Pos_12'));
  assert.equal(legal(g, 'Tempo_100'), false, 'same tempo');
  assert.equal(legal(g, 'Tempo_101'), true);
  assert.equal(legal(g, 'Pitch_60'), false, 'a program comes first');
  g.accept(idOf('Tempo_101'));
  assert.equal(legal(g, 'Pos_12'), false);
  assert.equal(legal(g, 'Pos_13'), true);
  assert.equal(legal(g, 'Bar'), true, 'a tempo change alone fills a position');
});

test('programs come from the prefix and ascend; pitches ascend; only Dur_48 chains', () => {
  const g = grammarAfter([...PREFIX, 'Bar', 'Pos_0']);
  assert.equal(legal(g, 'Program_1'), false, 'not in the instrument set');
  assert.equal(legal(g, 'Bar'), false, 'an empty position');
  g.accept(idOf('Program_33'));
  for (const n of ['Pitch_40', 'Vel_5', 'Dur_47']) g.accept(idOf(n));
  assert.equal(legal(g, 'Dur_1'), false);
  assert.equal(legal(g, 'Pitch_40'), false);
  assert.equal(legal(g, 'Pitch_41'), true);
  assert.equal(legal(g, 'Program_0'), false, 'programs ascend');
  assert.equal(legal(g, 'Drums_standard'), true);
  for (const n of ['Pitch_41', 'Vel_5', 'Dur_48']) g.accept(idOf(n));
  assert.equal(legal(g, 'Dur_1'), true);
  g.accept(idOf('Dur_48'));
  assert.equal(g.duration, 96);
  assert.equal(legal(g, 'EOS'), true);
  g.accept(idOf('LOOP'));
  assert.deepEqual(g.legalTokens().map(tokenName), ['EOS']);
  g.accept(EOS);
  assert.equal(g.complete, true);
  assert.deepEqual(g.legalTokens().map(tokenName), ['PAD']);
});

test('the shortest piece: the prefix, one empty bar, EOS', () => {
  const g = new Grammar();
  const names = ['BOS', 'COND', 'Tempo_120', 'Key_C', 'Mode_major', 'Meter_4/4', 'Style_unknown', 'Density_0', 'Bar', 'EOS'];
  for (const n of names) g.accept(idOf(n));
  assert.equal(g.complete, true);
});

/** A random walk over legal tokens: kinds drawn evenly (bars, meters, tempi and the end less often), finished after `length`. */
function randomWalk(rng: Rng, length: number): number[] {
  const g = new Grammar();
  const out: number[] = [];
  while (!g.complete) {
    const tokens = g.legalTokens();
    assert.ok(tokens.length > 0, `no legal token after ${out.map(tokenName).slice(-5).join(' ')}`);
    let id: number;
    if (out.length >= length) id = tokens.includes(EOS) ? EOS : tokens[0];
    else {
      const byKind = new Map<Kind, number[]>();
      for (const t of tokens) byKind.set(kindOf(t), [...(byKind.get(kindOf(t)) ?? []), t]);
      const rare: Partial<Record<Kind, number>> = { special: 0.02, bar: 0.15, meter: 0.3, tempo: 0.3 };
      const kinds = [...byKind.keys()].filter((k) => rng.chance(rare[k] ?? 1));
      id = rng.pick(byKind.get(rng.pick(kinds.length ? kinds : [...byKind.keys()]))!);
    }
    g.accept(id);
    out.push(id);
  }
  return out;
}

test('random legal walks always decode, and the MIDI they give reads back to the same notes', () => {
  const rng = createRng(20);
  let notes = 0;
  let bars = 0;
  let cut = 0;
  for (let walk = 0; walk < 100; walk++) {
    const tokens = randomWalk(rng, rng.int(12, 800));
    const piece = tokensPiece(tokens);
    const bytes = decodeTokens(tokens);
    const again = songToPiece(readMidi(bytes));
    const reencoded = encodeMidi(bytes);
    const g = new Grammar();
    for (const id of reencoded) g.accept(id);
    assert.equal(again.notes.length, piece.notes.length, `walk ${walk}`);
    again.notes.forEach((n, i) => {
      const m = piece.notes[i];
      assert.deepEqual([n.step, n.instrument, n.pitch, n.velocity], [m.step, m.instrument, m.pitch, m.velocity], `walk ${walk} note ${i}`);
      // a note is only cut where channels ran out and a later note of its pitch shares its channel
      assert.ok(n.dur <= m.dur, `walk ${walk} note ${i}`);
      if (n.dur < m.dur) cut++;
    });
    notes += piece.notes.length;
    bars += piece.bars.length;
    assert.deepEqual(again.bars.slice(0, piece.bars.length), piece.bars, `walk ${walk} bars`);
    // cut anywhere after the prefix, it still decodes
    const short = tokens.slice(0, rng.int(PREFIX.length, tokens.length));
    assert.ok(readMidi(decodeTokens(short)).ppq > 0);
  }
  assert.ok(notes > 1000 && bars > 200, `${notes} notes, ${bars} bars`);
  assert.ok(cut < notes / 100, `${cut} notes cut`);
});

test('the mask agrees with isLegal', () => {
  const g = grammarAfter([...PREFIX, 'Bar', 'Pos_3', 'Program_0', 'Pitch_60']);
  const mask = g.legalMask();
  assert.equal(mask.length, VOCAB_SIZE);
  assert.deepEqual([...mask.keys()].filter((id) => mask[id]), g.legalTokens());
  assert.ok(g.legalTokens().every((id) => kindOf(id) === 'velocity'));
});

test('decoding refuses an illegal sequence and one cut inside the prefix', () => {
  assert.throws(() => decodeTokens([idOf('BOS'), idOf('Bar')]), /Bar is not legal after bos/);
  assert.throws(() => decodeTokens(PREFIX.slice(0, 5).map(idOf)), /ends inside the attribute prefix/);
});
