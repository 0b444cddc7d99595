import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMidi } from '../midi/read-midi.js';
import type { TranscribedNote } from './note-events.js';
import { TRANSCRIPTION_PROGRAM, transcriptionMidi, transcriptionTimeline } from './notes-to-midi.js';
import type { TempoEstimate } from './tempo.js';

const tempo = (bpm: number, phaseSeconds: number): TempoEstimate => ({ bpm, beatSeconds: 60 / bpm, phaseSeconds, confidence: 2, onsets: 8 });
const note = (onsetSeconds: number, durationSeconds: number, pitch: number): TranscribedNote => ({ onsetSeconds, durationSeconds, pitch, velocity: 80 });

test('tick 0 is the first beat at or before the first note; ticks count beats at the estimated period', () => {
  // 96.4 BPM, beats at 0.13 + k · 0.6224 s; the first note on the second beat
  const t = tempo(96.4, 0.13);
  const beat = 60 / 96.4;
  const notes = [note(0.13 + beat, beat / 2, 60), note(0.13 + 2.5 * beat, beat, 64), note(0.13 + 9 * beat, 2 * beat, 67)];
  const timeline = transcriptionTimeline(notes, t);
  assert.equal(timeline.bpm, 96);
  assert.ok(Math.abs(timeline.startSeconds - (0.13 + beat)) < 1e-9);
  const song = readMidi(transcriptionMidi(notes, timeline));
  assert.equal(song.tempos[0].bpm, 96);
  assert.deepEqual(song.meters.map((m) => [m.numerator, m.denominator]), [[4, 4]]);
  assert.deepEqual(song.notes.map((n) => [n.tick / song.ppq, n.dur / song.ppq, n.pitch, n.program]), [
    [0, 0.5, 60, TRANSCRIPTION_PROGRAM], [1.5, 1, 64, TRANSCRIPTION_PROGRAM], [8, 2, 67, TRANSCRIPTION_PROGRAM],
  ]);
});

test('a note a little early for its beat still starts it; a pickup before the first beat keeps its place', () => {
  const beat = 0.5;
  const early = transcriptionTimeline([note(1 - 0.05, 0.4, 60), note(1.5, 0.4, 62)], tempo(120, 0));
  assert.ok(Math.abs(early.startSeconds - 1) < 1e-9, 'a note 0.1 beat early belongs to that beat');
  const pickup = transcriptionTimeline([note(0.05, 0.2, 59), note(0.2 + beat, 0.4, 60)], tempo(120, 0.2));
  assert.ok(Math.abs(pickup.startSeconds - (0.2 - beat)) < 1e-9);
  const song = readMidi(transcriptionMidi([note(0.05, 0.2, 59), note(0.2 + beat, 0.4, 60)], pickup));
  assert.deepEqual(song.notes.map((n) => n.tick / song.ppq), [0.7, 2]);
});
