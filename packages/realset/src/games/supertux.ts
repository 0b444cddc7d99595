// SuperTux: every level (levels/<set>/*.stl) has sectors; a sector names its music
// (`(music (file "music/x.music"))`, older levels `(music "x.ogg")`) and its parallax backgrounds
// (`(background (image "...") (z-pos n))`). A .music file is a loop wrapper naming the OGG.
// The picture is the sector's background layers (middle images) drawn back to front by z-pos.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { child, children, parseSExprs, stringField, type SExpr } from '../parse/sexpr.js';
import type { GameSource, UnitPair } from '../types.js';
import { FileFinder, listFiles } from './files.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'supertux-data';
const BASE = `${PKG}/usr/share/games/supertux2`;
/** Level sets that are engine tests, not levels people play. */
const SKIPPED_SETS = new Set(['test']);

export interface SuperTuxSector {
  name: string;
  music?: string;
  /** Background middle images, back to front. */
  backgrounds: string[];
}

export interface SuperTuxLevel {
  name?: string;
  license?: string;
  sectors: SuperTuxSector[];
}

function musicRef(sector: SExpr[]): string | undefined {
  const m = child(sector, 'music');
  if (!m) return undefined;
  if (typeof m[1] === 'string') return m[1];
  return stringField(m, 'file');
}

function backgroundImages(sector: SExpr[]): string[] {
  const layers = children(sector, 'background').map((bg, order) => {
    const image = typeof bg[1] === 'string' ? bg[1] : stringField(bg, 'image');
    const z = child(bg, 'z-pos')?.[1];
    return { image, z: typeof z === 'number' ? z : 0, order };
  });
  return layers
    .filter((l): l is { image: string; z: number; order: number } => typeof l.image === 'string' && l.image !== '')
    .sort((a, b) => a.z - b.z || a.order - b.order)
    .map((l) => l.image);
}

export function parseSuperTuxLevel(text: string): SuperTuxLevel {
  const level = parseSExprs(text).find((x): x is SExpr[] => Array.isArray(x) && x[0] === 'supertux-level');
  if (!level) throw new Error('not a supertux-level');
  const sectors = children(level, 'sector').map((s) => ({
    name: stringField(s, 'name') ?? 'main', music: musicRef(s), backgrounds: backgroundImages(s),
  }));
  return { name: stringField(level, 'name'), license: stringField(level, 'license'), sectors };
}

/** The OGG a `.music` loop wrapper plays, relative to the wrapper's folder. */
export function parseMusicWrapper(text: string): string | undefined {
  const top = parseSExprs(text).find((x): x is SExpr[] => Array.isArray(x) && x[0] === 'supertux-music');
  return top ? stringField(top, 'file') : undefined;
}

function resolveTrack(root: string, finder: FileFinder, ref: string): string | undefined {
  const found = finder.find(ref.includes('/') ? ref : `music/${ref}`);
  if (!found || !found.endsWith('.music')) return found;
  const inner = parseMusicWrapper(readFileSync(join(root, found), 'utf8'));
  return inner ? finder.find(posix.join(posix.dirname(found).slice(BASE.length + 1), inner)) : undefined;
}

export const supertux: GameSource = {
  id: 'supertux',
  title: 'SuperTux',
  packages: [PKG],
  unitKind: 'level-sector',
  imageNote: "the sector's parallax background images drawn back to front (each scaled to cover 800x600), centre square",
  collect(root) {
    const images = new FileFinder(root, BASE, ['images/background']);
    const music = new FileFinder(root, BASE, ['music']);
    const pairs: UnitPair[] = [];
    for (const file of listFiles(root, `${BASE}/levels`).filter((f) => f.endsWith('.stl'))) {
      const rel = file.slice(BASE.length + '/levels/'.length);
      if (SKIPPED_SETS.has(rel.split('/')[0])) continue;
      let level: SuperTuxLevel;
      try {
        level = parseSuperTuxLevel(readFileSync(join(root, file), 'utf8'));
      } catch {
        continue;
      }
      for (const sector of level.sectors) {
        if (!sector.music) continue;
        const track = resolveTrack(root, music, sector.music);
        const layers = sector.backgrounds.map((b) => images.find(b)).filter((f): f is string => f !== undefined);
        if (!track || layers.length === 0) continue;
        pairs.push({
          unit: `${rel}#${sector.name}`,
          imageKey: layers.map((l) => posix.basename(l).replace(/\.[a-z]+$/i, '')).join('+'),
          image: { kind: 'layers', files: layers }, music: track, mapping: file,
        });
      }
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/games\/supertux2\//, 'data/'));
  },
};
