// Pingus: every level (levels/<world>/*.pingus) names its music in its head (`(music "x.it")`,
// a tracker module in music/) and its background as a surface-background object
// (`(surface (image "textures/x"))`, a resource name under images/). The picture is the first
// background texture, repeated over 640x480 when it is smaller, as the game tiles it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { child, descendants, parseSExprs, stringField, type SExpr } from '../parse/sexpr.js';
import type { GameSource, UnitPair } from '../types.js';
import { listFiles } from './files.js';
import { splitPackagePath, statedLicence } from './licence.js';

const PKG = 'pingus-data';
const BASE = `${PKG}/usr/share/games/pingus/data`;
const SKIPPED_WORLDS = new Set(['test', 'wip']);
const IMAGE_EXTS = ['.png', '.jpg'];

export interface PingusLevel {
  name?: string;
  license?: string;
  music?: string;
  backgrounds: string[];
}

export function parsePingusLevel(text: string): PingusLevel {
  const level = parseSExprs(text).find((x): x is SExpr[] => Array.isArray(x) && x[0] === 'pingus-level');
  if (!level) throw new Error('not a pingus-level');
  const head = child(level, 'head') ?? [];
  const music = stringField(head, 'music');
  const backgrounds = descendants(level, 'surface-background')
    .map((bg) => stringField(child(bg, 'surface') ?? [], 'image'))
    .filter((s): s is string => typeof s === 'string' && s !== '');
  return {
    name: stringField(head, 'levelname'), license: stringField(head, 'license'),
    music: music && music !== 'none' ? music : undefined, backgrounds,
  };
}

export const pingus: GameSource = {
  id: 'pingus',
  title: 'Pingus',
  packages: [PKG],
  unitKind: 'level',
  imageNote: 'the level\'s surface-background texture, repeated over 640x480 when smaller, centre square',
  collect(root) {
    const pairs: UnitPair[] = [];
    for (const file of listFiles(root, `${BASE}/levels`).filter((f) => f.endsWith('.pingus'))) {
      const rel = file.slice(BASE.length + '/levels/'.length);
      if (SKIPPED_WORLDS.has(rel.split('/')[0])) continue;
      let level: PingusLevel;
      try {
        level = parsePingusLevel(readFileSync(join(root, file), 'utf8'));
      } catch {
        continue;
      }
      if (!level.music || level.backgrounds.length === 0) continue;
      const music = `${BASE}/music/${level.music}`;
      const image = IMAGE_EXTS.map((ext) => `${BASE}/images/${level.backgrounds[0]}${ext}`).find((p) => existsSync(join(root, p)));
      if (!existsSync(join(root, music)) || !image) continue;
      pairs.push({
        unit: rel, imageKey: level.backgrounds[0].replace(/^textures\//, ''), image: { kind: 'tiled', files: [image] },
        music, mapping: file,
      });
    }
    return pairs;
  },
  licence(root, path) {
    return statedLicence(root, splitPackagePath(path).pkg, /either version 2 of the License, or \(at your option\) any later version/, 'GPL-2+');
  },
};
