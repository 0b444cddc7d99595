// Wizznic!: a pack's info.ini gives its playlist as level ranges (`mus=00-04,music/x.ogg`: levels
// 0 to 4 inclusive play x.ogg); the game looks the song up in the pack, then in the standard pack
// 000_wizznic (pack 001 ships no music of its own). Each level levels/levelNNN.wzp has a preview,
// levelNNN.wzp.png, the board with the level's bricks as the level selector shows it: that is the
// picture. Packs without a playlist (010_wizznic-silver) are left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameSource, UnitPair } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'wizznic-data';
const BASE = `${PKG}/usr/share/games/wizznic`;
const STANDARD_PACK = '000_wizznic';

export interface WizznicPlaylistEntry {
  from: number;
  to: number;
  song: string;
}

export interface WizznicPackInfo {
  name?: string;
  playlist: WizznicPlaylistEntry[];
}

/** info.ini: `key=value` lines, `#` comments; `mus=FROM-TO,song` may repeat. */
export function parseWizznicInfo(text: string): WizznicPackInfo {
  const out: WizznicPackInfo = { playlist: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1);
    if (key === 'packname') out.name = value.trim();
    else if (key === 'mus') {
      const m = /^\s*(\d+)\s*-\s*(\d+)\s*,(.+)$/.exec(value);
      if (m && m[3].trim()) out.playlist.push({ from: Number(m[1]), to: Number(m[2]), song: m[3].trim() });
    }
  }
  return out;
}

/** The song of level `n` (the last matching entry wins, as the game assigns them in order). */
export function wizznicSongOf(playlist: WizznicPlaylistEntry[], n: number): string | undefined {
  let song: string | undefined;
  for (const e of playlist) if (n >= e.from && n <= e.to) song = e.song;
  return song;
}

export const wizznic: GameSource = {
  id: 'wizznic',
  title: 'Wizznic!',
  packages: [PKG],
  unitKind: 'level',
  imageNote: "the level's own preview levels/levelNNN.wzp.png (110x110: the board with the level's bricks, as the level selector shows it)",
  collect(root) {
    const pairs: UnitPair[] = [];
    const packsDir = join(root, BASE, 'packs');
    for (const pack of readdirSync(packsDir).sort()) {
      const info = `${BASE}/packs/${pack}/info.ini`;
      if (!existsSync(join(root, info))) continue;
      const { playlist } = parseWizznicInfo(readFileSync(join(root, info), 'utf8'));
      if (playlist.length === 0) continue;
      for (let n = 0; ; n++) {
        const level = `${BASE}/packs/${pack}/levels/level${String(n).padStart(3, '0')}.wzp`;
        if (!existsSync(join(root, level))) break;
        const song = wizznicSongOf(playlist, n);
        const preview = `${level}.png`;
        if (!song || !existsSync(join(root, preview))) continue;
        const music = [`${BASE}/packs/${pack}/${song}`, `${BASE}/packs/${STANDARD_PACK}/${song}`].find((p) => existsSync(join(root, p)));
        if (!music) continue;
        pairs.push({
          unit: `${pack}/level${String(n).padStart(3, '0')}`, imageKey: `${pack}-level${String(n).padStart(3, '0')}`,
          image: { kind: 'single', files: [preview] }, music, mapping: info,
        });
      }
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/games\/wizznic\//, ''));
  },
};
