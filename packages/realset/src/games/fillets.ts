// Fish Fillets NG: each level (room) is script/<codename>/; its code.lua starts the level's music
// (`sound_playMusic("music/rybkyNN.ogg")`) and its models.lua creates the room over a painted
// background (`createRoom(w, h, "images/"..codename.."/x-p.png")`). Levels whose code starts more
// than one literal track, or builds the name at run time, are left out as ambiguous.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameSource, UnitPair } from '../types.js';
import { splitPackagePath, statedLicence } from './licence.js';

const PKG = 'fillets-ng-data';
const BASE = `${PKG}/usr/share/games/fillets-ng`;

/** The distinct tracks a level's code.lua starts with a literal file name. */
export function filletsMusic(codeLua: string): string[] {
  const found = new Set<string>();
  for (const m of codeLua.matchAll(/sound_playMusic\(\s*"([^"]+)"\s*\)/g)) found.add(m[1]);
  return [...found];
}

/** The room background models.lua creates, relative to the game folder. */
export function filletsRoomImage(modelsLua: string, codename: string): string | undefined {
  const m = /createRoom\(\s*\d+\s*,\s*\d+\s*,\s*("images\/"\s*\.\.\s*codename\s*\.\.\s*"([^"]+)"|"([^"]+)")\s*\)/.exec(modelsLua);
  if (!m) return undefined;
  return m[2] !== undefined ? `images/${codename}${m[2]}` : m[3];
}

export const fillets: GameSource = {
  id: 'fillets-ng',
  title: 'Fish Fillets NG',
  packages: [PKG],
  unitKind: 'room',
  imageNote: "the room's painted background (models.lua createRoom), centre square",
  collect(root) {
    const pairs: UnitPair[] = [];
    for (const codename of readdirSync(join(root, BASE, 'script')).sort()) {
      const dir = `${BASE}/script/${codename}`;
      const code = join(root, dir, 'code.lua');
      const models = join(root, dir, 'models.lua');
      if (!existsSync(code) || !existsSync(models)) continue;
      const tracks = filletsMusic(readFileSync(code, 'utf8'));
      const image = filletsRoomImage(readFileSync(models, 'utf8'), codename);
      if (tracks.length !== 1 || !image) continue;
      if (!existsSync(join(root, BASE, tracks[0])) || !existsSync(join(root, BASE, image))) continue;
      pairs.push({
        unit: codename, imageKey: codename, image: { kind: 'single', files: [`${BASE}/${image}`] },
        music: `${BASE}/${tracks[0]}`, mapping: `${dir}/code.lua`,
      });
    }
    return pairs;
  },
  licence(root, path) {
    return statedLicence(root, splitPackagePath(path).pkg, /GNU General Public License as published by the Free Software Foundation; version 2 dated June, 1991/, 'GPL-2');
  },
};
