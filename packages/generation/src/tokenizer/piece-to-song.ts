// Piece → Song: grid steps become ticks at 480 per quarter note, bins become their middle values, and the
// attributes become meta events (key signature, style text, loop markers) that songToPiece reads back.
import type { Song } from '../midi/song.js';
import { barSteps, binVelocity, instrumentProgram, isDrumInstrument, STEPS_PER_BEAT, type Meter } from './grid.js';
import { signatureOf } from './key.js';
import type { Piece } from './piece.js';
import { LOOP_END_MARKER, LOOP_START_MARKER, STYLE_TEXT_PREFIX } from './song-to-piece.js';

export const OUTPUT_PPQ = 480;
const TICKS_PER_STEP = OUTPUT_PPQ / STEPS_PER_BEAT;

export function pieceToSong(piece: Piece): Song {
  const { attributes: a } = piece;
  const song: Song = {
    ppq: OUTPUT_PPQ,
    notes: piece.notes.map((n) => ({
      tick: n.step * TICKS_PER_STEP,
      dur: n.dur * TICKS_PER_STEP,
      pitch: n.pitch,
      velocity: binVelocity(n.velocity),
      program: instrumentProgram(n.instrument),
      drums: isDrumInstrument(n.instrument),
    })),
    tempos: [{ tick: 0, bpm: a.bpm }, ...piece.tempos.map((t) => ({ tick: t.step * TICKS_PER_STEP, bpm: t.bpm }))],
    meters: [],
    keys: [{ tick: 0, ...signatureOf({ tonic: a.tonic, mode: a.mode }) }],
    texts: a.style === 'unknown' ? [] : [{ tick: 0, kind: 'text', text: `${STYLE_TEXT_PREFIX}${a.style}` }],
    endTick: 0,
  };
  let step = 0;
  let previous: Meter | undefined;
  for (const meter of piece.bars) {
    if (!previous || meter[0] !== previous[0] || meter[1] !== previous[1]) song.meters.push({ tick: step * TICKS_PER_STEP, numerator: meter[0], denominator: meter[1] });
    previous = meter;
    step += barSteps(meter);
  }
  if (!previous) song.meters.push({ tick: 0, numerator: a.meter[0], denominator: a.meter[1] });
  const end = step * TICKS_PER_STEP;
  song.endTick = song.notes.reduce((m, n) => Math.max(m, n.tick + n.dur), end);
  if (piece.loop) song.texts.push({ tick: 0, kind: 'marker', text: LOOP_START_MARKER }, { tick: end, kind: 'marker', text: LOOP_END_MARKER });
  return song;
}
