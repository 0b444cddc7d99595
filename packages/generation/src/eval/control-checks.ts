// Whether a generated MIDI file obeys the tempo, key and mode it was asked for, read back from the file itself.
import { readMidi } from '../midi/read-midi.js';
import { scalePitchClasses } from '../tokenizer/scale.js';
import type { Mode } from '../tokenizer/vocabulary.js';

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
  const scale = scalePitchClasses(tonic, mode);
  const pitched = song.notes.filter((n) => !n.drums);
  const inKey = pitched.filter((n) => scale[n.pitch % 12] === 1).length;
  return {
    bpm: Math.round(song.tempos[0]?.bpm ?? 120),
    pitchedNotes: pitched.length,
    inKey: pitched.length === 0 ? 0 : inKey / pitched.length,
  };
}
