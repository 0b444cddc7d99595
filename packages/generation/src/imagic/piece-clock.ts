// Seconds along a piece being generated: grid steps (STEPS_PER_BEAT per quarter note) under a tempo that changes
// at given steps, in order.
import { STEPS_PER_BEAT } from '../tokenizer/grid.js';

export class PieceClock {
  private markStep = 0;
  private markSeconds = 0;

  constructor(private bpm: number) {}

  get tempo(): number {
    return this.bpm;
  }

  /** the tempo becomes `bpm` at `step` (no earlier than the last change) */
  setTempo(step: number, bpm: number): void {
    if (step < this.markStep) throw new RangeError(`tempo change at step ${step} before the last one (${this.markStep})`);
    this.markSeconds = this.secondsAt(step);
    this.markStep = step;
    this.bpm = bpm;
  }

  /** seconds from the start to `step`, at the current tempo from the last change on */
  secondsAt(step: number): number {
    return this.markSeconds + ((step - this.markStep) * 60) / (this.bpm * STEPS_PER_BEAT);
  }

  /** seconds per grid step now */
  get stepSeconds(): number {
    return 60 / (this.bpm * STEPS_PER_BEAT);
  }
}
