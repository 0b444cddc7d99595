// Pitch, scale and chord vocabulary shared by the composer and the planners.

export const PITCH_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'] as const;
export type Mode = 'major' | 'minor';

export const SCALES: Record<string, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  harmonicMinor: [0, 2, 3, 5, 7, 8, 11],
  majorPentatonic: [0, 2, 4, 7, 9],
  minorPentatonic: [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
};

export type ChordQuality = 'maj' | 'min' | 'dim' | 'dom7' | 'maj7' | 'min7' | 'sus4';
export interface Chord {
  /** semitones above the tonic */
  root: number;
  quality: ChordQuality;
}

const QUALITY_INTERVALS: Record<ChordQuality, number[]> = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  dim: [0, 3, 6],
  dom7: [0, 4, 7, 10],
  maj7: [0, 4, 7, 11],
  min7: [0, 3, 7, 10],
  sus4: [0, 5, 7],
};

export function chordIntervals(q: ChordQuality): number[] {
  return QUALITY_INTERVALS[q];
}

const ROMAN: Record<string, Chord> = {
  I: { root: 0, quality: 'maj' }, Imaj7: { root: 0, quality: 'maj7' }, I7: { root: 0, quality: 'dom7' },
  i: { root: 0, quality: 'min' }, i7: { root: 0, quality: 'min7' },
  ii: { root: 2, quality: 'min' }, ii7: { root: 2, quality: 'min7' }, iio: { root: 2, quality: 'dim' },
  bIII: { root: 3, quality: 'maj' }, iii: { root: 4, quality: 'min' },
  IV: { root: 5, quality: 'maj' }, IV7: { root: 5, quality: 'dom7' }, iv: { root: 5, quality: 'min' }, iv7: { root: 5, quality: 'min7' },
  V: { root: 7, quality: 'maj' }, V7: { root: 7, quality: 'dom7' }, v: { root: 7, quality: 'min' }, Vsus: { root: 7, quality: 'sus4' },
  bVI: { root: 8, quality: 'maj' }, vi: { root: 9, quality: 'min' }, vi7: { root: 9, quality: 'min7' },
  bVII: { root: 10, quality: 'maj' },
};

export function parseProgression(romans: string): Chord[] {
  return romans.split(/\s+/).map((r) => {
    const c = ROMAN[r];
    if (!c) throw new Error(`unknown roman numeral ${r}`);
    return c;
  });
}

/** Scriabin's key–colour scheme runs the circle of fifths round the spectrum: C red, G orange, D yellow, A green, E sky blue, B blue, F# violet-blue, Db violet, Ab purple, Eb steel rose, Bb rose, F deep red. */
export const SCRIABIN_HUE: Record<number, number> = {
  0: 0, 7: 30, 2: 55, 9: 110, 4: 175, 11: 205, 6: 235, 1: 262, 8: 285, 3: 305, 10: 325, 5: 345,
};
