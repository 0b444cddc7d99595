// A beat period from note onsets: a weighted histogram of the intervals between onsets (their autocorrelation),
// read through a comb at each candidate period of 60–200 BPM and its multiples (up to 8, within 4 s), times a
// log-normal preference centred on 120 BPM. The comb keeps the beat ahead of its subdivision (off-beat eighths are
// rarer than on-beat notes, so half the teeth of the half period score lower); the preference breaks the tie
// between a beat and its double (a steady pulse fits both), as in Ellis's beat tracker and librosa's `tempo`. A
// least-squares fit then sharpens the period, and the phase is where the most onsets land on the beat.

export const TEMPO_RANGE = { min: 60, max: 200 } as const;
/** the tempo written when there are too few onsets to measure one */
export const DEFAULT_TEMPO = 120;
/** fewer distinct onsets than this say nothing about a beat */
export const MIN_TEMPO_ONSETS = 4;

/** onsets closer than this are one event (a chord, a transcription's doubled attack) */
const MERGE_SECONDS = 0.035;
/** the spread of an interval around its nominal length: the transcription's frame (11.6 ms) and a player's timing */
const INTERVAL_SIGMA_SECONDS = 0.02;
/** intervals longer than this are not counted (four beats at the slowest tempo, eight at 120 BPM) */
const MAX_INTERVAL_SECONDS = 4;
/** multiples of the period the comb reads */
const COMB_TEETH = 8;
const BIN_SECONDS = 0.005;
const CANDIDATE_STEP_BPM = 0.25;
const REFINE_PASSES = 2;
/** onsets farther than this (in beats) from a half-beat point are left out of the fit: triplets, ornaments */
const REFINE_NEAR_BEATS = 1 / 8;
const REFINE_MAX_CHANGE = 0.02;
/** how near a beat point an onset counts as on it, in beats, and the phase search's resolution */
const PHASE_SIGMA_BEATS = 1 / 12;
const PHASE_STEPS = 48;
/** centre and width (in octaves) of the preference between a tempo and its double or half */
const PREFERRED_BPM = 120;
const PREFERENCE_OCTAVES = 1;

export interface Onset {
  seconds: number;
  /** salience, e.g. the note's velocity; 1 when absent */
  weight?: number;
}

export interface TempoEstimate {
  bpm: number;
  beatSeconds: number;
  /** where the beat falls: every phaseSeconds + k · beatSeconds, 0 ≤ phaseSeconds < beatSeconds */
  phaseSeconds: number;
  /** the winning score over the mean score of all candidates (1 = no preference; 0 when the default was used) */
  confidence: number;
  /** distinct onsets it was measured from */
  onsets: number;
}

/** onsets sorted, those within MERGE_SECONDS of the group's first one merged (the loudest weight stands) */
export function mergeOnsets(onsets: readonly Onset[]): { seconds: number; weight: number }[] {
  const sorted = [...onsets].sort((a, b) => a.seconds - b.seconds);
  const events: { seconds: number; weight: number }[] = [];
  for (const o of sorted) {
    const last = events[events.length - 1];
    const weight = o.weight ?? 1;
    if (last && o.seconds - last.seconds < MERGE_SECONDS) last.weight = Math.max(last.weight, weight);
    else events.push({ seconds: o.seconds, weight });
  }
  return events;
}

export function estimateTempo(onsets: readonly Onset[]): TempoEstimate {
  const events = mergeOnsets(onsets);
  if (events.length < MIN_TEMPO_ONSETS) {
    const beatSeconds = 60 / DEFAULT_TEMPO;
    return { bpm: DEFAULT_TEMPO, beatSeconds, phaseSeconds: phaseOf(events, beatSeconds), confidence: 0, onsets: events.length };
  }
  const span = events[events.length - 1].seconds - events[0].seconds;
  const autocorrelation = intervalAutocorrelation(events, span);
  let best = { bpm: DEFAULT_TEMPO, score: -Infinity };
  let total = 0;
  let count = 0;
  for (let bpm = TEMPO_RANGE.min; bpm <= TEMPO_RANGE.max + 1e-9; bpm += CANDIDATE_STEP_BPM) {
    const score = combScore(autocorrelation, 60 / bpm) * preference(bpm);
    total += score;
    count++;
    if (score > best.score) best = { bpm, score };
  }
  const mean = total / count;
  const beat = refineBeat(events, 60 / best.bpm);
  return { bpm: 60 / beat.seconds, beatSeconds: beat.seconds, phaseSeconds: beat.phase, confidence: mean > 0 ? best.score / mean : 0, onsets: events.length };
}

/**
 * The candidate grid is CANDIDATE_STEP_BPM coarse (0.2 % at 120 BPM, a tenth of a beat over 30 s): a weighted
 * least-squares line through the onsets that sit near a half-beat point, onset = phase + n · period, sharpens
 * the period and the phase. Kept only while it moves the period by less than REFINE_MAX_CHANGE.
 */
