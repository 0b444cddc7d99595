// MIDI → tokens → MIDI keeps every note within the grid, on real ImMuTe corpus MIDI and on edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImmuteRows, planItem, writeMidiFile as writeImmuteMidi } from '@muse/immute';
import { readMidi } from '../midi/read-midi.js';
import { writeMidiFile } from '../midi/write-midi.js';
import type { Song } from '../midi/song.js';
import { decodeTokens, encodeMidi } from './codec.js';
import { checkRoundTrip } from './round-trip.js';
import { songToPiece } from './song-to-piece.js';
import { tokensPiece } from './piece-tokens.js';
import { tokenName } from './vocabulary.js';
import { songOf } from '../testing/songs.js';

function roundTrip(song: Song, style?: Parameters<typeof encodeMidi>[1]) {
  const tokens = encodeMidi(writeMidiFile(song), style);
  const decoded = readMidi(decodeTokens(tokens));
  return { tokens, names: tokens.map(tokenName), decoded, report: checkRoundTrip(song, decoded) };
}

test('corpus MIDI (every 23rd ImMuTe item, as the corpus build writes it) comes back within the grid', () => {
  const rows = loadImmuteRows();
  let notes = 0;
  for (let i = 0; i < rows.length; i += 23) {
    const plan = planItem(rows[i]);
    const bytes = writeImmuteMidi(plan.score);
    const tokens = encodeMidi(bytes, { style: plan.music.style });
    const report = checkRoundTrip(readMidi(bytes), readMidi(decodeTokens(tokens)));
    assert.deepEqual(report.problems, [], `item ${i}`);
    assert.equal(report.kept, report.notes);
    assert.ok(report.maxOnsetErrorSteps <= 0.5 && report.maxDurationErrorSteps <= 0.5);
    notes += report.notes;
    // the attribute prefix says what the plan says
    const a = tokensPiece(tokens).attributes;
    assert.deepEqual([a.bpm, a.tonic, a.mode, a.meter.join('/'), a.style], [plan.music.bpm, plan.music.tonic, plan.music.mode, plan.music.meter.join('/'), plan.music.style]);
    const playing = plan.score.tracks.filter((t) => t.notes.length);
    const programs = new Set(playing.filter((t) => t.role !== 'drums').map((t) => t.program));
    assert.deepEqual(a.instruments.filter((x) => x < 128), [...programs].sort((x, y) => x - y));
    assert.equal(a.instruments.some((x) => x >= 128), playing.some((t) => t.role === 'drums'));
    // and a second pass changes nothing
    assert.deepEqual(encodeMidi(decodeTokens(tokens)), tokens, `item ${i} is not stable`);
  }
  assert.ok(notes > 30_000, `${notes} notes checked`);
});

test('overlapping notes, of one pitch and of several', () => {
  const { report, decoded } = roundTrip(songOf([
    { beat: 0, beats: 3, pitch: 60 },
    { beat: 1, beats: 1, pitch: 60 },
    { beat: 0.5, beats: 2, pitch: 64 },
    { beat: 0.5, beats: 0.5, pitch: 67 },
  ]));
  assert.deepEqual(report.problems, []);
  assert.equal(decoded.notes.length, 4);
});

test('tempo changes land on the grid; the first becomes the prefix tempo', () => {
  const song = songOf([{ beat: 0, beats: 1, pitch: 60 }, { beat: 6, beats: 1, pitch: 62 }], {
    tempos: [{ tick: 0, bpm: 97.4 }, { tick: 2 * 480 + 7, bpm: 140 }, { tick: 5 * 480, bpm: 300 }],
  });
  const { names, decoded, report } = roundTrip(song);
  assert.deepEqual(report.problems, []);
  assert.equal(names[2], 'Tempo_97');
  assert.deepEqual(names.slice(names.indexOf('Tempo_140') - 1, names.indexOf('Tempo_140') + 1), ['Pos_24', 'Tempo_140']);
  assert.ok(names.includes('Tempo_240'), 'clamped to the range');
  assert.deepEqual(decoded.tempos.map((t) => [t.tick, Math.round(t.bpm)]), [[0, 97], [960, 140], [2400, 240]]);
});

test('drums keep their kit and pitches on channel 10', () => {
  const { names, decoded, report } = roundTrip(songOf([
    { beat: 0, beats: 0.25, pitch: 36, drums: true, program: 25 },
    { beat: 0, beats: 0.25, pitch: 42, drums: true, program: 25 },
    { beat: 0, beats: 1, pitch: 36, program: 33 },
  ]));
  assert.deepEqual(report.problems, []);
  assert.ok(names.includes('Drums_tr808'));
  assert.ok(decoded.notes.filter((n) => n.drums).every((n) => n.program === 25));
  assert.equal(decoded.notes.filter((n) => !n.drums).length, 1);
});

test('a note longer than a bar chains Dur tokens', () => {
  const { names, report } = roundTrip(songOf([{ beat: 0, beats: 9.5, pitch: 48 }]));
  assert.deepEqual(report.problems, []);
  const pitch = names.indexOf('Pitch_48');
  assert.deepEqual(names.slice(pitch, pitch + 5), ['Pitch_48', 'Vel_10', 'Dur_48', 'Dur_48', 'Dur_18']);
});

