import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMidi, type MidiEvent } from 'midi-file';
import { readMidi, MidiReadError } from '../src/midi/read-midi.js';
import { notesByChannel, playableNotes, writeMidiFile } from '../src/midi/write-midi.js';
import { noteKeys, songOf } from './helpers.js';

const oneTrackFile = (ticksPerBeat: number, events: MidiEvent[]): Uint8Array =>
  Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat }, tracks: [events] }));

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

test('channel volume and expression fold into the velocity; channel 10 is drums; note-on 0 ends a note', () => {
  const bytes = oneTrackFile(96, [
    { deltaTime: 0, type: 'controller', channel: 2, controllerType: 7, value: 50 },
    { deltaTime: 0, type: 'programChange', channel: 2, programNumber: 40 },
    { deltaTime: 0, type: 'noteOn', channel: 2, noteNumber: 70, velocity: 100 },
    { deltaTime: 0, type: 'noteOn', channel: 9, noteNumber: 36, velocity: 100 },
    { deltaTime: 48, type: 'noteOn', channel: 9, noteNumber: 36, velocity: 0 },
    { deltaTime: 48, type: 'noteOff', channel: 2, noteNumber: 70, velocity: 0 },
    { deltaTime: 0, type: 'endOfTrack', meta: true },
  ]);
  const song = readMidi(bytes);
  assert.equal(song.ppq, 96);
  assert.deepEqual(song.tempos, [{ tick: 0, bpm: 120 }], 'no tempo event: MIDI default 120');
  assert.deepEqual(song.notes.map((n) => [n.pitch, n.tick, n.dur, n.velocity, n.program, n.drums]), [[36, 0, 48, 100, 0, true], [70, 0, 96, 50, 40, false]]);
});

test('note-offs close the oldest open note of their pitch; unclosed notes end with the file', () => {
  const bytes = oneTrackFile(480, [
    { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: 60, velocity: 90 },
    { deltaTime: 100, type: 'noteOn', channel: 0, noteNumber: 60, velocity: 40 },
    { deltaTime: 100, type: 'noteOff', channel: 0, noteNumber: 60, velocity: 0 },
    { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: 62, velocity: 40 },
    { deltaTime: 300, type: 'endOfTrack', meta: true },
  ]);
  const song = readMidi(bytes);
  assert.deepEqual(song.notes.map((n) => [n.pitch, n.tick, n.dur, n.velocity]), [[60, 0, 200, 90], [60, 100, 400, 40], [62, 200, 300, 40]]);
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

test('garbage and SMPTE timing are refused with a clear error', () => {
  assert.throws(() => readMidi(new Uint8Array([1, 2, 3, 4])), MidiReadError);
  const smpte = Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0xe7, 0x28, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 4, 0, 0xff, 0x2f, 0]);
  assert.throws(() => readMidi(smpte), /SMPTE/);
});
