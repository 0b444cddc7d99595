// Pushover: the level sets levels/<set>.gz hold one level after another, each a "#!/usr/bin/env
// pushover" header then sections (a name line, then "|" lines): `Theme` names the level's theme, and
// each `Background` section is one layer of 13 rows of 20 tile numbers. The theme's music is
// themes/<theme>.ogg (pushover-data) and its tiles are themes/<theme>.png with themes/<theme>.lua
// (pushover): `background = { x, y, ... }` gives tile n at block (x, y) of the png, a block being
// 40x48 pixels (themes/tools.lua documents both). The picture is the level's background as the
// game lays it out: 20x13 blocks (800x624), the layers drawn in order, tile 0 of a later layer left
// empty (in four themes tile 0 is transparent; in the others an opaque black tile 0 fills the upper
// layers' empty cells, which would hide the scene). Platforms, ladders, dominoes and doors (the
// `Level` section, foreground tiles) are not drawn. Levels whose theme has no music (cavern) are
// left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { GameSource, UnitPair } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'pushover';
const DATA_PKG = 'pushover-data';
const BASE = `${PKG}/usr/share/pushover`;
const DATA_BASE = `${DATA_PKG}/usr/share/pushover`;
export const PUSHOVER_GRID = { columns: 20, rows: 13, tileWidth: 40, tileHeight: 48 };

export interface PushoverLevel {
  name?: string;
  theme?: string;
  /** Background layers, each `rows` rows of `columns` tile numbers. */
  backgrounds: number[][][];
}

/** A level set's levels; sections other than Name, Theme and Background are skipped. */
export function parsePushoverLevels(text: string): PushoverLevel[] {
  const levels: PushoverLevel[] = [];
  for (const chunk of text.split(/^#!.*pushover\s*$/m).slice(1)) {
    const level: PushoverLevel = { backgrounds: [] };
    let section: string | undefined;
    let body: string[] = [];
    const close = () => {
      if (section === 'Name' && body.length) level.name = body[0].trim();
      else if (section === 'Theme' && body.length) level.theme = body[0].trim();
      else if (section === 'Background') {
        const rows = body.map((line) => line.trim().split(/\s+/).filter(Boolean).map(Number));
        const { rows: height, columns } = PUSHOVER_GRID;
        if (rows.length !== height || rows.some((r) => r.length !== columns || r.some((v) => !Number.isInteger(v) || v < 0))) {
          throw new Error(`level ${level.name ?? '?'}: a Background layer is not ${height} rows of ${columns} tile numbers`);
        }
        level.backgrounds.push(rows);
      }
      section = undefined;
      body = [];
    };
    for (const raw of chunk.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith('|')) body.push(line.slice(1));
      else if (line.startsWith('+')) continue;
      else if (line.trim() === '') close();
      else {
        close();
        section = line.trim();
      }
    }
    close();
    levels.push(level);
  }
  return levels;
}

/** A theme's `background = { x, y, ... }` table as block positions ([column, row] per tile number). */
export function parsePushoverThemeTiles(lua: string): [number, number][] {
  const table = /(?:^|\n)\s*background\s*=\s*\{([^}]*)\}/.exec(lua.replace(/--[^\n]*/g, ''));
  if (!table) throw new Error('theme has no background table');
  const numbers = (table[1].match(/-?\d+/g) ?? []).map(Number);
  if (numbers.length % 2) throw new Error('background table has an odd number of coordinates');
  const out: [number, number][] = [];
  for (let i = 0; i < numbers.length; i += 2) out.push([numbers[i], numbers[i + 1]]);
  return out;
}

/** The cells to draw, in order, as [column, row, block x, block y]: every cell of the first layer,
 * the non-zero cells of the others. */
export function pushoverCells(backgrounds: number[][][], tiles: [number, number][]): [number, number, number, number][] {
  const cells: [number, number, number, number][] = [];
  backgrounds.forEach((layer, n) => layer.forEach((row, y) => row.forEach((tile, x) => {
    if (n > 0 && tile === 0) return;
    const at = tiles[tile];
    if (!at) throw new Error(`background tile ${tile} is not in the theme (${tiles.length} tiles)`);
    cells.push([x, y, at[0], at[1]]);
  })));
  return cells;
}

export const pushover: GameSource = {
  id: 'pushover',
  title: 'Pushover',
  packages: [PKG, DATA_PKG],
  unitKind: 'level',
  imageNote: "the level's background layers drawn from its theme's tiles (20x13 blocks of 40x48, 800x624; platforms and dominoes not drawn), centre square",
  collect(root) {
    const pairs: UnitPair[] = [];
    const themes = new Map<string, [number, number][]>();
    for (const file of readdirSync(join(root, BASE, 'levels')).filter((f) => f.endsWith('.gz')).sort()) {
      const set = file.replace(/\.gz$/, '');
      const mapping = `${BASE}/levels/${file}`;
      const levels = parsePushoverLevels(gunzipSync(readFileSync(join(root, mapping))).toString('latin1'));
      levels.forEach((level, n) => {
        if (!level.theme || level.backgrounds.length === 0) return;
        const music = `${DATA_BASE}/themes/${level.theme}.ogg`;
        const atlas = `${BASE}/themes/${level.theme}.png`;
        const lua = join(root, BASE, 'themes', `${level.theme}.lua`);
        if (!existsSync(join(root, music)) || !existsSync(join(root, atlas)) || !existsSync(lua)) return;
        if (!themes.has(level.theme)) themes.set(level.theme, parsePushoverThemeTiles(readFileSync(lua, 'utf8')));
        const name = `${set}/${String(n + 1).padStart(3, '0')}${level.name ? ` (${level.name})` : ''}`;
        pairs.push({
          unit: name, imageKey: `${set}-${String(n + 1).padStart(3, '0')}`, music, mapping,
          image: { kind: 'tiles', files: [atlas], grid: PUSHOVER_GRID, cells: pushoverCells(level.backgrounds, themes.get(level.theme)!) },
        });
      });
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/pushover\//, 'data/'));
  },
};
