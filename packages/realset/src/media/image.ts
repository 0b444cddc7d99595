// A unit's picture, composed from the game's own files with sharp, as a 256x256 RGB PNG
// (the corpus's image format): composed on a canvas the size the game shows, then centre-cropped
// to a square and resized.
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ImageRecipe, XmotoSkyLayer } from '../types.js';
import { decodeBmp } from './bmp.js';

export const IMAGE_SIZE = 256;
const LAYER_CANVAS = { width: 800, height: 600 };
const TILE_CANVAS = { width: 640, height: 480 };
const HEDGEWARS_CANVAS = { width: 1024, height: 768, land: 192 };
const XMOTO_SCREEN = { width: 800, height: 600 };

/** The picture at `width` wide (aspect kept), cut to at most `maxHeight` rows from the bottom up. */
async function fitWidth(path: string, width: number, maxHeight: number): Promise<{ input: Buffer; height: number }> {
  const scaled = await sharp(path).ensureAlpha().resize({ width }).png().toBuffer();
  const { height = 0 } = await sharp(scaled).metadata();
  if (height <= maxHeight) return { input: scaled, height };
  const input = await sharp(scaled).extract({ left: 0, top: height - maxHeight, width, height: maxHeight }).png().toBuffer();
  return { input, height: maxHeight };
}

async function coverLayer(path: string, width: number, height: number): Promise<Buffer> {
  return sharp(path).ensureAlpha().resize(width, height, { fit: 'cover' }).png().toBuffer();
}

async function hedgewarsTheme(root: string, r: Extract<ImageRecipe, { kind: 'hedgewars-theme' }>): Promise<Sharp> {
  const { width, height, land } = HEDGEWARS_CANVAS;
  const layers: OverlayOptions[] = [];
  for (const file of [r.skyImage, r.horizon]) {
    if (!file) continue;
    const layer = await fitWidth(join(root, file), width, height - land);
    layers.push({ input: layer.input, top: height - land - layer.height, left: 0 });
  }
  if (r.land) {
    const texture = sharp(join(root, r.land));
    const { width: tw = 0, height: th = 0 } = await texture.metadata();
    const tile = await texture.extract({ left: 0, top: 0, width: Math.min(tw, width), height: Math.min(th, land) }).png().toBuffer();
    const band = await sharp({ create: { width, height: land, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: tile, tile: true, top: 0, left: 0 }]).png().toBuffer();
    layers.push({ input: band, top: height - land, left: 0 });
  }
  const [red, green, blue] = r.sky;
  const canvas = await sharp({ create: { width, height, channels: 3, background: { r: red, g: green, b: blue } } })
    .composite(layers).png().toBuffer();
  return sharp(canvas);
}

async function layered(root: string, files: string[]): Promise<Sharp> {
  const { width, height } = LAYER_CANVAS;
  const layers = await Promise.all(files.map(async (f) => ({ input: await coverLayer(join(root, f), width, height) })));
  const canvas = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite(layers).png().toBuffer();
  return sharp(canvas);
}

