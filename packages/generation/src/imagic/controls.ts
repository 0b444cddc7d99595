// The attributes a user may set (tempo, key, mode, meter, style, instruments, density): checked and turned into the
// prefix tokens the sampler forces. Attributes left unset are predicted by the model.
import { DRUM_INSTRUMENT_BASE, DRUM_KITS, isDrumInstrument, MAX_MELODIC_INSTRUMENTS, meterIndex, METERS, TEMPO_MAX, TEMPO_MIN, DENSITY_EDGES } from '../tokenizer/grid.js';
import { KEY_NAMES, MODES, STYLES, tokenId, type Mode, type StyleName } from '../tokenizer/vocabulary.js';
import { badInput } from './errors.js';

export interface MusicControls {
  /** starting tempo, whole BPM 40–240 */
  tempo?: number;
  /** tonic: C, C#/Db, … B (sharps or flats), or a pitch class 0–11 */
  key?: string | number;
  mode?: Mode;
  /** meter of the first bar, e.g. '3/4' (one of the vocabulary's 14) */
  meter?: string;
  style?: StyleName;
  /** GM programs 0–127 and at most one drum kit ('drums' = standard, or 'drums:jazz' …); at most 15 programs */
  instruments?: readonly (number | string)[];
  /** notes per quarter note as a bin 0–9 (tokenizer/grid.ts DENSITY_EDGES) */
  density?: number;
}

/** Token ids to force in the prefix; an absent field is sampled. */
export interface ForcedPrefix {
  tempo?: number;
  key?: number;
  mode?: number;
  meter?: number;
  style?: number;
  /** instrument tokens, ascending: the whole set (nothing else may be added) */
  instruments?: number[];
  density?: number;
}

const SHARP_NAMES: Record<string, string> = { 'C#': 'Db', 'D#': 'Eb', 'F#': 'Gb', 'G#': 'Ab', 'A#': 'Bb' };

export function tonicOf(key: string | number): number {
  if (typeof key === 'number') {
    if (Number.isInteger(key) && key >= 0 && key < 12) return key;
    throw badInput(`key must be a pitch class 0–11 or a name (C, C#, Db, … B), got ${key}`);
  }
  const name = key.trim().replace(/^([a-g])/, (c) => c.toUpperCase()).replace('♯', '#').replace('♭', 'b');
  const index = (KEY_NAMES as readonly string[]).indexOf(SHARP_NAMES[name] ?? name);
  if (index < 0) throw badInput(`unknown key '${key}': use C, C#, Db, D, D#, Eb, E, F, F#, Gb, G, G#, Ab, A, A#, Bb or B`);
  return index;
}

/** 0–127 a GM program; 'drums' or 'drums:<kit>' (or a kit's name) a drum kit as the tokenizer numbers it. */
export function instrumentNumber(value: number | string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 127) return value;
    throw badInput(`an instrument is a GM program 0–127 or a drum kit, got ${value}`);
  }
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text)) return instrumentNumber(Number(text));
  const kit = text === 'drums' ? 'standard' : text.replace(/^drums:/, '');
  const index = DRUM_KITS.findIndex(([name]) => name === kit);
  if (index < 0) throw badInput(`unknown instrument '${value}': use a GM program 0–127, 'drums' or drums:${DRUM_KITS.map(([n]) => n).join('|')}`);
  return DRUM_INSTRUMENT_BASE + index;
}

/** A valid instrument set, ascending: unique, at most 15 programs and one kit. */
export function instrumentSet(values: readonly (number | string)[]): number[] {
  return checkedInstruments(values.map(instrumentNumber));
}

/** tokenizer instrument numbers (0–127 programs, 128+ kits) as a set the grammar takes, ascending */
export function checkedInstruments(instruments: readonly number[]): number[] {
  const set = [...new Set(instruments)].sort((a, b) => a - b);
  if (set.length === 0) throw badInput('instruments, when given, must name at least one instrument');
  const kits = set.filter(isDrumInstrument).length;
  if (kits > 1) throw badInput('a piece plays at most one drum kit');
  if (set.length - kits > MAX_MELODIC_INSTRUMENTS) throw badInput(`a piece plays at most ${MAX_MELODIC_INSTRUMENTS} GM programs (MIDI's melodic channels), got ${set.length - kits}`);
  return set;
}

export function meterOf(text: string): number {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? meterIndex([Number(m[1]), Number(m[2])]) : -1;
  if (index < 0) throw badInput(`meter must be one of ${METERS.map(([n, d]) => `${n}/${d}`).join(', ')}; got '${text}'`);
  return index;
}

export function forcedPrefix(c: MusicControls = {}): ForcedPrefix {
  const out: ForcedPrefix = {};
  if (c.tempo !== undefined) {
    if (!(Number.isInteger(c.tempo) && c.tempo >= TEMPO_MIN && c.tempo <= TEMPO_MAX)) throw badInput(`tempo must be a whole BPM from ${TEMPO_MIN} to ${TEMPO_MAX}, got ${c.tempo}`);
    out.tempo = tokenId('tempo', c.tempo);
  }
  if (c.key !== undefined) out.key = tokenId('key', tonicOf(c.key));
  if (c.mode !== undefined) {
    if (!MODES.includes(c.mode)) throw badInput(`mode must be major or minor, got '${c.mode}'`);
    out.mode = tokenId('mode', MODES.indexOf(c.mode));
  }
  if (c.meter !== undefined) out.meter = tokenId('meter', meterOf(c.meter));
  if (c.style !== undefined) {
    if (!STYLES.includes(c.style)) throw badInput(`style must be one of ${STYLES.join(', ')}; got '${c.style}'`);
    out.style = tokenId('style', STYLES.indexOf(c.style));
  }
  if (c.instruments !== undefined) out.instruments = instrumentSet(c.instruments).map((i) => tokenId('instrument', i));
  if (c.density !== undefined) {
    if (!(Number.isInteger(c.density) && c.density >= 0 && c.density <= DENSITY_EDGES.length)) throw badInput(`density must be a bin 0–${DENSITY_EDGES.length}, got ${c.density}`);
    out.density = tokenId('density', c.density);
  }
  return out;
}
