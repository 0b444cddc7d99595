// Seeded randomness: every random choice in the corpus derives from a per-item seed, so a build is reproducible.

/** FNV-1a over UTF-16 code units, finished with a murmur3-style avalanche. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  range(min: number, max: number): number;
  int(min: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** an independent stream for a named purpose, so adding draws in one place does not shift another */
  fork(label: string): Rng;
  gaussian(): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, maxInclusive) => min + Math.floor(next() * (maxInclusive - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    chance: (p) => next() < p,
    fork: (label) => createRng(hashString(`${seed}:${label}`)),
    gaussian: () => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
  return rng;
}

export function itemSeed(index: number, ytid: string): number {
  return hashString(`immute:${index}:${ytid}`);
}

export type Split = 'train' | 'val' | 'test';

/** 80/10/10 by a stable hash of the clip id, so an item keeps its split whatever range is built. */
export function splitOf(ytid: string): Split {
  const bucket = hashString(`split:${ytid}`) % 100;
  if (bucket < 80) return 'train';
  if (bucket < 90) return 'val';
  return 'test';
}
