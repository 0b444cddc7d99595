// X-Moto: levels, themes and textures are packed in xmoto.bin (XBI3, src/parse/xbi.ts); the music
// is on disk in Textures/Musics. A level (Levels/*.lvl) names, inside <info>, its sky texture
// (`<sky [zoom= offset= color_r..a= drifted= driftZoom= driftColor_r..a= BlendTexture=]>name</sky>`)
// and its music (`<music name="…"/>`); the theme maps both names to files. X-Moto 0.6.1 (the Debian
// version) is built with the default theme "Modern" (src/CMakeLists.txt CONFIGURE_DEFAULT_THEME), i.e.
// Themes/modern.xml. Levels without <music> (or with "None") are left out: the game then plays a
// track picked by a hash of the level id (Theme::getHashMusic), which is no authored pairing.
//
// The picture is the sky as GameRenderer::_RenderSky draws it at 800x600 (the default resolution),
// camera at the origin and drift at time 0: the top-left 1/zoom of the texture (repeating), stretched
// over the screen and multiplied by the sky colour; a drifted sky adds its blend texture at 1/driftZoom
// times the drift colour (GL_ONE, GL_ONE). Sky values follow Level.cpp: defaults sky1, zoom 1; with no
// sky attribute, the old built-in values of sky1 (zoom 2), sky2 (1.53) and Sky2Drift.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractXbi } from '../parse/xbi.js';
import type { GameSource, UnitPair, XmotoSkyLayer } from '../types.js';
import { dep5LicenceOf, splitPackagePath } from './licence.js';

const PKG = 'xmoto-data';
const BASE = `${PKG}/usr/share/games/xmoto`;
/** Where the entries of xmoto.bin the set needs are copied (next to the pack, in the cache's tree). */
const UNPACKED = `${BASE}/xmoto.bin.d`;
const THEME = 'Themes/modern.xml';
const TEXTURE_DIR = 'Textures/Textures';
const MUSIC_DIR = 'Textures/Musics';

type Rgb = [number, number, number];

export interface XmotoSky {
  texture: string;
  blendTexture: string;
  zoom: number;
  color: Rgb;
  drifted: boolean;
  driftZoom: number;
  driftColor: Rgb;
  /** Whether any sky attribute was given (else the old built-in values of the texture apply). */
  advanced: boolean;
}

export interface XmotoLevel {
  id?: string;
  name?: string;
  sky: XmotoSky;
  /** The music name, '' for none ("None" or no <music>). */
  music: string;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-f]+));/gi, (_m, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[name.toLowerCase()] ?? '';
  });
}

/** The attributes of one start tag (`<name a="1" b='2'>`). */
export function xmlAttributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = decodeXml(m[3] ?? m[4] ?? '');
  return out;
}

/** The first `<name …>` element inside `xml`: its attributes and its content, undecoded ('' when empty or self-closed). */
function element(xml: string, name: string): { attrs: Record<string, string>; text: string } | undefined {
  const open = new RegExp(`<${name}(\\s[^>]*?)?(/?)>`).exec(xml);
  if (!open) return undefined;
  const attrs = xmlAttributes(open[1] ?? '');
  if (open[2] === '/') return { attrs, text: '' };
  const rest = xml.slice(open.index + open[0].length);
  const close = rest.indexOf(`</${name}>`);
  return { attrs, text: close < 0 ? '' : rest.slice(0, close) };
}

/** Level.cpp's colour rule: any of r, g, b, a given sets the colour, missing parts 0. */
function colour(attrs: Record<string, string>, prefix: string): Rgb | undefined {
  const parts = ['r', 'g', 'b', 'a'].map((c) => attrs[`${prefix}_${c}`]);
  if (parts.every((p) => p === undefined || p === '')) return undefined;
  return parts.slice(0, 3).map((p) => Math.max(0, Math.min(255, Number.parseInt(p ?? '0', 10) || 0))) as Rgb;
}

/** The sky and music of a level, as X-Moto 0.6.1's Level.cpp reads them from <info>. */
export function parseXmotoLevel(text: string): XmotoLevel {
  const levelTag = /<level(\s[^>]*)?>/.exec(text);
  const id = levelTag ? xmlAttributes(levelTag[1] ?? '').id : undefined;
  const info = element(text, 'info')?.text ?? '';
  const sky: XmotoSky = {
    texture: 'sky1', blendTexture: 'sky1', zoom: 1, color: [255, 255, 255],
    drifted: false, driftZoom: 1, driftColor: [255, 255, 255], advanced: false,
  };
  const skyElem = element(info, 'sky');
  if (skyElem) {
    if (skyElem.text !== '') sky.texture = sky.blendTexture = decodeXml(skyElem.text);
    const a = skyElem.attrs;
    const number = (key: string) => (a[key] !== undefined && a[key] !== '' ? Number.parseFloat(a[key]) || 0 : undefined);
    const zoom = number('zoom');
    if (zoom !== undefined) sky.zoom = zoom;
    const color = colour(a, 'color');
    if (color) sky.color = color;
    if (a.drifted === 'true') {
      sky.drifted = true;
      sky.driftZoom = number('driftZoom') ?? sky.driftZoom;
      sky.driftColor = colour(a, 'driftColor') ?? sky.driftColor;
    }
    if (a.BlendTexture) sky.blendTexture = a.BlendTexture;
    sky.advanced = zoom !== undefined || number('offset') !== undefined || color !== undefined || a.drifted === 'true' || !!a.BlendTexture;
  }
  if (!sky.advanced) {
    if (sky.texture === 'sky1') sky.zoom = 2;
    else if (sky.texture === 'sky2') sky.zoom = 1.53;
    else if (sky.texture === 'Sky2Drift') {
      Object.assign(sky, { zoom: 1.53, driftZoom: 1.17, drifted: true, color: [128, 128, 128], driftColor: [255, 128, 128] });
    }
  }
  const music = element(info, 'music')?.attrs.name ?? '';
  const name = element(info, 'name')?.text;
  return { id, name: name === undefined ? undefined : decodeXml(name), sky, music: music === 'None' ? '' : music };
}