async function tiled(root: string, file: string): Promise<Sharp> {
  const path = join(root, file);
  const { width = 0, height = 0 } = await sharp(path).metadata();
  if (width >= TILE_CANVAS.width && height >= TILE_CANVAS.height) return sharp(path);
  const tile = await sharp(path).extract({ left: 0, top: 0, width: Math.min(width, TILE_CANVAS.width), height: Math.min(height, TILE_CANVAS.height) })
    .png().toBuffer();
  const canvas = await sharp({ create: { ...TILE_CANVAS, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite([{ input: tile, tile: true, top: 0, left: 0 }]).png().toBuffer();
  return sharp(canvas);
}

/** One X-Moto sky layer as RGB bytes of the screen: the texture repeated, its top-left 1/zoom
 * (in each direction) stretched over the screen, then multiplied by the layer colour. */
async function xmotoSkyLayer(root: string, layer: XmotoSkyLayer): Promise<Buffer> {
  const { width, height } = XMOTO_SCREEN;
  const path = join(root, layer.file);
  const { width: tw = 0, height: th = 0 } = await sharp(path).metadata();
  const span = 1 / layer.zoom;
  if (!(span > 0) || !Number.isFinite(span) || span > 64) throw new Error(`sky zoom ${layer.zoom} out of range`);
  const repeats = Math.ceil(span);
  const tile = await sharp(path).removeAlpha().png().toBuffer();
  const tiledTexture = await sharp({ create: { width: tw * repeats, height: th * repeats, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite([{ input: tile, tile: true, top: 0, left: 0 }]).png().toBuffer();
  const part = await sharp(tiledTexture)
    .extract({ left: 0, top: 0, width: Math.max(1, Math.round(tw * span)), height: Math.max(1, Math.round(th * span)) }).png().toBuffer();
  const pixels = await sharp(part).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round((pixels[i] * layer.color[i % 3]) / 255);
  return pixels;
}

async function xmotoSky(root: string, layers: XmotoSkyLayer[]): Promise<Sharp> {
  const { width, height } = XMOTO_SCREEN;
  const sum = new Uint16Array(width * height * 3);
  for (const layer of layers) {
    const pixels = await xmotoSkyLayer(root, layer);
    for (let i = 0; i < sum.length; i++) sum[i] += pixels[i];
  }
  const out = Buffer.alloc(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = Math.min(255, sum[i]);
  return sharp(out, { raw: { width, height, channels: 3 } });
}

/** Atlas blocks laid on a grid, each drawn over what is below it (alpha "over"), on black. */
async function tiles(root: string, recipe: Extract<ImageRecipe, { kind: 'tiles' }>): Promise<Sharp> {
  const { columns, rows, tileWidth, tileHeight } = recipe.grid;
  const { data: atlas, info } = await sharp(join(root, recipe.files[0])).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const width = columns * tileWidth;
  const height = rows * tileHeight;
  const out = Buffer.alloc(width * height * 3);
  for (const [column, row, bx, by] of recipe.cells) {
    if ((bx + 1) * tileWidth > info.width || (by + 1) * tileHeight > info.height || bx < 0 || by < 0) {
      throw new Error(`block (${bx}, ${by}) lies outside the ${info.width}x${info.height} atlas`);
    }
    for (let y = 0; y < tileHeight; y++) {
      for (let x = 0; x < tileWidth; x++) {
        const src = ((by * tileHeight + y) * info.width + bx * tileWidth + x) * 4;
        const dst = ((row * tileHeight + y) * width + column * tileWidth + x) * 3;
        const a = atlas[src + 3];
        if (a === 0) continue;
        for (let c = 0; c < 3; c++) out[dst + c] = Math.round((atlas[src + c] * a + out[dst + c] * (255 - a)) / 255);
      }
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } });
}

/** A picture file as sharp input: BMP through our reader (sharp's libvips has no BMP loader). */
function openPicture(path: string): Sharp {
  if (extname(path).toLowerCase() !== '.bmp') return sharp(path);
  const { width, height, data } = decodeBmp(new Uint8Array(readFileSync(path)));
  return sharp(data, { raw: { width, height, channels: 3 } });
}

async function composed(root: string, recipe: ImageRecipe): Promise<Sharp> {
  switch (recipe.kind) {
    case 'hedgewars-theme': return hedgewarsTheme(root, recipe);
    case 'layers': return layered(root, recipe.files);
    case 'tiled': return tiled(root, recipe.files[0]);
    case 'single': return openPicture(join(root, recipe.files[0]));
    case 'xmoto-sky': return xmotoSky(root, recipe.layers);
    case 'tiles': return tiles(root, recipe);
  }
}

/** The recipe's picture as 256x256 RGB PNG bytes. */
export async function renderImage(root: string, recipe: ImageRecipe): Promise<Buffer> {
  const image = await composed(root, recipe);
  const flat = await image.flatten({ background: { r: 0, g: 0, b: 0 } }).png().toBuffer();
  return sharp(flat).resize(IMAGE_SIZE, IMAGE_SIZE, { fit: 'cover', position: 'centre' })
    .removeAlpha().toColourspace('srgb').png().toBuffer();
}
