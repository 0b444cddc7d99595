// The sequence being generated and the rules for its next token: the grammar, the attributes the user set, the
// requested length, loop mode and a cap on a bar's tokens. `allowed` writes the mask the sampler draws under, so
// whatever the model's logits, the result is a legal sequence that ends at the right bar.
//
// Length: the piece stops at the bar that reaches the requested seconds (counted after the prompt, if any): until
// then EOS and LOOP are masked; in that bar Bar is masked, so the model's choice to end the bar ends the piece.
// Loop mode: the bar count is fixed when generation starts (the bars that reach the seconds, rounded up to an even
// number: loops repeat in two-bar phrases), tempo and meter stay as they are, every note ends by the loop point, and
// the piece ends LOOP EOS — so it repeats seamlessly.
// Every piece has a note: until one is written, a bar may not end empty and a tempo change must be followed by a
// note, so no seed gives a silent piece.
// Scale lock: when the user sets the key, pitched notes keep to the scale of the piece's key and mode (drums are
// free), as a DAW's scale lock does; a pitch outside it stays allowed only where nothing else would be.
import { Grammar, type Phase } from '../tokenizer/grammar.js';
import { scalePitchClasses } from '../tokenizer/scale.js';
import { barSteps, isDrumInstrument } from '../tokenizer/grid.js';
import { BAR, EOS, kindOf, kindRanges, LOOP, MODES, valueOf, type Kind } from '../tokenizer/vocabulary.js';
import type { ForcedPrefix } from './controls.js';
import { PieceClock } from './piece-clock.js';
import type { BarMark } from './window.js';

export interface PieceRules {
  forced: ForcedPrefix;
  /** seconds of music to add (after the prompt, if any) */
  seconds: number;
  loop: boolean;
  /** tokens a bar may take before the sampler closes it (keeps every bar inside one window) */
  barTokenLimit: number;
  /** keep pitched notes to the scale of the prefix's key and mode */
  scaleLock?: boolean;
}


interface Plan {
  /** where the generated music starts and must reach, in seconds */
  startSeconds: number;
  endSeconds: number;
  /** bars started before generation (the prompt's) */
  promptBars: number;
  /** loop mode: the piece's bar count and its last step */
  loopBars?: number;
  loopEndStep?: number;
}

const RANGES = kindRanges();
const PREFIX_SLOT: Partial<Record<Phase, keyof ForcedPrefix>> = { cond: 'tempo', tempo: 'key', key: 'mode', mode: 'meter', meter: 'style' };
const CLOSING = [BAR, EOS, LOOP];

export class PieceState {
  readonly grammar = new Grammar();
  readonly tokens: number[] = [];
  /** every Bar token, with the tempo and meter in effect before it */
  readonly bars: BarMark[] = [];
  /** tokens of the attribute prefix (BOS … Density), once it is complete */
  prefixLength = 0;
  private clock = new PieceClock(120);
  private barTokens = 0;
  private plan?: Plan;
  /** pitch classes of the locked scale (1 = in it), set when the prefix completes */
  private scale?: Uint8Array;
  /** pitch tokens so far (prompt included) */
  private notes = 0;

  constructor(readonly rules: PieceRules) {}

  get finished(): boolean {
    return this.grammar.complete;
  }

  get prefixComplete(): boolean {
    return this.prefixLength > 0;
  }

  get generating(): boolean {
    return this.plan !== undefined;
  }

  accept(id: number): void {
    const g = this.grammar;
    const before = g.phase;
    if (id === BAR) this.bars.push({ index: this.tokens.length, tempo: g.tempo, meter: g.meter });
    g.accept(id);
    this.tokens.push(id);
    const kind = kindOf(id);
    if (kind === 'tempo') {
      if (before === 'cond') this.clock = new PieceClock(valueOf(id));
      else this.clock.setTempo(g.step, valueOf(id));
    }
    if (kind === 'pitch') this.notes++;
    if (kind === 'density') {
      this.prefixLength = this.tokens.length;
      if (this.rules.scaleLock) this.scale = this.prefixScale();
    }
    this.barTokens = id === BAR ? 1 : this.barTokens + 1;
  }

  /** Generation starts here: after the prefix, and after the prompt's tokens when there is a prompt. */
  beginGenerating(): void {
    const g = this.grammar;
    if (!this.prefixComplete) throw new Error('generation starts after the attribute prefix');
    const promptEndStep = g.bars === 0 ? 0 : g.barStart + barSteps(g.meter);
    const startSeconds = this.clock.secondsAt(promptEndStep);
    this.plan = { startSeconds, endSeconds: startSeconds + this.rules.seconds, promptBars: g.bars };
    if (this.rules.loop) {
      const barSeconds = barSteps(g.meter) * this.clock.stepSeconds;
      let bars = Math.max(1, Math.ceil(this.rules.seconds / barSeconds - 1e-9));
      if (bars > 1 && bars % 2 === 1) bars++;
      this.plan.loopBars = g.bars + bars;
      this.plan.loopEndStep = promptEndStep + bars * barSteps(g.meter);
    }
  }

