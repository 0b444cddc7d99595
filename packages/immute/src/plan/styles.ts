// Per-style musical defaults. A caption's explicit aspects override them; these fill what it leaves open.
import type { DrumKit } from './instruments.js';

export type Style =
  | 'rock' | 'metal' | 'pop' | 'jazz' | 'blues' | 'classical' | 'electronic' | 'hip-hop' | 'r-and-b'
  | 'funk' | 'reggae' | 'latin' | 'folk' | 'world' | 'ambient' | 'cinematic' | 'ballad' | 'lullaby'
  | 'devotional' | 'march' | 'waltz';

export type TempoClass = 'slow' | 'medium' | 'fast';
export type DrumPattern =
  | 'rock' | 'metal' | 'pop' | 'four-on-floor' | 'boom-bap' | 'trap' | 'swing' | 'shuffle' | 'one-drop'
  | 'latin' | 'funk' | 'folk' | 'ballad' | 'march' | 'waltz' | 'world' | 'cinematic';
export type ChordPattern = 'block' | 'stabs' | 'arpeggio' | 'strum' | 'skank' | 'comp' | 'sustain' | 'funk16';
export type BassPattern = 'root8' | 'root-fifth' | 'walking' | 'offbeat' | 'sustain' | 'syncopated' | 'sub808' | 'reggae' | 'waltz';

export interface StyleSpec {
  tempo: TempoClass;
  meter: [number, number];
  swing: number;
  minorBias: number;
  valence: number;
  arousal: number;
  drums: DrumPattern | null;
  kit: DrumKit;
  chordPattern: ChordPattern;
  bassPattern: BassPattern;
  scale: { major: string; minor: string };
  progressions: { major: string[]; minor: string[] };
  defaults: { melody: string; chords: string; bass: string; pad: string | null };
}

const POP_MAJOR = ['I V vi IV', 'I vi IV V', 'vi IV I V', 'I IV vi V'];
const POP_MINOR = ['i bVI bIII bVII', 'i bVII bVI bVII', 'i iv bVI V', 'i bVI iv bVII'];

