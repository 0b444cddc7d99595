// A Standard MIDI File as the tokenizer sees it: notes with their GM program, tempo/meter/key maps and text.
// Times are in the file's own ticks (`ppq` per quarter note); nothing here is quantised yet.

export interface SongNote {
  tick: number;
  dur: number;
  pitch: number;
  /** effective velocity 1..127: note-on velocity scaled by the channel's volume (CC7, GM default 100) and expression (CC11) */
  velocity: number;
  /** General-MIDI program 0..127; on the drum channel the kit program */
  program: number;
  /** played on channel 10 (index 9): a percussion note, `pitch` is the GM drum sound */
  drums: boolean;
}

export interface TempoEvent { tick: number; bpm: number }
export interface MeterEvent { tick: number; numerator: number; denominator: number }
/** key signature: `sharps` −7..7 (negative = flats), `minor` the mode flag */
export interface KeyEvent { tick: number; sharps: number; minor: boolean }
export interface TextEvent { tick: number; kind: 'text' | 'marker'; text: string }

export interface Song {
  ppq: number;
  notes: SongNote[];
  tempos: TempoEvent[];
  meters: MeterEvent[];
  keys: KeyEvent[];
  texts: TextEvent[];
  /** the latest end of any track (end-of-track events), at least the last note-off */
  endTick: number;
}

/** GM drum channel (channel 10 counted from 1). */
export const DRUM_CHANNEL = 9;
/** GM default channel volume (CC7); velocities are scaled relative to it. */
export const DEFAULT_VOLUME = 100;
export const DEFAULT_BPM = 120;
