// Pekka Kana 2: every level (episodes/<episode>/*.map, format "1.3") starts with fixed-size
// strings: version[5], tile set[13], scenery[13], music[13], name[40], author[40]. The game loads
// the scenery picture and the music from the episode's folder first, then from gfx/scenery/ and
// music/. Names are written as on the original Windows game, which ignores case and trailing
// spaces ("FIELD2_E.bmp", "song07.xm   "), so both are matched that way. The picture is the
// level's scenery (640x480 8-bit BMP); the music is an XM module rendered by openmpt123.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameSource, UnitPair } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'pekka-kana-2-data';
const BASE = `${PKG}/usr/share/games/pekka-kana-2/data`;

export interface PekkaLevelHeader {
  version: string;
  tiles: string;
  scenery: string;
  music: string;
  name: string;
}

const FIELDS: [keyof PekkaLevelHeader, number][] = [['version', 5], ['tiles', 13], ['scenery', 13], ['music', 13], ['name', 40]];

/** The header strings of a .map file (each NUL-terminated inside its fixed-size field; trailing spaces dropped). */
export function parsePekkaLevel(bytes: Uint8Array): PekkaLevelHeader {
  const out: Partial<PekkaLevelHeader> = {};
  let at = 0;
  for (const [key, size] of FIELDS) {
    if (at + size > bytes.length) throw new Error('map file shorter than its header');
    const field = bytes.subarray(at, at + size);
    const nul = field.indexOf(0);
    out[key] = Buffer.from(nul < 0 ? field : field.subarray(0, nul)).toString('latin1').replace(/\s+$/, '');
    at += size;
  }
  if (out.version !== '1.3') throw new Error(`map format ${JSON.stringify(out.version)}, not 1.3`);
  return out as PekkaLevelHeader;
}

/** `name` in the first of `dirs` (root-relative) holding it, compared case-insensitively. */
function findIn(root: string, dirs: string[], name: string): string | undefined {
  for (const dir of dirs) {
    if (!existsSync(join(root, dir))) continue;
    const hit = readdirSync(join(root, dir)).find((f) => f.toLowerCase() === name.toLowerCase());
    if (hit) return `${dir}/${hit}`;
  }
  return undefined;
}

export const pekka: GameSource = {
  id: 'pekka-kana-2',
  title: 'Pekka Kana 2',
  packages: [PKG],
  unitKind: 'level',
  imageNote: "the level's scenery picture (640x480 8-bit BMP, read by our BMP reader), centre square",
  collect(root) {
    const pairs: UnitPair[] = [];
    for (const episode of readdirSync(join(root, BASE, 'episodes')).sort()) {
      const dir = `${BASE}/episodes/${episode}`;
      for (const file of readdirSync(join(root, dir)).filter((f) => f.toLowerCase().endsWith('.map')).sort()) {
        let level: PekkaLevelHeader;
        try {
          level = parsePekkaLevel(new Uint8Array(readFileSync(join(root, dir, file))));
        } catch {
          continue;
        }
        if (!level.scenery || !level.music) continue;
        const image = findIn(root, [dir, `${BASE}/gfx/scenery`], level.scenery);
        const music = findIn(root, [dir, `${BASE}/music`], level.music);
        if (!image || !music) continue;
        pairs.push({
          unit: `${episode}/${file}`, imageKey: image.split('/').at(-1)!.replace(/\.bmp$/i, ''),
          image: { kind: 'single', files: [image] }, music, mapping: `${dir}/${file}`,
        });
      }
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/games\/pekka-kana-2\//, ''));
  },
};
