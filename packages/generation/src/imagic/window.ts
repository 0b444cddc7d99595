// Windowed continuation: past the model's context the sampler starts a new window with the attribute prefix and
// the last bars, cut at a Bar token. The window's prefix states the tempo and meter in effect where it is cut, so
// the window reads exactly like a piece that begins at that bar (a tempo or meter token in the kept bars is still a
// change from the one before it, as the grammar requires).
import { meterIndex, type Meter } from '../tokenizer/grid.js';
import { tokenId } from '../tokenizer/vocabulary.js';
import { GenerationError } from './errors.js';

/** A Bar token of the sequence and what was in effect just before it. */
export interface BarMark {
  /** index of the Bar token in the sequence */
  index: number;
  tempo: number;
  meter: Meter;
}

/** where the prefix holds the tempo and meter tokens: BOS COND Tempo Key Mode Meter … */
export const PREFIX_TEMPO_INDEX = 2;
export const PREFIX_METER_INDEX = 5;

/**
 * The tokens of a new window: the prefix (its tempo and meter those in effect at the cut), then the sequence from the
 * earliest Bar that leaves at most `keep` tokens; when even the last bar holds more, from the last bar, as long as the
 * window fits `maxContext`.
 */
export function windowTokens(tokens: readonly number[], prefixLength: number, marks: readonly BarMark[], keep: number, maxContext: number): number[] {
  if (marks.length === 0) throw new RangeError('a window is cut at a Bar token, and there is none yet');
  const cut = marks.find((m) => tokens.length - m.index <= keep) ?? marks[marks.length - 1];
  const size = prefixLength + tokens.length - cut.index;
  if (size > maxContext) {
    throw new GenerationError('BAD_USER_INPUT', `one bar holds ${tokens.length - cut.index} tokens, more than the model's context of ${maxContext} takes after the prefix`);
  }
  const prefix = tokens.slice(0, prefixLength);
  prefix[PREFIX_TEMPO_INDEX] = tokenId('tempo', cut.tempo);
  prefix[PREFIX_METER_INDEX] = tokenId('meter', meterIndex(cut.meter));
  return [...prefix, ...tokens.slice(cut.index)];
}
