// Naev: landing on a planet (dat/assets/<asset>.xml) shows its exterior picture
// (`<GFX><exterior>`, dat/gfx/planet/exterior/, 400x400 paintings) and plays the landing music that
// dat/snd/music.lua `choose_land` picks from the planet's class (`<general><class>`, first letter, as
// the game reads it) or, for other classes, from whether it is inhabited. Only planets the player can
// land on (`<services><land>`) count; "inhabited" is what the game's planet_parse sets it from: any
// of refuel, bar, missions, commodity, outfits, shipyard. Where choose_land picks among several
// tracks at random (inhabited planets of other classes: cosmostation or upbeat) the planet is left
// out, as Fillets-NG rooms that pick a track at run time are. A track name is the file
// dat/snd/music/<name>.ogg.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameSource, UnitPair } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'naev-data';
const DAT = `${PKG}/usr/share/naev/dat`;
const INHABITING_SERVICES = ['refuel', 'bar', 'missions', 'commodity', 'outfits', 'shipyard'];

export interface NaevLandMusic {
  /** Planet class -> the tracks choose_land picks from. */
  byClass: Record<string, string[]>;
  /** Other classes: inhabited planets, then the rest. */
  inhabited: string[];
  uninhabited: string[];
}

const luaStrings = (list: string): string[] => [...list.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]);

/** choose_land's table from music.lua; throws when the function no longer has the shape read here. */
export function parseNaevLandMusic(lua: string): NaevLandMusic {
  const start = lua.indexOf('function choose_land');
  const end = start < 0 ? -1 : lua.indexOf('music.load', start);
  if (start < 0 || end < 0) throw new Error('music.lua: no choose_land ... music.load');
  const body = lua.slice(start, end).replace(/--[^\n]*/g, '');
  const byClass: Record<string, string[]> = {};
  for (const m of body.matchAll(/class\s*==\s*["']([^"']+)["']\s*then\s*mus\s*=\s*\{([^}]*)\}/g)) byClass[m[1]] = luaStrings(m[2]);
  const other = /services\(\)\s*\[\s*"inhabited"\s*\]\s*then\s*mus\s*=\s*\{([^}]*)\}\s*else\s*mus\s*=\s*\{([^}]*)\}/.exec(body);
  if (Object.keys(byClass).length === 0 || !other) throw new Error('music.lua: choose_land has no class / inhabited branches');
  return { byClass, inhabited: luaStrings(other[1]), uninhabited: luaStrings(other[2]) };
}

export interface NaevAsset {
  name?: string;
  exterior?: string;
  /** The class's first letter, as planet_parse keeps it. */
  planetClass?: string;
  services: string[];
}

/** The fields of an asset file the landing screen and music use. */
export function parseNaevAsset(xml: string): NaevAsset {
  const text = (tag: string) => new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(xml)?.[1];
  const services = /<services>([\s\S]*?)<\/services>/.exec(xml)?.[1] ?? '';
  return {
    name: /<asset\s+name="([^"]*)"/.exec(xml)?.[1],
    exterior: text('exterior'),
    planetClass: text('class')?.slice(0, 1),
    services: [...services.matchAll(/<([A-Za-z_]+)[\s/>]/g)].map((m) => m[1]),
  };
}

/** The tracks landing on the asset may play ([] when the player cannot land). */
export function naevLandTracks(asset: NaevAsset, land: NaevLandMusic): string[] {
  if (!asset.services.includes('land')) return [];
  const byClass = asset.planetClass !== undefined ? land.byClass[asset.planetClass] : undefined;
  if (byClass) return byClass;
  return asset.services.some((s) => INHABITING_SERVICES.includes(s)) ? land.inhabited : land.uninhabited;
}

export const naev: GameSource = {
  id: 'naev',
  title: 'Naev',
  packages: [PKG],
  unitKind: 'planet',
  imageNote: "the planet's exterior as the landing screen shows it (dat/gfx/planet/exterior, 400x400)",
  collect(root) {
    const land = parseNaevLandMusic(readFileSync(join(root, DAT, 'snd/music.lua'), 'utf8'));
    const pairs: UnitPair[] = [];
    for (const file of readdirSync(join(root, DAT, 'assets')).filter((f) => f.endsWith('.xml')).sort()) {
      const mapping = `${DAT}/assets/${file}`;
      const asset = parseNaevAsset(readFileSync(join(root, mapping), 'utf8'));
      const tracks = naevLandTracks(asset, land);
      if (!asset.exterior || tracks.length !== 1) continue;
      const image = `${DAT}/gfx/planet/exterior/${asset.exterior}`;
      const music = `${DAT}/snd/music/${tracks[0]}.ogg`;
      if (!existsSync(join(root, image)) || !existsSync(join(root, music))) continue;
      pairs.push({
        unit: asset.name ?? file.replace(/\.xml$/, ''), imageKey: asset.exterior.replace(/\.[a-z]+$/i, ''),
        image: { kind: 'single', files: [image] }, music, mapping,
      });
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    // debian/copyright names upstream files as ./dat/...
    return dep5LicenceOf(root, pkg, inside.replace(/^usr\/share\/naev\//, './'));
  },
};
