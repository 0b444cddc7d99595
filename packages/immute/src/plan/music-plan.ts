// Caption aspects → a music plan. Every choice is either a rule on a tag (recorded in `rules`)
// or a seeded draw inside what the caption allows (key, exact tempo, register offset …).
import { createRng } from '../rng.js';
import { PITCH_NAMES, type Mode } from '../compose/theory.js';
import { DRUM_KITS, INSTRUMENTS, type DrumKit, type Family, type Role } from './instruments.js';
import { STYLES, STYLE_PRIORITY, TEMPO_RANGES, type DrumPattern, type Style, type TempoClass } from './styles.js';

export interface PartPlan {
  role: Role;
  instrument: string;
  program: number;
  family: Family;
  /** the caption named this instrument (true) or the style filled the role (false) */
  named: boolean;
  voiceLike: boolean;
}

export interface RecordingPlan {
  lowQuality: boolean;
  noisy: boolean;
  mono: boolean;
  live: boolean;
  muffled: boolean;
  reverberant: boolean;
  distorted: boolean;
  /** band limit of the recording chain in Hz */
  bandLow: number;
  bandHigh: number;
  /** noise floor relative to the music peak, dB (−Infinity = clean) */
  noiseDb: number;
  /** room reverb wet amount 0..1 */
  room: number;
  drive: number;
  crowd: boolean;
}

export interface MusicPlan {
  style: Style;
  tempoClass: TempoClass;
  bpm: number;
  meter: [number, number];
  swing: number;
  key: string;
  tonic: number;
  mode: Mode;
  scale: string;
  progression: string;
  valence: number;
  arousal: number;
  /** 0..1, notes per beat of the melody and how many layers play */
  density: number;
  /** base MIDI velocity 30..120 */
  velocity: number;
  /** output peak 0..1 — louder captions render louder */
  loudness: number;
  /** melody centre, MIDI note */
  register: number;
  parts: PartPlan[];
  drums: { pattern: DrumPattern; kit: DrumKit; kitProgram: number; handPercussion: boolean; fills: boolean } | null;
  voices: string[];
  chordPattern: string;
  bassPattern: string;
  recording: RecordingPlan;
  /** tag → what it changed, for tracing */
  rules: Record<string, string>;
}

const MOOD_EFFECT: Record<string, { valence: number; arousal: number }> = {
  happy: { valence: 0.7, arousal: 0.3 },
  sad: { valence: -0.8, arousal: -0.35 },
  dark: { valence: -0.6, arousal: 0.1 },
  calm: { valence: 0.15, arousal: -0.55 },
  energetic: { valence: 0.2, arousal: 0.7 },
  aggressive: { valence: -0.45, arousal: 0.85 },
  romantic: { valence: 0.35, arousal: -0.15 },
  epic: { valence: 0.3, arousal: 0.5 },
  groovy: { valence: 0.4, arousal: 0.3 },
};

const STYLE_FROM_TAGS: [string, Style][] = [['dance', 'electronic'], ['experimental', 'ambient']];
const MELODY_ORDER = ['female-vocal', 'male-vocal', 'vocal', 'flute', 'violin', 'saxophone', 'trumpet', 'clarinet', 'oboe', 'electric-guitar', 'synth', 'accordion', 'bells', 'plucked', 'harp', 'cello', 'piano', 'electric-piano', 'distorted-guitar', 'harpsichord', 'choir', 'strings', 'brass', 'acoustic-guitar'];
const CHORD_ORDER = ['piano', 'electric-piano', 'acoustic-guitar', 'distorted-guitar', 'organ', 'harpsichord', 'electric-guitar', 'harp', 'plucked', 'accordion', 'synth', 'bells'];
const BASS_ORDER = ['synth-bass', 'upright-bass', 'bass', 'cello'];
const PAD_ORDER = ['strings', 'choir', 'synth-pad', 'organ', 'brass'];