export const STYLES: Record<Style, StyleSpec> = {
  rock: { tempo: 'fast', meter: [4, 4], swing: 0, minorBias: 0.4, valence: 0.1, arousal: 0.6, drums: 'rock', kit: 'standard', chordPattern: 'stabs', bassPattern: 'root8', scale: { major: 'majorPentatonic', minor: 'minorPentatonic' }, progressions: { major: ['I bVII IV I', 'I IV V IV', 'I V IV IV'], minor: ['i bVII bVI bVII', 'i iv bVII i'] }, defaults: { melody: 'electric-guitar', chords: 'distorted-guitar', bass: 'bass', pad: null } },
  metal: { tempo: 'fast', meter: [4, 4], swing: 0, minorBias: 0.9, valence: -0.4, arousal: 0.9, drums: 'metal', kit: 'power', chordPattern: 'stabs', bassPattern: 'root8', scale: { major: 'minorPentatonic', minor: 'harmonicMinor' }, progressions: { major: ['I bVII bVI bVII'], minor: ['i bVI bVII i', 'i iv bVI V', 'i i bVI bVII'] }, defaults: { melody: 'distorted-guitar', chords: 'distorted-guitar', bass: 'bass', pad: null } },
  pop: { tempo: 'medium', meter: [4, 4], swing: 0, minorBias: 0.3, valence: 0.5, arousal: 0.5, drums: 'pop', kit: 'standard', chordPattern: 'block', bassPattern: 'root-fifth', scale: { major: 'major', minor: 'minor' }, progressions: { major: POP_MAJOR, minor: POP_MINOR }, defaults: { melody: 'vocal', chords: 'piano', bass: 'bass', pad: 'synth-pad' } },
  jazz: { tempo: 'medium', meter: [4, 4], swing: 0.6, minorBias: 0.35, valence: 0.3, arousal: 0.35, drums: 'swing', kit: 'jazz', chordPattern: 'comp', bassPattern: 'walking', scale: { major: 'major', minor: 'dorian' }, progressions: { major: ['ii7 V7 Imaj7 vi7', 'Imaj7 vi7 ii7 V7'], minor: ['iio V7 i7 i7', 'i7 iv7 V7 i7'] }, defaults: { melody: 'saxophone', chords: 'piano', bass: 'upright-bass', pad: null } },
  blues: { tempo: 'slow', meter: [4, 4], swing: 0.6, minorBias: 0.3, valence: -0.1, arousal: 0.4, drums: 'shuffle', kit: 'standard', chordPattern: 'comp', bassPattern: 'walking', scale: { major: 'blues', minor: 'blues' }, progressions: { major: ['I7 IV7 I7 I7', 'IV7 IV7 I7 V7'], minor: ['i7 iv7 i7 V7'] }, defaults: { melody: 'electric-guitar', chords: 'electric-piano', bass: 'bass', pad: null } },
  classical: { tempo: 'medium', meter: [4, 4], swing: 0, minorBias: 0.45, valence: 0.2, arousal: 0.3, drums: null, kit: 'orchestra', chordPattern: 'arpeggio', bassPattern: 'sustain', scale: { major: 'major', minor: 'harmonicMinor' }, progressions: { major: ['I IV V I', 'I vi ii V', 'I V vi iii'], minor: ['i iv V i', 'i bVI iio V'] }, defaults: { melody: 'violin', chords: 'piano', bass: 'cello', pad: 'strings' } },
  electronic: { tempo: 'fast', meter: [4, 4], swing: 0, minorBias: 0.55, valence: 0.3, arousal: 0.75, drums: 'four-on-floor', kit: 'electronic', chordPattern: 'stabs', bassPattern: 'offbeat', scale: { major: 'major', minor: 'minor' }, progressions: { major: ['vi IV I V', 'I V vi IV'], minor: ['i bVI bIII bVII', 'i bVII bVI bVII'] }, defaults: { melody: 'synth', chords: 'synth', bass: 'synth-bass', pad: 'synth-pad' } },
  'hip-hop': { tempo: 'medium', meter: [4, 4], swing: 0.3, minorBias: 0.7, valence: 0.0, arousal: 0.55, drums: 'boom-bap', kit: 'tr808', chordPattern: 'sustain', bassPattern: 'sub808', scale: { major: 'majorPentatonic', minor: 'minorPentatonic' }, progressions: { major: ['I vi I vi', 'IV V iii vi'], minor: ['i bVI i bVI', 'i iv i bVII'] }, defaults: { melody: 'electric-piano', chords: 'electric-piano', bass: 'synth-bass', pad: 'synth-pad' } },
  'r-and-b': { tempo: 'slow', meter: [4, 4], swing: 0.2, minorBias: 0.4, valence: 0.3, arousal: 0.35, drums: 'ballad', kit: 'standard', chordPattern: 'sustain', bassPattern: 'syncopated', scale: { major: 'majorPentatonic', minor: 'dorian' }, progressions: { major: ['Imaj7 vi7 ii7 V7', 'IV7 iii vi7 ii7'], minor: ['i7 iv7 bVII i7'] }, defaults: { melody: 'vocal', chords: 'electric-piano', bass: 'bass', pad: 'strings' } },
  funk: { tempo: 'medium', meter: [4, 4], swing: 0.1, minorBias: 0.3, valence: 0.6, arousal: 0.7, drums: 'funk', kit: 'standard', chordPattern: 'funk16', bassPattern: 'syncopated', scale: { major: 'mixolydian', minor: 'dorian' }, progressions: { major: ['I7 I7 IV7 I7', 'I7 IV7 I7 V7'], minor: ['i7 i7 iv7 i7'] }, defaults: { melody: 'brass', chords: 'electric-guitar', bass: 'bass', pad: null } },
  reggae: { tempo: 'medium', meter: [4, 4], swing: 0.15, minorBias: 0.3, valence: 0.5, arousal: 0.4, drums: 'one-drop', kit: 'standard', chordPattern: 'skank', bassPattern: 'reggae', scale: { major: 'major', minor: 'minor' }, progressions: { major: ['I IV I V', 'I vi IV V'], minor: ['i iv i bVII'] }, defaults: { melody: 'vocal', chords: 'electric-guitar', bass: 'bass', pad: 'organ' } },
  latin: { tempo: 'fast', meter: [4, 4], swing: 0, minorBias: 0.5, valence: 0.6, arousal: 0.7, drums: 'latin', kit: 'standard', chordPattern: 'arpeggio', bassPattern: 'syncopated', scale: { major: 'major', minor: 'harmonicMinor' }, progressions: { major: ['I IV V IV', 'I V V I'], minor: ['i iv V i', 'i bVII bVI V'] }, defaults: { melody: 'trumpet', chords: 'acoustic-guitar', bass: 'bass', pad: null } },
  folk: { tempo: 'medium', meter: [4, 4], swing: 0, minorBias: 0.3, valence: 0.4, arousal: 0.4, drums: 'folk', kit: 'room', chordPattern: 'strum', bassPattern: 'root-fifth', scale: { major: 'majorPentatonic', minor: 'minor' }, progressions: { major: ['I IV I V', 'I V IV I'], minor: ['i bVII i bVII', 'i iv i V'] }, defaults: { melody: 'plucked', chords: 'acoustic-guitar', bass: 'upright-bass', pad: null } },
  world: { tempo: 'medium', meter: [4, 4], swing: 0, minorBias: 0.55, valence: 0.3, arousal: 0.5, drums: 'world', kit: 'standard', chordPattern: 'sustain', bassPattern: 'sustain', scale: { major: 'mixolydian', minor: 'harmonicMinor' }, progressions: { major: ['I I bVII I', 'I IV I I'], minor: ['i i bVII i', 'i bVII bVI bVII'] }, defaults: { melody: 'flute', chords: 'plucked', bass: 'upright-bass', pad: 'synth-pad' } },
  ambient: { tempo: 'slow', meter: [4, 4], swing: 0, minorBias: 0.5, valence: 0.1, arousal: 0.1, drums: null, kit: 'standard', chordPattern: 'sustain', bassPattern: 'sustain', scale: { major: 'majorPentatonic', minor: 'minorPentatonic' }, progressions: { major: ['I IV I IV', 'Imaj7 IV I vi'], minor: ['i bVI i bVI', 'i iv i bVII'] }, defaults: { melody: 'bells', chords: 'synth-pad', bass: 'synth-bass', pad: 'synth-pad' } },
  cinematic: { tempo: 'slow', meter: [4, 4], swing: 0, minorBias: 0.6, valence: 0.0, arousal: 0.5, drums: 'cinematic', kit: 'orchestra', chordPattern: 'sustain', bassPattern: 'sustain', scale: { major: 'major', minor: 'harmonicMinor' }, progressions: { major: ['I bVI bVII I', 'I V vi IV'], minor: ['i bVI bIII bVII', 'i iv bVI V'] }, defaults: { melody: 'brass', chords: 'strings', bass: 'cello', pad: 'strings' } },
  ballad: { tempo: 'slow', meter: [4, 4], swing: 0, minorBias: 0.45, valence: 0.1, arousal: 0.2, drums: 'ballad', kit: 'standard', chordPattern: 'arpeggio', bassPattern: 'sustain', scale: { major: 'major', minor: 'minor' }, progressions: { major: ['I V vi IV', 'I iii IV V'], minor: ['i bVI bIII bVII', 'i iv bVII bIII'] }, defaults: { melody: 'vocal', chords: 'piano', bass: 'bass', pad: 'strings' } },
  lullaby: { tempo: 'slow', meter: [3, 4], swing: 0, minorBias: 0.15, valence: 0.5, arousal: 0.05, drums: null, kit: 'standard', chordPattern: 'arpeggio', bassPattern: 'waltz', scale: { major: 'majorPentatonic', minor: 'minor' }, progressions: { major: ['I IV I V', 'I vi IV V'], minor: ['i iv i V'] }, defaults: { melody: 'bells', chords: 'harp', bass: 'upright-bass', pad: null } },
  devotional: { tempo: 'slow', meter: [4, 4], swing: 0, minorBias: 0.35, valence: 0.3, arousal: 0.25, drums: null, kit: 'standard', chordPattern: 'sustain', bassPattern: 'sustain', scale: { major: 'major', minor: 'minor' }, progressions: { major: ['I IV I V', 'I vi IV I'], minor: ['i iv i V'] }, defaults: { melody: 'choir', chords: 'organ', bass: 'upright-bass', pad: 'choir' } },
  march: { tempo: 'medium', meter: [2, 4], swing: 0, minorBias: 0.2, valence: 0.5, arousal: 0.65, drums: 'march', kit: 'orchestra', chordPattern: 'stabs', bassPattern: 'root-fifth', scale: { major: 'major', minor: 'harmonicMinor' }, progressions: { major: ['I IV V I', 'I I V V'], minor: ['i iv V i'] }, defaults: { melody: 'trumpet', chords: 'brass', bass: 'brass', pad: null } },
  waltz: { tempo: 'medium', meter: [3, 4], swing: 0, minorBias: 0.35, valence: 0.4, arousal: 0.35, drums: 'waltz', kit: 'standard', chordPattern: 'stabs', bassPattern: 'waltz', scale: { major: 'major', minor: 'harmonicMinor' }, progressions: { major: ['I V V I', 'I IV V I'], minor: ['i iv V i'] }, defaults: { melody: 'violin', chords: 'piano', bass: 'upright-bass', pad: 'strings' } },
};

/** When a caption names several styles, the most specific wins. */
export const STYLE_PRIORITY: Style[] = [
  'metal', 'hip-hop', 'reggae', 'latin', 'jazz', 'blues', 'funk', 'electronic', 'lullaby', 'devotional', 'march',
  'waltz', 'r-and-b', 'rock', 'folk', 'classical', 'cinematic', 'ambient', 'ballad', 'world', 'pop',
];

export const TEMPO_RANGES: Record<TempoClass, [number, number]> = {
  slow: [60, 78],
  medium: [86, 116],
  fast: [124, 160],
};
