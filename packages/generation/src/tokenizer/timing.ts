// How long a piece lasts: its bars at its tempo map.
import { barSteps, STEPS_PER_BEAT } from './grid.js';
import type { Piece } from './piece.js';

export function pieceSteps(piece: Piece): number {
  return piece.bars.reduce((s, m) => s + barSteps(m), 0);
}

export function pieceSeconds(piece: Piece): number {
  const end = pieceSteps(piece);
  let seconds = 0;
  let step = 0;
  let bpm = piece.attributes.bpm;
  for (const t of [...piece.tempos.filter((t) => t.step < end), { step: end, bpm }]) {
    seconds += ((t.step - step) / STEPS_PER_BEAT) * (60 / bpm);
    step = t.step;
    bpm = t.bpm;
  }
  return seconds;
}
