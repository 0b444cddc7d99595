// Which token may come next: the state machine every valid sequence follows. The sampler masks logits with
// `legalMask`, the decoder parses with `accept`, and every sequence it accepts decodes.
//
//   BOS COND Tempo Key Mode Meter Style Program* Density          attribute prefix: instruments ascending,
//                                                                  ≤ 15 GM programs then ≤ 1 drum kit
//   ( Bar [Meter] ( Pos [Tempo] ( Program ( Pitch Vel Dur+ )+ )* )* )+   body
//   [LOOP] EOS PAD*
//
// Bars: at least one; a Meter after Bar only when it changes. Positions ascend inside a bar and lie inside it.
// A position holds a tempo change (only when it changes) and/or notes; programs ascend inside a position and
// are among the prefix's instruments; pitches ascend inside a program. A note's length is the sum of its
// Dur tokens, and only a maximal Dur may be followed by another.
import { barSteps, isDrumInstrument, MAX_DURATION_STEPS, MAX_MELODIC_INSTRUMENTS, METERS, type Meter } from './grid.js';
import { BAR, BOS, COND, EOS, kindOf, LOOP, PAD, tokenName, valueOf, VOCAB_SIZE } from './vocabulary.js';

export type Phase =
  | 'start' | 'bos' | 'cond' | 'tempo' | 'key' | 'mode' | 'meter' | 'style' | 'instrument' | 'density'
  | 'bar' | 'barMeter' | 'position' | 'positionTempo' | 'program' | 'pitch' | 'velocity' | 'duration' | 'loop' | 'eos';

export class GrammarError extends Error {}

export class Grammar {
  phase: Phase = 'start';
  /** prefix instruments (in order) */
  readonly instruments: number[] = [];
  tempo = 0;
  meter: Meter = METERS[0];
  /** bars started so far */
  bars = 0;
  /** step at which the current bar starts */
  barStart = 0;
  /** position in the current bar, −1 before the first */
  position = -1;
  /** instrument of the current note group, −1 before the first in a position */
  instrument = -1;
  pitch = -1;
  duration = 0;
  private instrumentSet = new Set<number>();

  /** the absolute step of the current position */
  get step(): number {
    return this.barStart + Math.max(0, this.position);
  }

  get complete(): boolean {
    return this.phase === 'eos';
  }

  isLegal(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id >= VOCAB_SIZE) return false;
    const kind = kindOf(id);
    const value = valueOf(id);
    const bodyEnd = id === BAR || id === LOOP || id === EOS;
    const nextPosition = kind === 'position' && value > this.position && value < barSteps(this.meter);
    const nextProgram = kind === 'instrument' && value > this.instrument && this.instrumentSet.has(value);
    switch (this.phase) {
      case 'start': return id === BOS;
      case 'bos': return id === COND;
      case 'cond': return kind === 'tempo';
      case 'tempo': return kind === 'key';
      case 'key': return kind === 'mode';
      case 'mode': return kind === 'meter';
      case 'meter': return kind === 'style';
      case 'style': case 'instrument': return (kind === 'instrument' && this.canAddInstrument(value)) || kind === 'density';
      case 'density': return id === BAR;
      case 'bar': return (kind === 'meter' && !sameMeter(METERS[value], this.meter)) || nextPosition || bodyEnd;
      case 'barMeter': return nextPosition || bodyEnd;
      case 'position': return (kind === 'tempo' && value !== this.tempo) || nextProgram;
      case 'positionTempo': return nextProgram || nextPosition || bodyEnd;
      case 'program': return kind === 'pitch';
      case 'pitch': return kind === 'velocity';
      case 'velocity': return kind === 'duration';
      case 'duration':
        return (kind === 'duration' && this.duration % MAX_DURATION_STEPS === 0)
          || (kind === 'pitch' && value > this.pitch) || nextProgram || nextPosition || bodyEnd;
      case 'loop': return id === EOS;
      case 'eos': return id === PAD;
    }
  }

  /** ascending; at most MAX_MELODIC_INSTRUMENTS programs and one drum kit (kits sort last) */
  private canAddInstrument(instrument: number): boolean {
    const last = this.instruments[this.instruments.length - 1] ?? -1;
    if (instrument <= last || isDrumInstrument(last)) return false;
    return isDrumInstrument(instrument) || this.instruments.length < MAX_MELODIC_INSTRUMENTS;
  }

  /** 1 where a token is legal next, 0 elsewhere */
  legalMask(into: Uint8Array = new Uint8Array(VOCAB_SIZE)): Uint8Array {
    for (let id = 0; id < VOCAB_SIZE; id++) into[id] = this.isLegal(id) ? 1 : 0;
    return into;
  }

  legalTokens(): number[] {
    const out: number[] = [];
    for (let id = 0; id < VOCAB_SIZE; id++) if (this.isLegal(id)) out.push(id);
    return out;
  }

  accept(id: number): void {
    if (!this.isLegal(id)) {
      const name = Number.isInteger(id) && id >= 0 && id < VOCAB_SIZE ? tokenName(id) : `id ${id}`;
      throw new GrammarError(`${name} is not legal after ${this.phase} (bar ${this.bars}, position ${this.position})`);
    }
    const kind = kindOf(id);
    const value = valueOf(id);
    if (id === BOS) this.phase = 'bos';
    else if (id === COND) this.phase = 'cond';
    else if (id === LOOP) this.phase = 'loop';
    else if (id === EOS || id === PAD) this.phase = 'eos';
    else if (id === BAR) {
      if (this.bars > 0) this.barStart += barSteps(this.meter);
      this.bars++;
      this.position = -1;
      this.phase = 'bar';
    } else if (kind === 'tempo') {
      this.tempo = value;
      this.phase = this.phase === 'cond' ? 'tempo' : 'positionTempo';
    } else if (kind === 'meter') {
      this.meter = METERS[value];
      this.phase = this.phase === 'mode' ? 'meter' : 'barMeter';
    } else if (kind === 'instrument') {
      if (this.phase === 'style' || this.phase === 'instrument') {
        this.instruments.push(value);
        this.instrumentSet.add(value);
        this.phase = 'instrument';
      } else {
        this.instrument = value;
        this.pitch = -1;
        this.phase = 'program';
      }
    } else if (kind === 'position') {
      this.position = value;
      this.instrument = -1;
      this.phase = 'position';
    } else if (kind === 'pitch') {
      this.pitch = value;
      this.duration = 0;
      this.phase = 'pitch';
    } else if (kind === 'duration') {
      this.duration += value;
      this.phase = 'duration';
    } else {
      // key, mode, style, density, velocity: the prefix or note step named after the kind
      this.phase = kind as Phase;
    }
  }
}

function sameMeter(a: Meter, b: Meter): boolean {
  return a[0] === b[0] && a[1] === b[1];
}