export interface XmotoTheme {
  name?: string;
  /** Texture name -> file under Textures/Textures: an animated texture's first frame (the game looks those up first), else the still one. */
  textures: Map<string, string>;
  /** Music name -> file under Textures/Musics. */
  musics: Map<string, string>;
}

/** A theme file's texture and music tables. */
export function parseXmotoTheme(text: string): XmotoTheme {
  const still = new Map<string, string>();
  const animated = new Map<string, string>();
  const musics = new Map<string, string>();
  for (const m of text.matchAll(/<(sprite|music)(\s[^>]*?)\/?>/g)) {
    const a = xmlAttributes(m[2]);
    if (!a.name) continue;
    if (m[1] === 'music') {
      if (a.file && !musics.has(a.name)) musics.set(a.name, a.file);
    } else if (a.type === 'Texture') {
      if (a.fileBase) {
        if (!animated.has(a.name)) animated.set(a.name, `${a.fileBase}00.${a.fileExtension ?? 'png'}`);
      } else if (a.file && !still.has(a.name)) still.set(a.name, a.file);
    }
  }
  const textures = new Map(still);
  for (const [name, file] of animated) textures.set(name, file);
  const themeTag = /<xmoto_theme(\s[^>]*)?>/.exec(text);
  return { name: themeTag ? xmlAttributes(themeTag[1] ?? '').name : undefined, textures, musics };
}

/** The sky's layers as files under the extraction root, or undefined when the theme lacks a texture
 * (the game then clears the screen). */
export function xmotoSkyLayers(sky: XmotoSky, theme: XmotoTheme, textureDir: string): XmotoSkyLayer[] | undefined {
  const file = (name: string) => {
    const f = theme.textures.get(name);
    return f && `${textureDir}/${f}`;
  };
  const base = file(sky.texture);
  if (!base) return undefined;
  const layers: XmotoSkyLayer[] = [{ file: base, zoom: sky.zoom, color: sky.color }];
  if (sky.drifted) {
    const blend = file(sky.blendTexture);
    if (!blend) return undefined;
    layers.push({ file: blend, zoom: sky.driftZoom, color: sky.driftColor });
  }
  return layers;
}

export const xmoto: GameSource = {
  id: 'xmoto',
  title: 'X-Moto',
  packages: [PKG],
  unitKind: 'level',
  imageNote: "the level's sky as the game draws it (Themes/modern.xml texture, 1/zoom of it stretched over 800x600, sky colour; a drifted sky's blend layer added at time 0), centre square",
  collect(root) {
    const unpacked = join(root, UNPACKED);
    extractXbi(join(root, BASE, 'xmoto.bin'), unpacked,
      (name) => (name.startsWith('Levels/') && name.endsWith('.lvl')) || name === THEME || name.startsWith(`${TEXTURE_DIR}/`));
    const theme = parseXmotoTheme(readFileSync(join(unpacked, THEME), 'utf8'));
    const pairs: UnitPair[] = [];
    // A sky with its own attributes is named after the first level drawing it exactly so, so that
    // equal pictures share one name (and one file) whatever track they go with.
    const keys = new Map<string, string>();
    for (const file of readdirSync(join(unpacked, 'Levels')).filter((f) => f.endsWith('.lvl')).sort()) {
      const mapping = `${UNPACKED}/Levels/${file}`;
      const level = parseXmotoLevel(readFileSync(join(root, mapping), 'utf8'));
      const track = level.music && theme.musics.get(level.music);
      if (!track) continue;
      const music = `${BASE}/${MUSIC_DIR}/${track}`;
      const layers = xmotoSkyLayers(level.sky, theme, `${UNPACKED}/${TEXTURE_DIR}`);
      if (!layers || !existsSync(join(root, music)) || layers.some((l) => !existsSync(join(root, l.file)))) continue;
      const base = file.replace(/\.lvl$/, '');
      const image = { kind: 'xmoto-sky' as const, files: [...new Set(layers.map((l) => l.file))], layers };
      const recipe = JSON.stringify(image);
      if (!keys.has(recipe)) keys.set(recipe, level.sky.advanced ? `${level.sky.texture}@${base}` : level.sky.texture);
      pairs.push({ unit: level.name ? `${base} (${level.name})` : base, imageKey: keys.get(recipe)!, image, music, mapping });
    }
    return pairs;
  },
  licence(root, path) {
    const { pkg, inside } = splitPackagePath(path);
    // Both xmoto.bin's entries and the on-disk data come from upstream's bin/ folder.
    const upstream = inside.replace(/^usr\/share\/games\/xmoto\/(xmoto\.bin\.d\/)?/, 'bin/');
    return dep5LicenceOf(root, pkg, upstream);
  },
};
