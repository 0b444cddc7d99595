// A piece on the grid: what the tokens say, before they are laid out as a sequence or written as MIDI.
import type { Meter } from './grid.js';
import type { Mode, StyleName } from './vocabulary.js';

export interface PieceNote {
  /** onset, in grid steps from the start of the piece */
  step: number;
  /** length in grid steps, ≥ 1 */
  dur: number;
  pitch: number;
  /** 0..127 GM program, 128+k drum kit k (grid.ts) */
  instrument: number;
  /** velocity bin 0..15 */
  velocity: number;
}

/** The attribute prefix: what a user can set and what the model predicts when it is left free. */
export interface Attributes {
  /** tempo at the start, whole BPM */
  bpm: number;
  /** tonic pitch class 0..11 */
  tonic: number;
  mode: Mode;
  /** meter of the first bar */
  meter: Meter;
  style: StyleName;
  /** the instruments that play, ascending */
  instruments: number[];
  /** density bin 0..9 (notes per quarter note, grid.ts) */
  density: number;
}

export interface Piece {
  attributes: Attributes;
  /** the meter of every bar, in order; the piece is exactly these bars long */
  bars: Meter[];
  /** tempo changes after the start, by step, ascending, each differing from the one before */
  tempos: { step: number; bpm: number }[];
  /** sorted by step, instrument, pitch; one note per (step, instrument, pitch) */
  notes: PieceNote[];
  /** the piece is meant to repeat from its start when it ends */
  loop: boolean;
}