export function planMusic(tags: readonly string[], seed: number): MusicPlan {
  const has = (t: string): boolean => tags.includes(t);
  const rng = createRng(seed).fork('music');
  const rules: Record<string, string> = {};

  // style
  let style: Style | undefined = STYLE_PRIORITY.find((s) => has(s));
  if (!style) for (const [t, s] of STYLE_FROM_TAGS) if (has(t)) { style = s; break; }
  if (!style) {
    if (has('strings') || has('violin') || has('cello') || has('harp')) style = 'classical';
    else if (has('synth') || has('electronic-drums') || has('synth-bass')) style = 'electronic';
    else if (has('acoustic-guitar') || has('plucked')) style = 'folk';
    else if (has('distorted-guitar') || has('electric-guitar')) style = 'rock';
    else style = 'pop';
    rules['style'] = `inferred ${style} from instruments`;
  } else rules[style] = `style ${style}`;
  const spec = STYLES[style];

  // mood → valence/arousal, averaged with the style's prior
  let valence = spec.valence;
  let arousal = spec.arousal;
  const moods = Object.keys(MOOD_EFFECT).filter(has);
  if (moods.length) {
    valence = 0.3 * valence + 0.7 * (moods.reduce((s, m) => s + MOOD_EFFECT[m].valence, 0) / moods.length);
    arousal = 0.4 * arousal + 0.6 * (0.5 + moods.reduce((s, m) => s + MOOD_EFFECT[m].arousal, 0) / moods.length);
    moods.forEach((m) => (rules[m] = `valence ${MOOD_EFFECT[m].valence > 0 ? '+' : '−'}, arousal ${MOOD_EFFECT[m].arousal > 0 ? '+' : '−'}`));
  }
  const negative = has('sad') || has('dark');
  if (negative) valence = Math.min(valence, -0.35);

  // tempo
  let tempoClass: TempoClass = spec.tempo;
  if (has('slow-tempo')) { tempoClass = 'slow'; rules['slow-tempo'] = 'bpm 60–78'; }
  else if (has('fast-tempo')) { tempoClass = 'fast'; rules['fast-tempo'] = 'bpm 124–160'; }
  else if (has('medium-tempo')) { tempoClass = 'medium'; rules['medium-tempo'] = 'bpm 86–116'; }
  else if (arousal > 0.75 && tempoClass !== 'fast') tempoClass = tempoClass === 'slow' ? 'medium' : 'fast';
  else if (arousal < 0.15 && tempoClass !== 'slow') tempoClass = tempoClass === 'fast' ? 'medium' : 'slow';
  const [lo, hi] = TEMPO_RANGES[tempoClass];
  const bpm = rng.int(lo, hi);
  arousal = clamp01(arousal + (tempoClass === 'fast' ? 0.1 : tempoClass === 'slow' ? -0.1 : 0));
  valence = Math.max(-1, Math.min(1, valence));

  // meter
  let meter: [number, number] = [...spec.meter];
  if (has('waltz')) { meter = [3, 4]; rules['waltz'] = 'meter 3/4'; }
  else if ((style === 'folk' || style === 'classical' || style === 'ballad') && rng.chance(0.2)) meter = [3, 4];

  // key and mode
  const tonic = rng.int(0, 11);
  let mode: Mode;
  if (negative) { mode = 'minor'; rules[has('sad') ? 'sad' : 'dark'] = 'minor mode, cool palette'; }
  else if (has('happy')) { mode = 'major'; rules['happy'] = 'major mode, warm palette'; }
  else mode = rng.chance(spec.minorBias) ? 'minor' : 'major';
  if (mode === 'minor' && !negative) valence = Math.min(valence, 0.05);
  const progression = rng.pick(spec.progressions[mode]);

  // parts
  const vocalAllowed = !has('instrumental');
  const named = INSTRUMENT_TAGS.filter((t) => has(t) && (vocalAllowed || INSTRUMENTS[t].family !== 'voice'));
  const used = new Set<string>();
  const take = (role: Role, order: string[]): string | undefined => {
    const t = order.find((x) => named.includes(x) && !used.has(x) && INSTRUMENTS[x].roles.includes(role));
    if (t) used.add(t);
    return t;
  };
  const parts: PartPlan[] = [];
  const addPart = (role: Role, tag: string | undefined, fallback: string | null): void => {
    const chosen = tag ?? fallback;
    if (!chosen) return;
    const inst = INSTRUMENTS[chosen];
    parts.push({ role, instrument: inst.name, program: inst.program, family: inst.family, named: tag !== undefined, voiceLike: inst.family === 'voice', });
    if (tag) rules[tag] = `${role}: ${inst.name} (GM ${inst.program})`;
  };
  const styleMelody = spec.defaults.melody;
  const melodyFallback = !vocalAllowed && INSTRUMENTS[styleMelody].family === 'voice' ? 'piano' : styleMelody;
  addPart('melody', take('melody', MELODY_ORDER), melodyFallback);
  const minimal = has('minimal');
  const chordsTag = take('chords', CHORD_ORDER);
  if (chordsTag || !minimal) addPart('chords', chordsTag, spec.defaults.chords === parts[0].instrument ? 'piano' : spec.defaults.chords);
  const bassTag = take('bass', BASS_ORDER);
  if (bassTag || !minimal) addPart('bass', bassTag, spec.defaults.bass);
  const padTag = take('pad', PAD_ORDER);
  if (padTag || (!minimal && spec.defaults.pad && arousal < 0.7)) addPart('pad', padTag, spec.defaults.pad);
  if (minimal) rules['minimal'] = 'only the named parts';

  // drums
  let drums: MusicPlan['drums'] = null;
  const wantDrums = !has('no-drums') && (spec.drums !== null || has('drums') || has('electronic-drums') || has('acoustic-drums') || has('hand-percussion') || has('timpani'));
  if (wantDrums) {
    let pattern: DrumPattern = spec.drums ?? (has('hand-percussion') ? 'world' : has('timpani') ? 'cinematic' : 'pop');
    if (spec.drums === null && (has('drums') || has('acoustic-drums') || has('electronic-drums'))) pattern = arousal > 0.5 ? 'pop' : 'ballad';
    if (has('waltz') || (meter[0] === 3 && pattern !== 'world' && pattern !== 'cinematic')) pattern = 'waltz';
    let kit: DrumKit = spec.kit;
    if (has('electronic-drums')) { kit = style === 'hip-hop' ? 'tr808' : 'electronic'; rules['electronic-drums'] = `kit ${kit}`; }
    else if (has('acoustic-drums')) { kit = style === 'rock' || style === 'metal' ? 'power' : 'standard'; rules['acoustic-drums'] = `kit ${kit}`; }
    if (has('hand-percussion')) rules['hand-percussion'] = 'shaker/tambourine/conga layer';
    drums = { pattern, kit, kitProgram: DRUM_KITS[kit], handPercussion: has('hand-percussion'), fills: arousal > 0.3 };
  } else if (has('no-drums')) rules['no-drums'] = 'no drum part';

  // dynamics, density, register
  let velocity = Math.round(50 + 60 * arousal);
  if (has('loud')) { velocity += 15; rules['loud'] = 'velocity +15, louder output'; }
  if (has('quiet')) { velocity -= 18; rules['quiet'] = 'velocity −18, softer output'; }
  velocity = Math.max(30, Math.min(120, velocity + rng.int(-6, 6)));
  let loudness = 0.35 + 0.55 * arousal + (has('loud') ? 0.15 : 0) - (has('quiet') ? 0.15 : 0);
  loudness = Math.max(0.25, Math.min(0.95, loudness));
  let density = clamp01(0.2 + 0.7 * arousal + rng.range(-0.15, 0.15) - (minimal ? 0.2 : 0) + (has('repetitive') ? 0.05 : 0));
  const melodyInst = Object.values(INSTRUMENTS).find((i) => i.name === parts[0].instrument)!;
  let register = melodyInst.centre + rng.int(-4, 4);
  if (has('high-register')) { register += 7; rules['high-register'] = 'melody +7 semitones'; }
  if (has('low-register')) { register -= 7; rules['low-register'] = 'melody −7 semitones'; }
  register = Math.max(50, Math.min(88, register));
  density = Math.round(density * 100) / 100;

  const recording = planRecording(has, rules, rng);
  const voices = parts.filter((p) => p.voiceLike).map((p) => `${p.role}: ${p.instrument}`);
  if (vocalAllowed === false) rules['instrumental'] = 'no voice-like part';

  return {
    style, tempoClass, bpm, meter, swing: spec.swing, key: PITCH_NAMES[tonic], tonic, mode,
    scale: spec.scale[mode], progression,
    valence: round2(valence), arousal: round2(arousal), density, velocity, loudness: round2(loudness), register,
    parts, drums, voices, chordPattern: spec.chordPattern, bassPattern: spec.bassPattern, recording, rules,
  };
}

