// Piece ⇄ token ids. `pieceTokens` lays a piece out in the grammar's order; `tokensPiece` parses ids with the
// grammar (so it accepts exactly the legal sequences) and tolerates a sequence cut short: a note still
// waiting for its duration is dropped, and the piece ends after the last bar started.
import { barSteps, MAX_DURATION_STEPS, meterIndex, type Meter } from './grid.js';
import { Grammar } from './grammar.js';
import type { Attributes, Piece, PieceNote } from './piece.js';
import { BAR, BOS, COND, EOS, kindOf, LOOP, MODES, PAD, STYLES, tokenId, valueOf } from './vocabulary.js';

export function attributeTokens(a: Attributes): number[] {
  return [
    BOS, COND,
    tokenId('tempo', a.bpm), tokenId('key', a.tonic), tokenId('mode', MODES.indexOf(a.mode)), meterToken(a.meter),
    tokenId('style', STYLES.indexOf(a.style)),
    ...a.instruments.map((i) => tokenId('instrument', i)),
    tokenId('density', a.density),
  ];
}

export function pieceTokens(piece: Piece): number[] {
  const out = attributeTokens(piece.attributes);
  const tempoAt = new Map(piece.tempos.map((t) => [t.step, t.bpm]));
  const notesAt = groupBy(piece.notes, (n) => n.step);
  let barStart = 0;
  let meter = piece.attributes.meter;
  for (const barMeter of piece.bars) {
    out.push(BAR);
    if (barMeter[0] !== meter[0] || barMeter[1] !== meter[1]) out.push(meterToken(barMeter));
    meter = barMeter;
    const barEnd = barStart + barSteps(meter);
    const steps = [...new Set([...tempoAt.keys(), ...notesAt.keys()])].filter((s) => s >= barStart && s < barEnd).sort((a, b) => a - b);
    for (const step of steps) {
      out.push(tokenId('position', step - barStart));
      if (tempoAt.has(step)) out.push(tokenId('tempo', tempoAt.get(step)!));
      let instrument = -1;
      for (const n of notesAt.get(step) ?? []) {
        if (n.instrument !== instrument) out.push(tokenId('instrument', (instrument = n.instrument)));
        out.push(tokenId('pitch', n.pitch), tokenId('velocity', n.velocity), ...durationTokens(n.dur));
      }
    }
    barStart = barEnd;
  }
  if (piece.loop) out.push(LOOP);
  out.push(EOS);
  return out;
}

/** a length in steps as Dur tokens: maximal ones, then the remainder */
export function durationTokens(steps: number): number[] {
  const out: number[] = [];
  let left = steps;
  while (left > MAX_DURATION_STEPS) {
    out.push(tokenId('duration', MAX_DURATION_STEPS));
    left -= MAX_DURATION_STEPS;
  }
  out.push(tokenId('duration', left));
  return out;
}

export class TruncatedPrefixError extends Error {}

export function tokensPiece(ids: readonly number[]): Piece {
  const g = new Grammar();
  const a: Partial<Attributes> = {};
  const bars: Meter[] = [];
  const tempos: { step: number; bpm: number }[] = [];
  const notes: PieceNote[] = [];
  let note: PieceNote | undefined;
  let loop = false;
  for (const id of ids) {
    if (id === PAD && g.phase === 'start') continue; // left padding
    const before = g.phase;
    g.accept(id);
    const kind = kindOf(id);
    const value = valueOf(id);
    if (before === 'duration' && kind !== 'duration') notes.push(note!);
    if (id === BAR) bars.push(g.meter);
    else if (id === LOOP) loop = true;
    else if (kind === 'tempo') {
      if (before === 'cond') a.bpm = value;
      else tempos.push({ step: g.step, bpm: value });
    } else if (kind === 'meter') {
      if (before === 'mode') a.meter = g.meter;
      else bars[bars.length - 1] = g.meter;
    } else if (kind === 'key') a.tonic = value;
    else if (kind === 'mode') a.mode = MODES[value];
    else if (kind === 'style') a.style = STYLES[value];
    else if (kind === 'density') a.density = value;
    else if (kind === 'pitch') note = { step: g.step, dur: 0, pitch: value, instrument: g.instrument, velocity: 0 };
    else if (kind === 'velocity') note!.velocity = value;
    else if (kind === 'duration') note!.dur = g.duration;
  }
  if (g.phase === 'duration') notes.push(note!);
  if (a.density === undefined) throw new TruncatedPrefixError(`the sequence ends inside the attribute prefix (after ${g.phase})`);
  return { attributes: { ...(a as Attributes), instruments: [...g.instruments] }, bars, tempos, notes, loop };
}

function meterToken(meter: Meter): number {
  return tokenId('meter', meterIndex(meter));
}

function groupBy<T>(items: T[], key: (t: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const t of items) {
    const k = key(t);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(t);
  }
  return out;
}
