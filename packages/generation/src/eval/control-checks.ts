// Whether a generated MIDI file obeys the tempo, key and mode it was asked for, read back from the file itself.
import { readMidi } from '../midi/read-midi.js';
import type { Mode } from '../tokenizer/vocabulary.js';

const SCALES: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10], // natural minor
};

export interface ControlReading {
  /** the first tempo event's BPM, rounded to the vocabulary's whole BPM */
  bpm: number;
  pitchedNotes: number;
  /** share of pitched (non-drum) notes whose pitch class lies in the scale */
  inKey: number;
}

/** `tonic` 0–11 (C = 0). */
export function readControls(midi: Uint8Array, tonic: number, mode: Mode): ControlReading {
  const song = readMidi(midi);
  const scale = new Set(SCALES[mode].map((step) => (tonic + step) % 12));
  const pitched = song.notes.filter((n) => !n.drums);
  const inKey = pitched.filter((n) => scale.has(n.pitch % 12)).length;
  return {
    bpm: Math.round(song.tempos[0]?.bpm ?? 120),
    pitchedNotes: pitched.length,
    inKey: pitched.length === 0 ? 0 : inKey / pitched.length,
  };
}
