// Song → Piece: put a MIDI file on the grid. Onsets and lengths round to the nearest step, velocities to
// their bin, tempi to whole BPM; bars follow the file's meters (a meter change inside a bar takes effect at
// the next bar line); the piece has as many bars as it takes to reach the end of the file. A piece plays at most
// 15 programs and one drum kit (instrumentChoice).
import type { Song, SongNote } from '../midi/song.js';
import { estimateKey, keyFromSignature, type Key } from './key.js';
import {
  barSteps, densityBin, durationSteps, instrumentOf, isDrumInstrument, MAX_MELODIC_INSTRUMENTS, STEPS_PER_BEAT, supportedMeter, tempoValue,
  toSteps, velocityBin, type Meter,
} from './grid.js';
import type { Piece, PieceNote } from './piece.js';
import { STYLES, type StyleName } from './vocabulary.js';

/** Text meta events the decoder writes so that a decoded file carries its style and loop back in. */
export const STYLE_TEXT_PREFIX = 'imagic:style=';
export const LOOP_START_MARKER = 'loopStart';
export const LOOP_END_MARKER = 'loopEnd';

export interface PieceOptions {
  /** the style attribute; default: the file's `imagic:style=` text, else `unknown` */
  style?: StyleName;
}

export function songToPiece(song: Song, options: PieceOptions = {}): Piece {
  const notes = quantiseNotes(song);
  const lastOnset = notes.reduce((m, n) => Math.max(m, n.step + 1), 0);
  const bars = layBars(song, Math.max(lastOnset, toSteps(song.endTick, song.ppq)));
  const pieceSteps = bars.reduce((s, m) => s + barSteps(m), 0);
  const tempos = tempoChanges(song, pieceSteps);
  const instruments = [...new Set(notes.map((n) => n.instrument))].sort((a, b) => a - b);
  return {
    attributes: {
      bpm: tempos.initial,
      ...songKey(song, notes),
      meter: bars[0],
      style: options.style ?? songStyle(song),
      instruments,
      density: densityBin(notes.length / (pieceSteps / STEPS_PER_BEAT)),
    },
    bars,
    tempos: tempos.changes,
    notes,
    loop: song.texts.some((t) => t.text.toLowerCase() === LOOP_END_MARKER.toLowerCase()),
  };
}

/** Notes on the grid, one per (step, instrument, pitch) — the longest (the first of equals) — sorted by step, instrument, pitch. */
function quantiseNotes(song: Song): PieceNote[] {
  const instrument = instrumentChoice(song.notes);
  const byKey = new Map<string, { note: PieceNote; ticks: number }>();
  for (const n of song.notes) {
    const note: PieceNote = {
      step: toSteps(n.tick, song.ppq),
      dur: durationSteps(n.dur, song.ppq),
      pitch: n.pitch,
      instrument: instrument(n),
      velocity: velocityBin(n.velocity),
    };
    const key = `${note.step}:${note.instrument}:${note.pitch}`;
    const kept = byKey.get(key);
    if (!kept || n.dur > kept.ticks) byKey.set(key, { note, ticks: n.dur });
  }
  return [...byKey.values()].map((k) => k.note).sort((a, b) => a.step - b.step || a.instrument - b.instrument || a.pitch - b.pitch);
}

/**
 * What the grammar allows: one drum kit (the first drum note's) and at most MAX_MELODIC_INSTRUMENTS programs, the
 * ones with the most notes; a program beyond them plays as a kept program of its GM family (program / 8), else as
 * the kept program with the most notes.
 */
function instrumentChoice(notes: SongNote[]): (n: SongNote) => number {
  const kit = notes.find((n) => n.drums)?.program ?? 0;
  const counts = new Map<number, number>();
  for (const n of notes) if (!n.drums) counts.set(n.program, (counts.get(n.program) ?? 0) + 1);
  const kept = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_MELODIC_INSTRUMENTS).map(([p]) => p);
  const substitute = new Map<number, number>();
  for (const p of counts.keys()) substitute.set(p, kept.includes(p) ? p : kept.find((k) => k >> 3 === p >> 3) ?? kept[0]);
  return (n) => instrumentOf(n.drums ? kit : substitute.get(n.program)!, n.drums);
}

/** Bars until `endStep` is covered (at least one); each takes the last meter event at or before its start. */
function layBars(song: Song, endStep: number): Meter[] {
  const meters = song.meters.map((m) => ({ step: toSteps(m.tick, song.ppq), meter: supportedMeter(m.numerator, m.denominator) }));
  const bars: Meter[] = [];
  let meter: Meter = [4, 4];
  let start = 0;
  let next = 0;
  do {
    while (next < meters.length && meters[next].step <= start) meter = meters[next++].meter;
    bars.push(meter);
    start += barSteps(meter);
  } while (start < endStep);
  return bars;
}

function tempoChanges(song: Song, pieceSteps: number): { initial: number; changes: { step: number; bpm: number }[] } {
  const byStep = new Map<number, number>();
  for (const t of song.tempos) byStep.set(Math.max(0, toSteps(t.tick, song.ppq)), tempoValue(t.bpm));
  const initial = byStep.get(0) ?? tempoValue(120);
  const changes: { step: number; bpm: number }[] = [];
  let current = initial;
  for (const [step, bpm] of [...byStep].sort((a, b) => a[0] - b[0])) {
    if (step === 0 || step >= pieceSteps || bpm === current) continue;
    changes.push({ step, bpm });
    current = bpm;
  }
  return { initial, changes };
}

/** the file's first key signature, else an estimate from its pitched notes */
function songKey(song: Song, notes: PieceNote[]): Key {
  const signature = song.keys[0];
  if (signature) return keyFromSignature(signature.sharps, signature.minor);
  return estimateKey(notes.filter((n) => !isDrumInstrument(n.instrument)));
}

function songStyle(song: Song): StyleName {
  const text = song.texts.find((t) => t.text.startsWith(STYLE_TEXT_PREFIX))?.text.slice(STYLE_TEXT_PREFIX.length);
  return (STYLES as readonly string[]).includes(text ?? '') ? (text as StyleName) : 'unknown';
}
