import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMidi } from './read-midi.js';
import { notesByChannel, playableNotes, writeMidiFile } from './write-midi.js';
import { noteKeys, songOf } from '../testing/songs.js';

test('write then read keeps notes, tempo, meter, key, text and the end', () => {
  const song = songOf(
    [
      { beat: 0, beats: 1, pitch: 60 },
      { beat: 0.5, beats: 2, pitch: 64, program: 33, velocity: 50 },
      { beat: 1, beats: 0.25, pitch: 38, drums: true, program: 25 },
    ],
    {
      tempos: [{ tick: 0, bpm: 90 }, { tick: 960, bpm: 150 }],
      meters: [{ tick: 0, numerator: 3, denominator: 4 }],
      keys: [{ tick: 0, sharps: -3, minor: true }],
      texts: [{ tick: 0, kind: 'marker', text: 'loopStart' }],
      endTick: 2880,
    },
  );
  const back = readMidi(writeMidiFile(song));
  assert.deepEqual(noteKeys(back), noteKeys(song));
  assert.deepEqual(back.tempos.map((t) => [t.tick, Math.round(t.bpm)]), [[0, 90], [960, 150]]);
  assert.deepEqual(back.meters, song.meters);
  assert.deepEqual(back.keys, song.keys);
  assert.deepEqual(back.texts, song.texts);
  assert.equal(back.endTick, 2880);
});

test('overlapping notes of one pitch and program get a channel each, so they read back unchanged', () => {
  const song = songOf([
    { beat: 0, beats: 4, pitch: 60 },
    { beat: 1, beats: 1, pitch: 60 },
    { beat: 1, beats: 1, pitch: 64 },
  ]);
  const channels = notesByChannel(song.notes);
  assert.equal(channels.size, 2);
  assert.deepEqual(noteKeys(readMidi(writeMidiFile(song))), noteKeys(song));
});

test('past 15 melodic programs channels are shared, with program changes before the notes that need them', () => {
  const notes = Array.from({ length: 20 }, (_, p) => ({ beat: p % 3, beats: 1, pitch: 40 + p, program: p * 6 }));
  const song = songOf(notes);
  assert.equal(notesByChannel(song.notes).size, 15);
  assert.deepEqual(noteKeys(readMidi(writeMidiFile(song))), noteKeys(song));
});

test('playableNotes: one note per onset and pitch, and a note outlasting a later one of its pitch is cut there', () => {
  const cut = playableNotes(songOf([
    { beat: 0, beats: 4, pitch: 60 },
    { beat: 1, beats: 1, pitch: 60 },
    { beat: 1, beats: 0.5, pitch: 60 },
  ]).notes);
  assert.deepEqual(cut.map((n) => [n.tick, n.dur]), [[0, 480], [480, 480]]);
});
