// A melody for the transcription tests and benchmark: 16 piano notes of distinct neighbouring pitches, quarters,
// eighths, a dotted quarter and two half notes over four 4/4 bars, at a tempo the caller picks. Written with the
// package's MIDI writer and rendered through its SoundFont renderer, so the tests hear what users' MIDI sounds like.
import { writeMidiFile } from '../midi/write-midi.js';
import type { Song } from '../midi/song.js';
import { renderMidi } from '../render/render-midi.js';

/** [beat, beats, pitch] */
export const TEST_MELODY: readonly (readonly [number, number, number])[] = [
  [0, 1, 60], [1, 0.5, 64], [1.5, 0.5, 67], [2, 1, 72], [3, 1, 71],
  [4, 1.5, 69], [5.5, 0.5, 65], [6, 1, 62], [7, 1, 67],
  [8, 0.5, 76], [8.5, 0.5, 74], [9, 1, 79], [10, 1, 77], [11, 1, 70],
  [12, 2, 63], [14, 2, 60],
];
const PPQ = 480;
const VELOCITY = 96;

/** the melody repeated `times` times at `bpm`, as a Song (program 0, piano) */
export function testMelodySong(bpm: number, times = 1): Song {
  const beatsPerPass = 16;
  const notes = Array.from({ length: times }, (_, pass) => TEST_MELODY.map(([beat, beats, pitch]) => ({
    tick: Math.round((pass * beatsPerPass + beat) * PPQ), dur: Math.round(beats * PPQ), pitch, velocity: VELOCITY, program: 0, drums: false,
  }))).flat();
  return {
    ppq: PPQ, notes, tempos: [{ tick: 0, bpm }], meters: [{ tick: 0, numerator: 4, denominator: 4 }], keys: [], texts: [],
    endTick: times * beatsPerPass * PPQ,
  };
}

/** the melody's notes in seconds: what a transcription should find */
export function testMelodyNotes(bpm: number, times = 1): { onsetSeconds: number; pitch: number }[] {
  return testMelodySong(bpm, times).notes.map((n) => ({ onsetSeconds: (n.tick / PPQ) * (60 / bpm), pitch: n.pitch }));
}

/** the melody rendered to a 44.1 kHz mono WAV (with the renderer's 1.5 s release) */
export async function testMelodyWav(bpm: number, times = 1): Promise<Uint8Array> {
  return (await renderMidi(writeMidiFile(testMelodySong(bpm, times)))).wav;
}

/**
 * Note-level agreement, onsets and pitches only (as mir_eval's transcription score without offsets): a found note
 * matches an unmatched true note of the same pitch whose onset is within `toleranceSeconds`, nearest pairs first
 * (mir_eval takes a maximum matching; with distinct neighbouring pitches the two agree).
 */
export function noteAgreement(
  truth: readonly { onsetSeconds: number; pitch: number }[], found: readonly { onsetSeconds: number; pitch: number }[], toleranceSeconds: number,
): { matched: number; precision: number; recall: number; f1: number; onsetErrors: number[] } {
  const pairs: { t: number; f: number; error: number }[] = [];
  truth.forEach((t, ti) => found.forEach((f, fi) => {
    const error = f.onsetSeconds - t.onsetSeconds;
    if (f.pitch === t.pitch && Math.abs(error) <= toleranceSeconds) pairs.push({ t: ti, f: fi, error });
  }));
  pairs.sort((a, b) => Math.abs(a.error) - Math.abs(b.error));
  const usedTruth = new Set<number>();
  const usedFound = new Set<number>();
  const onsetErrors: number[] = [];
  for (const p of pairs) {
    if (usedTruth.has(p.t) || usedFound.has(p.f)) continue;
    usedTruth.add(p.t);
    usedFound.add(p.f);
    onsetErrors.push(p.error);
  }
  const matched = onsetErrors.length;
  const precision = found.length ? matched / found.length : 0;
  const recall = truth.length ? matched / truth.length : 0;
  return { matched, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, onsetErrors };
}
