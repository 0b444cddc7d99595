import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMidi, type MidiEvent } from 'midi-file';
import { readMidi, MidiReadError } from './read-midi.js';

const oneTrackFile = (ticksPerBeat: number, events: MidiEvent[]): Uint8Array =>
  Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat }, tracks: [events] }));

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

test('garbage and SMPTE timing are refused with a clear error', () => {
  assert.throws(() => readMidi(new Uint8Array([1, 2, 3, 4])), MidiReadError);
  const smpte = Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0xe7, 0x28, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 4, 0, 0xff, 0x2f, 0]);
  assert.throws(() => readMidi(smpte), /SMPTE/);
});
