// Where each note of a MIDI file goes on a piano-roll canvas: time across (seconds, so the roll lines up with
// the rendered audio), pitch up, drums in a lane of their own at the bottom, bar lines from the meters.
// Pure geometry: components/PianoRoll.tsx draws it.
import { secondsAtTick, type MidiFile, type MidiNote } from './smf';

export interface RollRect {
  x: number;
  y: number;
  width: number;
  height: number;
  /** index into the roll's voices (its colour) */
  voice: number;
  /** 0–1, for the note's opacity */
  loudness: number;
}

export interface RollVoice {
  /** GM program 0–127, or null for a drum kit */
  program: number | null;
  channel: number;
  notes: number;
}

export interface RollLayout {
  width: number;
  height: number;
  seconds: number;
  /** the pitch range of the pitched area, inclusive; null when there are no pitched notes */
  lowPitch: number | null;
  highPitch: number | null;
  /** the y where the drum lane starts (it runs to the bottom); null without drums */
  drumLaneTop: number | null;
  rects: RollRect[];
  /** x of each bar line after the first */
  barLines: number[];
  /** y of the lower edge of each C row (pitch % 12 === 0), for a faint guide */
  octaveLines: number[];
  voices: RollVoice[];
}

export interface RollOptions {
  width: number;
  height: number;
  /** the pitched area shows at least this many semitones, centred on the notes */
  minPitchSpan?: number;
  /** the roll lasts at least this long (e.g. the audio's length, which adds a release) */
  minSeconds?: number;
  /** share of the height for the drum lane, when there are drums */
  drumLaneShare?: number;
}

export const MIN_NOTE_WIDTH = 1.5;
const PITCH_PADDING = 2;
const DEFAULT_MIN_SPAN = 24;
const DEFAULT_DRUM_SHARE = 0.18;
/** A bar line at least this far from the last is drawn; denser ones would only grey the roll out. */
const MIN_BAR_SPACING = 4;

/**
 * The ticks at which bars start, up to `endTick`. Each bar takes the meter in effect where it starts, so a
 * meter change inside a bar takes effect at the next bar line.
 */
export function barTicks(midi: Pick<MidiFile, 'ticksPerQuarter' | 'meters' | 'endTick'>): number[] {
  const ppq = midi.ticksPerQuarter;
  if (!ppq) return [];
  const bars: number[] = [];
  let meter = 0;
  for (let tick = 0; tick < midi.endTick; ) {
    bars.push(tick);
    while (meter + 1 < midi.meters.length && midi.meters[meter + 1].tick <= tick) meter++;
    const { numerator, denominator } = midi.meters[meter] ?? { numerator: 4, denominator: 4 };
    tick += (numerator * ppq * 4) / denominator;
  }
  return bars;
}

function voiceKey(note: MidiNote): string {
  return note.drum ? `d${note.channel}` : `${note.channel}:${note.program}`;
}

export function layoutPianoRoll(midi: MidiFile, options: RollOptions): RollLayout {
  const { width, height } = options;
  const minSpan = options.minPitchSpan ?? DEFAULT_MIN_SPAN;
  const lastNote = midi.notes.reduce((end, n) => Math.max(end, n.end), 0);
  const seconds = Math.max(midi.durationSeconds, lastNote, options.minSeconds ?? 0, 1e-6);
  const xOf = (t: number) => (t / seconds) * width;

  const pitched = midi.notes.filter((n) => !n.drum);
  const drums = midi.notes.filter((n) => n.drum);
  const drumLaneHeight = drums.length ? Math.round(height * (pitched.length ? options.drumLaneShare ?? DEFAULT_DRUM_SHARE : 1)) : 0;
  const pitchedHeight = height - drumLaneHeight;

  let lowPitch: number | null = null;
  let highPitch: number | null = null;
  if (pitched.length) {
    let low = Math.max(0, Math.min(...pitched.map((n) => n.pitch)) - PITCH_PADDING);
    let high = Math.min(127, Math.max(...pitched.map((n) => n.pitch)) + PITCH_PADDING);
    // widen to the minimum span around the middle, inside 0–127
    const missing = minSpan - (high - low + 1);
    if (missing > 0) {
      low -= Math.floor(missing / 2);
      high += Math.ceil(missing / 2);
      if (low < 0) [low, high] = [0, high - low];
      if (high > 127) [low, high] = [Math.max(0, low - (high - 127)), 127];
    }
    lowPitch = low;
    highPitch = high;
  }

  const voices: RollVoice[] = [];
  const voiceIndex = new Map<string, number>();
  const voiceOf = (note: MidiNote) => {
    const key = voiceKey(note);
    let index = voiceIndex.get(key);
    if (index === undefined) {
      index = voices.length;
      voiceIndex.set(key, index);
      voices.push({ program: note.drum ? null : note.program, channel: note.channel, notes: 0 });
    }
    voices[index].notes++;
    return index;
  };

  const rects: RollRect[] = [];
  const place = (note: MidiNote, y: number, rowHeight: number) => {
    const x = xOf(note.start);
    rects.push({
      x,
      y,
      width: Math.max(MIN_NOTE_WIDTH, xOf(note.end) - x),
      height: Math.max(1, rowHeight),
      voice: voiceOf(note),
      loudness: note.velocity / 127,
    });
  };

  if (lowPitch !== null && highPitch !== null) {
    const rowHeight = pitchedHeight / (highPitch - lowPitch + 1);
    for (const note of pitched) place(note, (highPitch - note.pitch) * rowHeight, rowHeight);
  }
  if (drums.length) {
    // drum sounds by their note number inside the lane, low numbers (kicks) at the bottom
    const low = Math.min(...drums.map((n) => n.pitch));
    const high = Math.max(...drums.map((n) => n.pitch));
    const rowHeight = drumLaneHeight / (high - low + 1);
    for (const note of drums) place(note, pitchedHeight + (high - note.pitch) * rowHeight, rowHeight);
  }

  const barLines: number[] = [];
  for (const tick of barTicks(midi).slice(1)) {
    const x = xOf(secondsAtTick(midi, tick));
    if (x >= width) break;
    if (!barLines.length || x - barLines[barLines.length - 1] >= MIN_BAR_SPACING) barLines.push(x);
  }

  const octaveLines: number[] = [];
  if (lowPitch !== null && highPitch !== null) {
    const rowHeight = pitchedHeight / (highPitch - lowPitch + 1);
    for (let p = highPitch; p >= lowPitch; p--) if (p % 12 === 0) octaveLines.push((highPitch - p + 1) * rowHeight);
  }

  return { width, height, seconds, lowPitch, highPitch, drumLaneTop: drums.length ? pitchedHeight : null, rects, barLines, octaveLines, voices };
}

const GM_FAMILIES = [
  'piano', 'chromatic percussion', 'organ', 'guitar', 'bass', 'strings', 'ensemble', 'brass',
  'reed', 'pipe', 'synth lead', 'synth pad', 'synth effects', 'ethnic', 'percussive', 'sound effects',
];

/** A voice's words for the legend: "drums" or the program's GM family and number. */
export function voiceLabel(voice: Pick<RollVoice, 'program'>): string {
  if (voice.program === null) return 'drums';
  return `${GM_FAMILIES[voice.program >> 3]} (${voice.program})`;
}
