// Instrument tags → General-MIDI programs, timbre families and the roles they can take.

export type Role = 'melody' | 'chords' | 'bass' | 'pad' | 'drums';
export type Family =
  | 'keys' | 'organ' | 'guitar' | 'bass' | 'strings' | 'brass' | 'woodwind' | 'reed'
  | 'synth' | 'voice' | 'mallet' | 'plucked' | 'drums';

export interface InstrumentSpec {
  tag: string;
  name: string;
  program: number;
  family: Family;
  /** roles in order of preference */
  roles: Role[];
  /** comfortable melody centre (MIDI note) */
  centre: number;
}

const spec = (tag: string, name: string, program: number, family: Family, roles: Role[], centre: number): InstrumentSpec =>
  ({ tag, name, program, family, roles, centre });

export const INSTRUMENTS: Record<string, InstrumentSpec> = {
  'female-vocal': spec('female-vocal', 'female voice', 53, 'voice', ['melody'], 70),
  'male-vocal': spec('male-vocal', 'male voice', 53, 'voice', ['melody'], 58),
  vocal: spec('vocal', 'voice', 53, 'voice', ['melody'], 65),
  choir: spec('choir', 'choir', 52, 'voice', ['pad', 'melody'], 64),
  piano: spec('piano', 'piano', 0, 'keys', ['chords', 'melody'], 72),
  'electric-piano': spec('electric-piano', 'electric piano', 4, 'keys', ['chords', 'melody'], 70),
  organ: spec('organ', 'organ', 16, 'organ', ['chords', 'pad'], 67),
  harpsichord: spec('harpsichord', 'harpsichord', 6, 'keys', ['chords', 'melody'], 72),
  'acoustic-guitar': spec('acoustic-guitar', 'acoustic guitar', 25, 'guitar', ['chords', 'melody'], 64),
  'electric-guitar': spec('electric-guitar', 'electric guitar', 27, 'guitar', ['melody', 'chords'], 67),
  'distorted-guitar': spec('distorted-guitar', 'distortion guitar', 30, 'guitar', ['chords', 'melody'], 60),
  bass: spec('bass', 'electric bass', 33, 'bass', ['bass'], 40),
  'synth-bass': spec('synth-bass', 'synth bass', 38, 'bass', ['bass'], 38),
  'upright-bass': spec('upright-bass', 'upright bass', 32, 'bass', ['bass'], 40),
  strings: spec('strings', 'string ensemble', 48, 'strings', ['pad', 'melody'], 72),
  violin: spec('violin', 'violin', 40, 'strings', ['melody', 'pad'], 76),
  cello: spec('cello', 'cello', 42, 'strings', ['melody', 'bass'], 55),
  harp: spec('harp', 'harp', 46, 'plucked', ['chords', 'melody'], 72),
  flute: spec('flute', 'flute', 73, 'woodwind', ['melody'], 81),
  clarinet: spec('clarinet', 'clarinet', 71, 'woodwind', ['melody'], 67),
  oboe: spec('oboe', 'oboe', 68, 'reed', ['melody'], 74),
  saxophone: spec('saxophone', 'saxophone', 65, 'reed', ['melody'], 65),
  trumpet: spec('trumpet', 'trumpet', 56, 'brass', ['melody'], 70),
  brass: spec('brass', 'brass section', 61, 'brass', ['pad', 'melody'], 65),
  synth: spec('synth', 'saw lead', 81, 'synth', ['melody', 'chords'], 72),
  'synth-pad': spec('synth-pad', 'warm pad', 89, 'synth', ['pad'], 64),
  bells: spec('bells', 'vibraphone', 11, 'mallet', ['melody', 'chords'], 79),
  accordion: spec('accordion', 'accordion', 21, 'reed', ['melody', 'chords'], 69),
  plucked: spec('plucked', 'banjo', 105, 'plucked', ['chords', 'melody'], 69),
};

/** GM2 drum kits selected by program change on channel 10. */
export const DRUM_KITS = { standard: 0, room: 8, power: 16, electronic: 24, tr808: 25, jazz: 32, brush: 40, orchestra: 48 } as const;
export type DrumKit = keyof typeof DRUM_KITS;
