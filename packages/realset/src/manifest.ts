// The real set's manifest.jsonl: the corpus's shape (docs/architecture.md "Corpus output": index,
// ytid, caption, tags, split, seed, files, views) plus, per pair, its game, unit, licences and
// source files. One line per distinct (picture, track) pair of a game; `unit.names` lists every
// unit (theme, level sector, room, level, area, planet) that pairs the two.
import { createHash } from 'node:crypto';
import type { ClipInfo } from './media/audio.js';
import type { Licence, Split, UnitKind, UnitPair } from './types.js';

export const MANIFEST_FILE = 'manifest.jsonl';
export const REPORT_FILE = 'build-report.json';

export interface RealsetEntry {
  index: number;
  ytid: string;
  caption: string;
  aspects: string[];
  tags: string[];
  split: Split;
  seed: number;
  music: Record<string, never>;
  visual: Record<string, never>;
  files: { audio: string; image: string; hum: string[] };
  views: { snippets: never[]; crops: never[] };
  game: string;
  unit: { kind: UnitKind; names: string[] };
  licence: { image: Licence; music: Licence; mapping: Licence };
  source: { packages: { name: string; version: string }[]; image: string[]; music: string; mapping: string[] };
  clip: ClipInfo;
}

/** A distinct (picture, track) pair of one game with every unit that pairs them. */
export interface GroupedPair {
  imageKey: string;
  image: UnitPair['image'];
  music: string;
  units: string[];
  mappings: string[];
}

function recipeId(pair: Pick<UnitPair, 'image'>): string {
  return JSON.stringify(pair.image);
}

/** Units that pair the same picture (same recipe) with the same track become one pair; sorted by
 * picture key, then track, so indices and `--limit` are stable. */
export function groupPairs(pairs: UnitPair[]): GroupedPair[] {
  const groups = new Map<string, GroupedPair>();
  for (const p of pairs) {
    const key = `${recipeId(p)}\u0000${p.music}`;
    const g = groups.get(key);
    if (g) {
      g.units.push(p.unit);
      if (!g.mappings.includes(p.mapping)) g.mappings.push(p.mapping);
    } else {
      groups.set(key, { imageKey: p.imageKey, image: p.image, music: p.music, units: [p.unit], mappings: [p.mapping] });
    }
  }
  return [...groups.values()].sort((a, b) => a.imageKey.localeCompare(b.imageKey) || a.music.localeCompare(b.music));
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'x';
}

/** File names inside DIR: one per distinct picture recipe and one per distinct track of a game. */
export function imageFile(game: string, pair: Pick<GroupedPair, 'imageKey' | 'image'>): string {
  return `images/${game}/${slug(pair.imageKey)}-${shortHash(recipeId(pair))}.png`;
}

export function audioFile(game: string, track: string): string {
  const base = track.split('/').at(-1)!.replace(/\.[a-z0-9]+$/i, '');
  return `audio/${game}/${slug(base)}-${shortHash(track)}.wav`;
}

export function seedOf(id: string): number {
  return parseInt(shortHash(id), 16) >>> 1;
}

export function formatManifest(entries: RealsetEntry[]): string {
  return [...entries].sort((a, b) => a.index - b.index).map((e) => JSON.stringify(e)).join('\n') + '\n';
}
