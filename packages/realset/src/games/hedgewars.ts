// Hedgewars: each theme's Data/Themes/<T>/theme.cfg names its music (`music = X.ogg`, in Data/Music).
// The picture is the theme as the game draws it behind a map: sky colour, Sky.png, horizont.png
// and a band of the terrain texture LandTex.png. Sudden-death music (`sd-music`) is left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameSource, UnitPair } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'hedgewars-data';
const DATA = `${PKG}/usr/share/games/hedgewars/Data`;

export interface ThemeCfg {
  music?: string;
  sdMusic?: string;
  sky?: [number, number, number];
}

export function parseThemeCfg(text: string): ThemeCfg {
  const out: ThemeCfg = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    if (m[1] === 'music') out.music = m[2];
    else if (m[1] === 'sd-music') out.sdMusic = m[2];
    else if (m[1] === 'sky') {
      const rgb = m[2].split(',').map((v) => Number(v.trim()));
      if (rgb.length === 3 && rgb.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) out.sky = rgb as [number, number, number];
    }
  }
  return out;
}

/** Music file names differ in case from theme.cfg on some themes (hell.ogg, Hell); match case-insensitively. */
function findMusic(root: string, name: string): string | undefined {
  const dir = join(root, DATA, 'Music');
  const hit = readdirSync(dir).find((f) => f.toLowerCase() === name.toLowerCase());
  return hit && `${DATA}/Music/${hit}`;
}

export const hedgewars: GameSource = {
  id: 'hedgewars',
  title: 'Hedgewars',
  packages: [PKG],
  unitKind: 'theme',
  imageNote: 'theme composed as in play: sky colour, Sky.png at the top, horizont.png over a band of LandTex.png (1024x768), centre square',
  collect(root) {
    const pairs: UnitPair[] = [];
    const themes = readdirSync(join(root, DATA, 'Themes')).sort();
    for (const theme of themes) {
      const dir = `${DATA}/Themes/${theme}`;
      const cfgPath = `${dir}/theme.cfg`;
      if (!existsSync(join(root, cfgPath))) continue;
      const cfg = parseThemeCfg(readFileSync(join(root, cfgPath), 'utf8'));
      const music = cfg.music && findMusic(root, cfg.music);
      if (!music) continue;
      const file = (name: string) => (existsSync(join(root, dir, name)) ? `${dir}/${name}` : undefined);
      const skyImage = file('Sky.png');
      const horizon = file('horizont.png');
      const land = file('LandTex.png');
      const files = [skyImage, horizon, land].filter((f): f is string => f !== undefined);
      if (files.length === 0) continue;
      pairs.push({
        unit: theme, imageKey: theme, music, mapping: cfgPath,
        image: { kind: 'hedgewars-theme', files, sky: cfg.sky ?? [0, 0, 0], skyImage, horizon, land },
      });
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/games\//, 'share/'));
  },
};
