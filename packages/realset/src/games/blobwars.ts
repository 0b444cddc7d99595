// Blob Wars: Metal Blob Solid: each level file in data/ has lines `EMH MUSIC music/<area>` and
// `EMH BACKGROUND gfx/<area>/<picture>`; levels of one area share both, so a pair is an area.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameSource, UnitPair } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'blobwars-data';
const BASE = `${PKG}/usr/share/games/blobwars`;

export interface BlobwarsLevel {
  stage?: string;
  music?: string;
  background?: string;
}

export function parseBlobwarsLevel(text: string): BlobwarsLevel {
  const out: BlobwarsLevel = {};
  for (const line of text.split('\n')) {
    const m = /^\S+\s+(STAGENAME|MUSIC|BACKGROUND)\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    if (m[1] === 'STAGENAME') out.stage = m[2].replace(/^"|"$/g, '');
    else if (m[1] === 'MUSIC') out.music = m[2];
    else out.background = m[2];
  }
  return out;
}

export const blobwars: GameSource = {
  id: 'blobwars',
  title: 'Blob Wars: Metal Blob Solid',
  packages: [PKG],
  unitKind: 'area',
  imageNote: 'the area\'s BACKGROUND picture (640x480), centre square',
  collect(root) {
    const pairs: UnitPair[] = [];
    const dataDir = join(root, BASE, 'data');
    for (const name of readdirSync(dataDir).sort()) {
      const path = join(dataDir, name);
      const stat = lstatSync(path);
      if (!stat.isFile() || stat.size > 1 << 20) continue;
      const level = parseBlobwarsLevel(readFileSync(path, 'latin1'));
      if (!level.music || !level.background) continue;
      const music = `${BASE}/${level.music}`;
      const image = `${BASE}/${level.background}`;
      if (!existsSync(join(root, music)) || !existsSync(join(root, image))) continue;
      pairs.push({
        unit: name, imageKey: level.background.replace(/^gfx\//, '').replace(/\.[a-z]+$/i, ''),
        image: { kind: 'single', files: [image] }, music, mapping: `${BASE}/data/${name}`,
      });
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/games\/blobwars\//, ''));
  },
};
