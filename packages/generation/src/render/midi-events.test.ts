import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMidiFile } from '../midi/write-midi.js';
import { songOf } from '../testing/songs.js';
import { midiEvents, tempoMap } from './midi-events.js';

test('the tempo map turns ticks into seconds across changes (120 BPM by default)', () => {
  const seconds = tempoMap(480, [{ tick: 960, microsecondsPerBeat: 1_000_000 }]);
  assert.deepEqual([0, 480, 960, 1440, 2400].map(seconds), [0, 0.5, 1, 2, 4]);
  assert.equal(tempoMap(96, [])(96), 0.5);
});

test('notes, programs and drums come out at their times, on their channels', () => {
  const song = songOf([
    { beat: 0, beats: 1, pitch: 60, program: 40 },
    { beat: 3, beats: 0.5, pitch: 38, drums: true },
  ], { tempos: [{ tick: 0, bpm: 120 }, { tick: 960, bpm: 60 }], endTick: 4 * 480 });
  const { events, endSeconds } = midiEvents(writeMidiFile(song));
  const on = events.filter((e) => e.kind === 'on').map((e) => [e.time, e.channel, e.kind === 'on' && e.pitch]);
  assert.deepEqual(on, [[0, 0, 60], [2, 9, 38]], 'beat 3 = 1 s at 120 BPM + 1 s at 60 BPM');
  const off = events.filter((e) => e.kind === 'off').map((e) => e.time);
  assert.deepEqual(off, [0.5, 2.5]);
  assert.ok(events.some((e) => e.kind === 'program' && e.channel === 0 && e.program === 40));
  assert.equal(endSeconds, 3);
  assert.throws(() => midiEvents(new Uint8Array([0, 1, 2])), /not a Standard MIDI File/);
});