const INSTRUMENT_TAGS = Object.keys(INSTRUMENTS);

function planRecording(has: (t: string) => boolean, rules: Record<string, string>, rng: ReturnType<typeof createRng>): RecordingPlan {
  const rec: RecordingPlan = {
    lowQuality: has('low-quality'), noisy: has('noisy'), mono: has('mono'), live: has('live'),
    muffled: has('muffled'), reverberant: has('reverberant'), distorted: has('distorted'),
    bandLow: 30, bandHigh: 7900, noiseDb: -Infinity, room: 0.08, drive: 0, crowd: false,
  };
  if (rec.lowQuality) { rec.bandLow = 180 + rng.int(0, 120); rec.bandHigh = 3200 + rng.int(0, 1300); rec.noiseDb = -38; rec.drive = 1.5; rules['low-quality'] = 'band limit, hiss, light clipping'; }
  if (rec.noisy) { rec.noiseDb = Math.max(rec.noiseDb, -27 + rng.int(-3, 3)); rules['noisy'] = 'noise floor about −27 dB'; }
  if (rec.mono) { rec.bandHigh = Math.min(rec.bandHigh, 5500); rec.noiseDb = Math.max(rec.noiseDb, -44); rules['mono'] = 'mono, narrower band, faint hiss'; }
  if (rec.muffled) { rec.bandHigh = Math.min(rec.bandHigh, 1600 + rng.int(0, 500)); rules['muffled'] = 'low-pass near 1.8 kHz'; }
  if (rec.live) { rec.room = 0.32; rec.crowd = true; rec.noiseDb = Math.max(rec.noiseDb, -40); rules['live'] = 'room reverb, crowd noise'; }
  if (rec.reverberant) { rec.room = Math.max(rec.room, 0.42); rules['reverberant'] = 'long room reverb'; }
  if (rec.distorted) { rec.drive = Math.max(rec.drive, 4); rules['distorted'] = 'soft-clip drive'; }
  if (has('church')) rec.room = Math.max(rec.room, 0.5);
  return rec;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