test('empty bars inside and at the end are kept', () => {
  const song = songOf([{ beat: 0, beats: 1, pitch: 60 }, { beat: 12, beats: 1, pitch: 60 }], { endTick: 6 * 4 * 480 });
  const { names, decoded, report } = roundTrip(song);
  assert.deepEqual(report.problems, []);
  assert.equal(names.filter((n) => n === 'Bar').length, 6);
  assert.equal(decoded.endTick, 6 * 4 * 480);
});

test('meter changes, an unlisted meter, an odd resolution and off-grid timing', () => {
  const song = songOf(
    [
      { beat: 0, beats: 1, pitch: 60 },
      { beat: 3.02, beats: 0.33, pitch: 62 },
      { beat: 4.51, beats: 1.01, pitch: 64 },
      { beat: 8, beats: 0.01, pitch: 65 },
    ],
    { ppq: 100, meters: [{ tick: 0, numerator: 3, denominator: 4 }, { tick: 300, numerator: 4, denominator: 8 }, { tick: 550, numerator: 11, denominator: 8 }] },
  );
  const { names, decoded, report } = roundTrip(song);
  assert.deepEqual(report.problems, []);
  assert.ok(names.includes('Meter_3/4') && names.includes('Meter_2/4'), '4/8 has the length of 2/4');
  assert.ok(report.maxOnsetErrorSteps <= 0.5);
  // the 11/8 change inside a bar (beat 5.5) takes effect at the next bar line (beat 7) and, unlisted, becomes 4/4
  assert.deepEqual(decoded.meters.map((m) => [m.tick / 480, `${m.numerator}/${m.denominator}`]), [[0, '3/4'], [3, '2/4'], [7, '4/4']]);
});

test('velocities keep their bin; duplicate notes fold into the longest', () => {
  const { decoded, report } = roundTrip(songOf([
    { beat: 0, beats: 1, pitch: 60, velocity: 1 },
    { beat: 0.01, beats: 2, pitch: 60, velocity: 127 },
    { beat: 1, beats: 1, pitch: 61, velocity: 64 },
  ]));
  assert.deepEqual(report.problems, []);
  assert.equal(report.merged, 1);
  assert.deepEqual(decoded.notes.map((n) => [n.pitch, n.dur / 40, n.velocity]), [[60, 24, 124], [61, 12, 68]]);
});

test('key: from the signature, else estimated; style and loop travel as meta events', () => {
  const scale = [0, 2, 4, 5, 7, 9, 11].map((s, i) => ({ beat: i, beats: 1, pitch: 67 + s }));
  const estimated = songToPiece(songOf(scale)).attributes;
  assert.deepEqual([estimated.tonic, estimated.mode], [7, 'major']);
  const song = songOf(scale, { keys: [{ tick: 0, sharps: -3, minor: true }], texts: [{ tick: 0, kind: 'marker', text: 'loopEnd' }] });
  const { names, decoded } = roundTrip(song, { style: 'jazz' });
  assert.deepEqual(names.slice(3, 7), ['Key_C', 'Mode_minor', 'Meter_4/4', 'Style_jazz']);
  assert.deepEqual(names.slice(-2), ['LOOP', 'EOS']);
  const again = songToPiece(decoded);
  assert.deepEqual([again.attributes.style, again.attributes.tonic, again.attributes.mode, again.loop], ['jazz', 0, 'minor', true]);
});

test('an empty file is one empty bar', () => {
  const { names } = roundTrip(songOf([]));
  assert.deepEqual(names, ['BOS', 'COND', 'Tempo_120', 'Key_C', 'Mode_major', 'Meter_4/4', 'Style_unknown', 'Density_0', 'Bar', 'EOS']);
});

test('a piece keeps one drum kit and at most 15 programs: the busiest, others folded into their GM family', () => {
  const notes = [
    ...Array.from({ length: 16 }, (_, k) => ({ beat: k, beats: 1, pitch: 60, program: k * 8, velocity: 80 })),
    ...Array.from({ length: 16 }, (_, k) => ({ beat: k, beats: 1, pitch: 64, program: k * 8 })),
    { beat: 0, beats: 1, pitch: 62, program: 9 }, // one note: family 1 (chromatic percussion) still has program 8
    { beat: 0, beats: 0.25, pitch: 36, drums: true, program: 16 },
    { beat: 1, beats: 0.25, pitch: 36, drums: true, program: 40 },
  ];
  const piece = songToPiece(songOf(notes));
  // 17 programs: 0, 8, …, 120 with two notes each and 9 with one; ties keep the lower program
  assert.deepEqual(piece.attributes.instruments, [...Array.from({ length: 15 }, (_, k) => k * 8), 130], 'kit: power (16), the first');
  assert.equal(piece.notes.find((n) => n.pitch === 62)!.instrument, 8, 'program 9 plays as 8, its family');
  assert.deepEqual(piece.notes.filter((n) => n.step === 15 * 12).map((n) => n.instrument), [0, 0], 'program 120: no family left, the busiest');
  assert.ok(piece.notes.filter((n) => n.pitch === 36).every((n) => n.instrument === 130));
});
