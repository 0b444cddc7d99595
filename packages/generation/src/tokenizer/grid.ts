// The quantisation grid and the value ranges behind the vocabulary. Changing any number here changes
// what tokens mean, so it changes the vocabulary hash (vocabulary.ts) and needs a new VOCAB_VERSION.

/** Positions per quarter note: 12 holds 16ths (3) and eighth/quarter triplets (4, 8) on one grid. */
export const STEPS_PER_BEAT = 12;
/** Longest single duration token, in steps (one 4/4 bar); longer notes chain Dur tokens. */
export const MAX_DURATION_STEPS = 48;
export const TEMPO_MIN = 40;
export const TEMPO_MAX = 240;
export const VELOCITY_BINS = 16;
export const VELOCITY_BIN_WIDTH = 8;

/** Meters a bar can have: [numerator, denominator]. Others are mapped by `supportedMeter`. */
export const METERS: readonly (readonly [number, number])[] = [
  [4, 4], [3, 4], [2, 4], [5, 4], [6, 4], [7, 4], [2, 2], [3, 2],
  [3, 8], [5, 8], [6, 8], [7, 8], [9, 8], [12, 8],
];
export type Meter = readonly [number, number];

export function barSteps(meter: Meter): number {
  return (meter[0] * 4 * STEPS_PER_BEAT) / meter[1];
}

export const MAX_BAR_STEPS = Math.max(...METERS.map(barSteps));

/** The meter itself when listed; else a listed meter with the same bar length; else 4/4. */
export function supportedMeter(numerator: number, denominator: number): Meter {
  const exact = METERS.find(([n, d]) => n === numerator && d === denominator);
  if (exact) return exact;
  const steps = (numerator * 4 * STEPS_PER_BEAT) / denominator;
  return METERS.find((m) => barSteps(m) === steps) ?? METERS[0];
}

export function meterIndex(meter: Meter): number {
  return METERS.findIndex(([n, d]) => n === meter[0] && d === meter[1]);
}

/** ticks → grid steps, rounding to the nearest step. */
export function toSteps(ticks: number, ppq: number): number {
  return Math.round((ticks * STEPS_PER_BEAT) / ppq);
}

export function durationSteps(ticks: number, ppq: number): number {
  return Math.max(1, toSteps(ticks, ppq));
}

export function tempoValue(bpm: number): number {
  return Math.max(TEMPO_MIN, Math.min(TEMPO_MAX, Math.round(bpm)));
}

/** velocity 1..127 → bin 0..15: [1–7], [8–15], …, [120–127]. */
export function velocityBin(velocity: number): number {
  return Math.max(0, Math.min(VELOCITY_BINS - 1, Math.floor(velocity / VELOCITY_BIN_WIDTH)));
}

/** the velocity a bin decodes to: its middle, so it falls back into the same bin */
export function binVelocity(bin: number): number {
  return bin * VELOCITY_BIN_WIDTH + VELOCITY_BIN_WIDTH / 2;
}

/** Notes per quarter note, binned. Edges follow the ImMuTe corpus (median ≈ 9.6) and leave room for sparser music. */
export const DENSITY_EDGES = [2, 3, 4.5, 6, 7.5, 9, 10.5, 12, 14];

export function densityBin(notesPerBeat: number): number {
  const i = DENSITY_EDGES.findIndex((edge) => notesPerBeat < edge);
  return i === -1 ? DENSITY_EDGES.length : i;
}

/** GM2 drum kits, selected by program change on channel 10; any other kit program maps to the listed one below it. */
export const DRUM_KITS = [
  ['standard', 0], ['room', 8], ['power', 16], ['electronic', 24], ['tr808', 25], ['jazz', 32], ['brush', 40], ['orchestra', 48],
] as const;

export function kitIndex(program: number): number {
  let index = 0;
  DRUM_KITS.forEach(([, p], i) => { if (p <= program) index = i; });
  return index;
}

/**
 * An instrument as the tokens name it: 0..127 a GM program on a melodic channel,
 * 128 + k the drum kit DRUM_KITS[k] on channel 10.
 */
export const DRUM_INSTRUMENT_BASE = 128;
export const INSTRUMENT_COUNT = DRUM_INSTRUMENT_BASE + DRUM_KITS.length;

/** A piece plays at most this many melodic programs (GM's 15 melodic channels) and one drum kit (channel 10). */
export const MAX_MELODIC_INSTRUMENTS = 15;

export function instrumentOf(program: number, drums: boolean): number {
  return drums ? DRUM_INSTRUMENT_BASE + kitIndex(program) : program;
}

export function isDrumInstrument(instrument: number): boolean {
  return instrument >= DRUM_INSTRUMENT_BASE;
}

/** The GM program an instrument is played with (for a kit, its program on channel 10). */
export function instrumentProgram(instrument: number): number {
  return isDrumInstrument(instrument) ? DRUM_KITS[instrument - DRUM_INSTRUMENT_BASE][1] : instrument;
}