function refineBeat(events: { seconds: number; weight: number }[], beatSeconds: number): { seconds: number; phase: number } {
  let period = beatSeconds;
  let phase = phaseOf(events, period);
  for (let pass = 0; pass < REFINE_PASSES; pass++) {
    let [sw, sn, st, snn, snt] = [0, 0, 0, 0, 0];
    for (const e of events) {
      const n = Math.round((2 * (e.seconds - phase)) / period) / 2; // in beats, to the nearest half beat
      if (Math.abs(e.seconds - phase - n * period) > period * REFINE_NEAR_BEATS) continue;
      sw += e.weight; sn += e.weight * n; st += e.weight * e.seconds; snn += e.weight * n * n; snt += e.weight * n * e.seconds;
    }
    const det = sw * snn - sn * sn;
    if (!(det > 1e-9)) break;
    const fitted = (sw * snt - sn * st) / det;
    if (!(Math.abs(fitted / beatSeconds - 1) < REFINE_MAX_CHANGE)) break;
    period = fitted;
    phase = phaseOf(events, period);
  }
  return { seconds: period, phase };
}

/** A(τ) for τ in bins of BIN_SECONDS: Σ over onset pairs wᵢwⱼ·N(Δᵢⱼ − τ; σ), divided by how much of the clip a lag τ can see */
function intervalAutocorrelation(events: { seconds: number; weight: number }[], span: number): Float64Array {
  const bins = Math.ceil(MAX_INTERVAL_SECONDS / BIN_SECONDS) + 2; // one past the last, for interpolation
  const raw = new Float64Array(bins);
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const interval = events[j].seconds - events[i].seconds;
      if (interval > MAX_INTERVAL_SECONDS) break;
      raw[Math.round(interval / BIN_SECONDS)] += events[i].weight * events[j].weight;
    }
  }
  const reach = Math.ceil((3 * INTERVAL_SIGMA_SECONDS) / BIN_SECONDS);
  const kernel = Array.from({ length: 2 * reach + 1 }, (_, k) => Math.exp(-0.5 * (((k - reach) * BIN_SECONDS) / INTERVAL_SIGMA_SECONDS) ** 2));
  const smooth = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    if (raw[b] === 0) continue;
    for (let k = -reach; k <= reach; k++) if (b + k >= 0 && b + k < bins) smooth[b + k] += raw[b] * kernel[k + reach];
  }
  // A long lag fits fewer times into a short clip: without this, short periods would win by count alone.
  for (let b = 0; b < bins; b++) smooth[b] /= Math.max(span - b * BIN_SECONDS, span / 4, BIN_SECONDS);
  return smooth;
}

/** the mean of A at the period's first multiples that fit under MAX_INTERVAL_SECONDS (linear interpolation) */
function combScore(autocorrelation: Float64Array, period: number): number {
  let sum = 0;
  let teeth = 0;
  for (let k = 1; k <= COMB_TEETH && k * period <= MAX_INTERVAL_SECONDS; k++) {
    const x = (k * period) / BIN_SECONDS;
    const i = Math.floor(x);
    const f = x - i;
    sum += autocorrelation[i] * (1 - f) + (autocorrelation[i + 1] ?? 0) * f;
    teeth++;
  }
  return teeth ? sum / teeth : 0;
}

function preference(bpm: number): number {
  return Math.exp(-0.5 * (Math.log2(bpm / PREFERRED_BPM) / PREFERENCE_OCTAVES) ** 2);
}

/**
 * Where the beats fall: the offset (0 ≤ phase < period) whose beat points the most onset weight sits on, within
 * PHASE_SIGMA_BEATS, searched in PHASE_STEPS steps and then moved by the mean remainder of the onsets near a beat.
 * (A circular mean of all onsets is pulled off the beat by swung or dotted off-beats.)
 */
function phaseOf(events: { seconds: number; weight: number }[], beatSeconds: number): number {
  if (events.length === 0) return 0;
  const sigma = PHASE_SIGMA_BEATS * beatSeconds;
  const remainder = (seconds: number, phase: number) => {
    const r = (seconds - phase) % beatSeconds;
    const wrapped = r < 0 ? r + beatSeconds : r;
    return wrapped > beatSeconds / 2 ? wrapped - beatSeconds : wrapped; // −period/2 … period/2
  };
  let best = { phase: 0, score: -Infinity };
  for (let step = 0; step < PHASE_STEPS; step++) {
    const phase = (step / PHASE_STEPS) * beatSeconds;
    let score = 0;
    for (const e of events) score += e.weight * Math.exp(-0.5 * (remainder(e.seconds, phase) / sigma) ** 2);
    if (score > best.score) best = { phase, score };
  }
  let [shift, weight] = [0, 0];
  for (const e of events) {
    const r = remainder(e.seconds, best.phase);
    if (Math.abs(r) <= 2 * sigma) { shift += e.weight * r; weight += e.weight; }
  }
  const phase = (best.phase + (weight > 0 ? shift / weight : 0) + beatSeconds) % beatSeconds;
  return Number.isFinite(phase) ? phase : 0;
}