  /** the end of the current bar, in seconds at the tempo now */
  private barEndSeconds(): number {
    const g = this.grammar;
    return this.clock.secondsAt(g.barStart + barSteps(g.meter));
  }

  /** the current bar is the last one */
  get inLastBar(): boolean {
    const g = this.grammar;
    const plan = this.plan;
    if (!plan || g.bars === 0) return false;
    if (plan.loopBars !== undefined) return g.bars >= plan.loopBars;
    return this.barEndSeconds() >= plan.endSeconds - 1e-9;
  }

  /** 1 where the next token may be sampled */
  allowed(into: Uint8Array): Uint8Array {
    const g = this.grammar;
    g.legalMask(into);
    if (!this.prefixComplete) this.prefixRules(into);
    else if (this.plan) this.bodyRules(into, this.plan);
    if (this.generating && this.notes === 0) this.noteFirst(into);
    if (this.scale && g.instrument >= 0 && !isDrumInstrument(g.instrument)) this.keepToScale(into, this.scale);
    if (g.bars > 0 && this.barTokens >= this.rules.barTokenLimit && CLOSING.some((id) => into[id])) {
      for (let id = 0; id < into.length; id++) if (!CLOSING.includes(id)) into[id] = 0;
    }
    return into;
  }

  private noteFirst(into: Uint8Array): void {
    const phase = this.grammar.phase;
    if (phase === 'bar' || phase === 'barMeter') {
      for (const id of CLOSING) into[id] = 0; // a position (then a note) is always legal at a bar's start
    } else if (phase === 'positionTempo') {
      const { first, count } = RANGES.instrument;
      for (let id = 0; id < into.length; id++) if (id < first || id >= first + count) into[id] = 0;
    }
  }

  private prefixScale(): Uint8Array {
    const tonic = valueOf(this.tokens.find((id) => kindOf(id) === 'key')!);
    const mode = MODES[valueOf(this.tokens.find((id) => kindOf(id) === 'mode')!)];
    return scalePitchClasses(tonic, mode);
  }

  private keepToScale(into: Uint8Array, scale: Uint8Array): void {
    const { first, count } = RANGES.pitch;
    let other = false;
    for (let id = 0; id < into.length && !other; id++) other = into[id] === 1 && (id < first || id >= first + count || scale[(id - first) % 12] === 1);
    if (!other) return;
    for (let pitch = 0; pitch < count; pitch++) if (!scale[pitch % 12]) into[first + pitch] = 0;
  }

  private prefixRules(into: Uint8Array): void {
    const { forced } = this.rules;
    const g = this.grammar;
    const slot = PREFIX_SLOT[g.phase];
    if (slot) {
      only(into, forced[slot] as number | undefined);
    } else if (g.phase === 'style' || g.phase === 'instrument') {
      if (forced.instruments) {
        const next = forced.instruments[g.instruments.length];
        if (next !== undefined) return only(into, next);
        clearKind(into, 'instrument');
      }
      if (g.instruments.length === 0) clearKind(into, 'density'); // a piece has at least one instrument
      if (forced.density !== undefined) {
        const keep = into[forced.density];
        clearKind(into, 'density');
        into[forced.density] = keep;
      }
    }
  }

  private bodyRules(into: Uint8Array, plan: Plan): void {
    const g = this.grammar;
    const last = this.inLastBar;
    const loop = plan.loopBars !== undefined;
    if (g.phase !== 'loop') {
      into[EOS] &= Number(last && !loop);
      into[LOOP] &= Number(last && loop);
    }
    if (last) into[BAR] = 0;
    if (!loop) return;
    clearKind(into, 'tempo');
    clearKind(into, 'meter');
    // every note ends by the loop point
    const room = plan.loopEndStep! - g.step;
    const sounding = g.phase === 'duration' ? g.duration : 0;
    if (g.phase === 'velocity' || g.phase === 'duration') {
      const { first, count } = RANGES.duration;
      for (let i = 0; i < count; i++) if (sounding + i + 1 > room) into[first + i] = 0;
    }
  }

  /** bars and seconds generated so far (after the prompt) */
  progress(): { bars: number; seconds: number } {
    const g = this.grammar;
    const plan = this.plan;
    if (!plan || g.bars === 0) return { bars: 0, seconds: 0 };
    const done = this.finished ? g.bars : g.bars - 1;
    const doneEnd = this.finished ? this.barEndSeconds() : this.clock.secondsAt(g.barStart);
    return { bars: Math.max(0, done - plan.promptBars), seconds: Math.max(0, doneEnd - plan.startSeconds) };
  }

  /** the whole piece's length and the prompt's, in seconds */
  lengths(): { seconds: number; promptSeconds: number } {
    return { seconds: this.grammar.bars ? this.barEndSeconds() : 0, promptSeconds: this.plan?.startSeconds ?? 0 };
  }
}

function only(into: Uint8Array, id: number | undefined): void {
  if (id === undefined) return;
  if (!into[id]) throw new Error(`forced token ${id} is not legal here`);
  into.fill(0);
  into[id] = 1;
}

function clearKind(into: Uint8Array, kind: Kind): void {
  const { first, count } = RANGES[kind];
  into.fill(0, first, first + count);
}
