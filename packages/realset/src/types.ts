// What a game's reader hands the builder: pairs of one picture recipe and one track, each with
// the unit (theme, level sector, room, level, area, planet) that pairs them and the file that says so.

export type Split = 'train' | 'val' | 'test';
export type UnitKind = 'theme' | 'level-sector' | 'room' | 'level' | 'area' | 'planet';

/** How the picture of a unit is made from the game's own files (paths relative to the cache's
 * extraction root, `<package>/usr/...`). */
export type ImageRecipe =
  /** One picture, centre-cropped to a square. */
  | { kind: 'single'; files: string[] }
  /** Layers drawn back to front, each scaled to cover the canvas (SuperTux parallax backgrounds). */
  | { kind: 'layers'; files: string[] }
  /** A texture repeated over the canvas when it is smaller than the canvas (Pingus backgrounds). */
  | { kind: 'tiled'; files: string[] }
  /** Hedgewars: the theme's sky colour, Sky.png at the top, horizont.png above a band of LandTex.png. */
  | { kind: 'hedgewars-theme'; files: string[]; sky: [number, number, number]; skyImage?: string; horizon?: string; land?: string }
  /** X-Moto: the sky as drawn on an 800x600 screen; the first layer opaque, the others added. */
  | { kind: 'xmoto-sky'; files: string[]; layers: XmotoSkyLayer[] }
  /** Blocks of a tile atlas (files[0]) laid on a grid, drawn in order over black (Pushover backgrounds);
   * a cell is [grid column, grid row, block x, block y]. */
  | { kind: 'tiles'; files: string[]; grid: { columns: number; rows: number; tileWidth: number; tileHeight: number }; cells: [number, number, number, number][] };

/** One sky layer of X-Moto: the top-left 1/zoom of the texture (repeating) stretched over the
 * screen, multiplied by `color`. */
export interface XmotoSkyLayer {
  file: string;
  zoom: number;
  color: [number, number, number];
}

export interface UnitPair {
  /** The unit that pairs the two, unique inside its game (e.g. `world1/23rd_airborne.stl#main`). */
  unit: string;
  /** Stable name of the picture inside its game; equal recipes share it. */
  imageKey: string;
  image: ImageRecipe;
  /** The track file (resolved through loop wrappers), relative to the extraction root. */
  music: string;
  /** The game file that records the pairing, relative to the extraction root. */
  mapping: string;
}

export interface Licence {
  /** SPDX-like short name as debian/copyright states it. */
  name: string;
  /** Which part of debian/copyright says so. */
  from: string;
}

export interface GameSource {
  id: string;
  title: string;
  packages: string[];
  unitKind: UnitKind;
  /** What picture stands for a unit, in words (README). */
  imageNote: string;
  /** Reads the game's mapping files under the extraction root. */
  collect(root: string): UnitPair[];
  /** Licence of a file (`path` relative to the extraction root) from its package's debian/copyright. */
  licence(root: string, path: string): Licence;
}
