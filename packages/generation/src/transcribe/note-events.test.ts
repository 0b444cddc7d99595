import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinRingingTails, type TranscribedNote } from './note-events.js';

const note = (onsetSeconds: number, durationSeconds: number, pitch: number, velocity: number): TranscribedNote => ({ onsetSeconds, durationSeconds, pitch, velocity });

test('a quieter note that starts where a note of its pitch ends is that note ringing on', () => {
  const joined = joinRingingTails([note(3.303, 0.31, 65, 98), note(3.605, 0.6, 62, 99), note(3.617, 0.15, 65, 62)]);
  assert.deepEqual(joined.map((n) => [n.pitch, n.onsetSeconds, Number(n.durationSeconds.toFixed(3))]), [[65, 3.303, 0.464], [62, 3.605, 0.6]]);
});

test('repeats as loud or louder, gaps, and other pitches stay notes of their own', () => {
  const notes = [
    note(0, 0.5, 60, 90), note(0.5, 0.5, 60, 90), // a repeat at the same velocity
    note(1, 0.5, 62, 70), note(1.5, 0.5, 62, 100), // louder
    note(2, 0.4, 64, 90), note(2.5, 0.4, 64, 40), // quiet but after a gap
    note(3, 0.5, 65, 90), note(3.5, 0.5, 67, 40), // another pitch
  ];
  assert.equal(joinRingingTails(notes).length, notes.length);
  assert.equal(notes[0].durationSeconds, 0.5, 'the input is not changed');
});
