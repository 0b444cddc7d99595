// The Imagic event vocabulary: every token's name and id, in one fixed order, with a version and a hash.
// A model pins (VOCAB_VERSION, VOCAB_HASH); the hash covers the names, the grid numbers they stand for and the
// grammar's instrument limit.
import { createHash } from 'node:crypto';
import type { MusicPlan } from '@muse/immute';
import {
  DENSITY_EDGES, DRUM_KITS, MAX_BAR_STEPS, MAX_DURATION_STEPS, MAX_MELODIC_INSTRUMENTS, METERS, STEPS_PER_BEAT, TEMPO_MAX, TEMPO_MIN,
  VELOCITY_BIN_WIDTH, VELOCITY_BINS,
} from './grid.js';

export const VOCAB_VERSION = 'imagic-remi-1';

export const KEY_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'] as const;
export const MODES = ['major', 'minor'] as const;
export type Mode = (typeof MODES)[number];

/** ImMuTe's styles, then `unknown` for music without one (user MIDI). */
export const STYLES = [
  'rock', 'metal', 'pop', 'jazz', 'blues', 'classical', 'electronic', 'hip-hop', 'r-and-b', 'funk', 'reggae',
  'latin', 'folk', 'world', 'ambient', 'cinematic', 'ballad', 'lullaby', 'devotional', 'march', 'waltz', 'unknown',
] as const satisfies readonly (MusicPlan['style'] | 'unknown')[];
export type StyleName = (typeof STYLES)[number];
// compile-time check that no ImMuTe style is missing from the list
const everyStyleListed: Exclude<MusicPlan['style'], StyleName> extends never ? true : false = true;
void everyStyleListed;

export const SPECIAL = ['PAD', 'BOS', 'EOS', 'COND', 'LOOP'] as const;

/** Token kinds in id order; each kind is one contiguous run of ids. */
export const KINDS = ['special', 'tempo', 'key', 'mode', 'meter', 'style', 'density', 'bar', 'position', 'instrument', 'pitch', 'velocity', 'duration'] as const;
export type Kind = (typeof KINDS)[number];

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const NAMES: Record<Kind, string[]> = {
  special: [...SPECIAL],
  tempo: range(TEMPO_MIN, TEMPO_MAX).map((bpm) => `Tempo_${bpm}`),
  key: KEY_NAMES.map((k) => `Key_${k}`),
  mode: MODES.map((m) => `Mode_${m}`),
  meter: METERS.map(([n, d]) => `Meter_${n}/${d}`),
  style: STYLES.map((s) => `Style_${s}`),
  density: range(0, DENSITY_EDGES.length).map((b) => `Density_${b}`),
  bar: ['Bar'],
  position: range(0, MAX_BAR_STEPS - 1).map((p) => `Pos_${p}`),
  instrument: [...range(0, 127).map((p) => `Program_${p}`), ...DRUM_KITS.map(([name]) => `Drums_${name}`)],
  pitch: range(0, 127).map((p) => `Pitch_${p}`),
  velocity: range(0, VELOCITY_BINS - 1).map((b) => `Vel_${b}`),
  duration: range(1, MAX_DURATION_STEPS).map((d) => `Dur_${d}`),
};

/** What a token's value counts from: a tempo token's value is its BPM, a duration's its steps, others their index. */
const VALUE_BASE: Partial<Record<Kind, number>> = { tempo: TEMPO_MIN, duration: 1 };

export const TOKENS: readonly string[] = KINDS.flatMap((k) => NAMES[k]);
export const VOCAB_SIZE = TOKENS.length;

const FIRST = {} as Record<Kind, number>;
const kindOfId: Kind[] = [];
const valueOfId: number[] = [];
{
  let id = 0;
  for (const kind of KINDS) {
    FIRST[kind] = id;
    NAMES[kind].forEach((_, i) => { kindOfId.push(kind); valueOfId.push(i + (VALUE_BASE[kind] ?? 0)); id++; });
  }
}
const idOfName = new Map(TOKENS.map((name, id) => [name, id]));

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const COND = 3;
export const LOOP = 4;
export const BAR = FIRST.bar;

export function kindOf(id: number): Kind {
  const kind = kindOfId[id];
  if (kind === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (0..${VOCAB_SIZE - 1})`);
  return kind;
}

/** tempo → BPM, duration → steps, position → step in bar, instrument → instrument number, others → index in kind */
export function valueOf(id: number): number {
  kindOf(id);
  return valueOfId[id];
}

/** the id of the token of `kind` with `value` (the inverse of valueOf) */
export function tokenId(kind: Kind, value: number): number {
  const index = value - (VALUE_BASE[kind] ?? 0);
  if (!Number.isInteger(index) || index < 0 || index >= NAMES[kind].length) throw new RangeError(`no ${kind} token for ${value}`);
  return FIRST[kind] + index;
}

export function tokenName(id: number): string {
  kindOf(id);
  return TOKENS[id];
}

export function idOf(name: string): number {
  const id = idOfName.get(name);
  if (id === undefined) throw new RangeError(`no token named ${name}`);
  return id;
}

/** first id and count of each kind, for masks and for the Python side */
export function kindRanges(): Record<Kind, { first: number; count: number }> {
  return Object.fromEntries(KINDS.map((k) => [k, { first: FIRST[k], count: NAMES[k].length }])) as Record<Kind, { first: number; count: number }>;
}

const GRID = {
  stepsPerBeat: STEPS_PER_BEAT, velocityBinWidth: VELOCITY_BIN_WIDTH, densityEdges: DENSITY_EDGES, drumKits: DRUM_KITS, meters: METERS,
  maxMelodicInstruments: MAX_MELODIC_INSTRUMENTS,
};

export const VOCAB_HASH = createHash('sha256').update(JSON.stringify({ tokens: TOKENS, grid: GRID })).digest('hex').slice(0, 16);

/** What vocab.json holds: enough for a trainer to size its embedding and to check the pin. */
export function vocabularyDocument(): object {
  return { version: VOCAB_VERSION, hash: VOCAB_HASH, size: VOCAB_SIZE, grid: GRID, kinds: kindRanges(), tokens: TOKENS };
}
