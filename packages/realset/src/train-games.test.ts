// Readers of the train games on hand-written fixtures in each game's own format: Wizznic's pack
// playlist (info.ini), Pekka Kana 2's level header (.map) and the BMP reader its scenery needs,
// X-Moto's data pack (XBI3), level <info> and theme tables, Naev's landing music and assets,
// Pushover's level sets and theme tile tables, and the two picture recipes those games add.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { naevLandTracks, parseNaevAsset, parseNaevLandMusic } from './games/naev.js';
import { parsePekkaLevel } from './games/pekka.js';
import { parsePushoverLevels, parsePushoverThemeTiles, pushoverCells } from './games/pushover.js';
import { parseWizznicInfo, wizznicSongOf } from './games/wizznic.js';
import { parseXmotoLevel, parseXmotoTheme, xmotoSkyLayers } from './games/xmoto.js';
import { BmpError, decodeBmp } from './media/bmp.js';
import { renderImage } from './media/image.js';
import sharp from 'sharp';
import { extractXbi, parseXbiIndex, XbiError } from './parse/xbi.js';

const fixture = (path: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'latin1');

test('Wizznic info.ini: level ranges to songs, comments and malformed lines ignored, the last range wins', () => {
  const info = parseWizznicInfo(fixture('wizznic/info.ini'));
  assert.equal(info.name, 'Fixture Pack');
  assert.deepEqual(info.playlist, [
    { from: 0, to: 4, song: 'music/First Song.ogg' },
    { from: 5, to: 9, song: 'music/Second, Song.ogg' },
    { from: 8, to: 8, song: 'music/Override.ogg' },
  ]);
  assert.equal(wizznicSongOf(info.playlist, 0), 'music/First Song.ogg');
  assert.equal(wizznicSongOf(info.playlist, 4), 'music/First Song.ogg', 'ranges are inclusive');
  assert.equal(wizznicSongOf(info.playlist, 7), 'music/Second, Song.ogg');
  assert.equal(wizznicSongOf(info.playlist, 8), 'music/Override.ogg');
  assert.equal(wizznicSongOf(info.playlist, 10), undefined);
  assert.deepEqual(parseWizznicInfo('author=x\r\npackname=Silver\r\n').playlist, [], 'a pack without a playlist');
});

/** A Pekka Kana 2 level header as the game writes it: fixed-size, NUL-terminated latin-1 fields, the rest of each field garbage. */
function pekkaHeader(fields: [string, number][]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, [, size]) => n + size, 0) + 16).fill(0xcc);
  let at = 0;
  for (const [text, size] of fields) {
    out.set(Buffer.from(text, 'latin1'), at);
    if (text.length < size) out[at + text.length] = 0;
    at += size;
  }
  return out;
}

test('Pekka Kana 2 .map header: tile set, scenery, music and name; trailing spaces dropped; other versions refused', () => {
  const level = parsePekkaLevel(pekkaHeader([['1.3', 5], ['TILES02.bmp', 13], ['FIELD2_E.bmp', 13], ['song07.xm   ', 13], ['apple hills', 40]]));
  assert.deepEqual(level, { version: '1.3', tiles: 'TILES02.bmp', scenery: 'FIELD2_E.bmp', music: 'song07.xm', name: 'apple hills' });
  assert.throws(() => parsePekkaLevel(pekkaHeader([['1.2', 5], ['a', 13], ['b', 13], ['c', 13], ['d', 40]])), /not 1\.3/);
  assert.throws(() => parsePekkaLevel(new Uint8Array(20)), /shorter/);
});

/** A hand-made BMP: BITMAPINFOHEADER, bottom-up rows padded to 4 bytes. */
function bmp(width: number, height: number, bits: 8 | 24, pixel: (x: number, y: number) => number[], palette: number[][] = []): Uint8Array {
  const stride = Math.ceil((width * bits) / 32) * 4;
  const paletteBytes = palette.length * 4;
  const offset = 54 + paletteBytes;
  const out = Buffer.alloc(offset + stride * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bits, 28);
  out.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + i * 4));
  for (let y = 0; y < height; y++) {
    const row = offset + stride * (height - 1 - y);
    for (let x = 0; x < width; x++) out.set(pixel(x, y), row + x * (bits / 8));
  }
  return new Uint8Array(out);
}

test('BMP reader: 8-bit palette and 24-bit BGR, bottom-up rows with padding, to top-down RGB; unsupported kinds refused', () => {
  const paletted = decodeBmp(bmp(3, 2, 8, (x, y) => [y * 3 + x], [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30], [40, 50, 60], [70, 80, 90]]));
  assert.equal(paletted.width, 3);
  assert.equal(paletted.height, 2);
  assert.deepEqual([...paletted.data], [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const direct = decodeBmp(bmp(1, 2, 24, (_x, y) => (y === 0 ? [3, 2, 1] : [6, 5, 4])));
  assert.deepEqual([...direct.data], [1, 2, 3, 4, 5, 6], 'BGR to RGB, first row on top');
  assert.throws(() => decodeBmp(new Uint8Array(60)), BmpError);
  const rle = bmp(1, 1, 8, () => [0], [[0, 0, 0]]);
  new DataView(rle.buffer).setUint32(30, 1, true);
  assert.throws(() => decodeBmp(rle), /compressed/);
  assert.throws(() => decodeBmp(bmp(2, 1, 8, () => [5], [[0, 0, 0]])), /outside its palette/);
});

/** An XBI3 pack as X-Moto's packager writes it. */
function xbiPack(files: [string, string][]): Uint8Array {
  const parts: Buffer[] = [Buffer.from(`XBI3 ${'0'.repeat(32)}`, 'latin1')];
  for (const [name, body] of files) {
    const size = Buffer.alloc(4);
    size.writeInt32LE(Buffer.byteLength(body, 'latin1'));
    parts.push(Buffer.from([name.length]), Buffer.from(name, 'latin1'), Buffer.from([32]), Buffer.from('f'.repeat(32), 'latin1'), size, Buffer.from(body, 'latin1'));
  }
  return new Uint8Array(Buffer.concat(parts));
}

test('XBI3 pack: entries with names, md5s, offsets and sizes; selected entries copied out; bad packs refused', () => {
  const pack = xbiPack([['Levels/a.lvl', '<level/>'], ['Themes/modern.xml', '<xmoto_theme/>'], ['Levels/b.lvs', 'x = 1']]);
  const entries = parseXbiIndex(pack);
  assert.deepEqual(entries.map((e) => [e.name, e.size]), [['Levels/a.lvl', 8], ['Themes/modern.xml', 14], ['Levels/b.lvs', 5]]);
  assert.equal(entries[0].md5, 'f'.repeat(32));
  assert.equal(Buffer.from(pack.subarray(entries[1].offset, entries[1].offset + entries[1].size)).toString('latin1'), '<xmoto_theme/>');
  const dir = mkdtempSync(join(tmpdir(), 'realset-xbi-'));
  try {
    const packPath = join(dir, 'xmoto.bin');
    writeFileSync(packPath, pack);
    assert.deepEqual(extractXbi(packPath, join(dir, 'out'), (n) => n.endsWith('.lvl') || n.endsWith('.xml')), ['Levels/a.lvl', 'Themes/modern.xml']);
    assert.equal(readFileSync(join(dir, 'out/Themes/modern.xml'), 'latin1'), '<xmoto_theme/>');
    writeFileSync(join(dir, 'evil.bin'), xbiPack([['../x', 'no']]));
    assert.throws(() => extractXbi(join(dir, 'evil.bin'), join(dir, 'out'), () => true), /unsafe/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => parseXbiIndex(new Uint8Array(40)), XbiError);
  assert.throws(() => parseXbiIndex(pack.subarray(0, pack.length - 2)), /past the pack's end/);
});

test('X-Moto level <info>: sky texture and attributes as Level.cpp reads them, music name, old built-in sky values', () => {
  const level = parseXmotoLevel(fixture('xmoto/level.lvl'));
  assert.equal(level.id, 'fixture1');
  assert.equal(level.name, 'Fixture & Friends');
  assert.equal(level.music, 'rideALong');
  assert.deepEqual(level.sky, {
    texture: 'Sky3', blendTexture: 'Water1', zoom: 0.5, color: [155, 10, 100],
    drifted: true, driftZoom: 2.5, driftColor: [0, 0, 40], advanced: true,
  }, 'missing colour parts are 0; the drift colour is read because drifted="true"');
  const plain = parseXmotoLevel(fixture('xmoto/level-plain.lvl'));
  assert.equal(plain.music, '', '"None" is no music');
  assert.deepEqual(plain.sky, {
    texture: 'sky2', blendTexture: 'sky2', zoom: 1.53, color: [255, 255, 255],
    drifted: false, driftZoom: 1, driftColor: [255, 255, 255], advanced: false,
  }, 'drifted="false" and use_params are no sky attributes the game reads: sky2 keeps its old zoom');
  const colourOnly = parseXmotoLevel(fixture('xmoto/level-empty-sky.lvl'));
  assert.equal(colourOnly.music, '', '<music> outside <info> is not read');
  assert.deepEqual([colourOnly.sky.texture, colourOnly.sky.zoom, colourOnly.sky.color], ['sky1', 1, [200, 0, 0]], 'an empty sky keeps sky1, an attribute keeps zoom 1');
  assert.equal(parseXmotoLevel('<level id="x"><info><name>n</name></info></level>').sky.zoom, 2, 'no <sky>: sky1 at its old zoom 2');
});

test('X-Moto theme: textures (animated first frame before the still one), musics; the sky resolved to layers', () => {
  const theme = parseXmotoTheme(fixture('xmoto/theme.xml'));
  assert.equal(theme.name, 'Modern');
  assert.equal(theme.textures.get('Water1'), 'Water1_961_00.png');
  assert.equal(theme.textures.get('Sky3'), 'Sky3_297.jpg');
  assert.equal(theme.textures.has('Sky2'), false, 'effect sprites are no textures');
  assert.deepEqual([...theme.musics], [['rideALong', 'ridealong.ogg'], ['batcave', 'batcave.ogg']]);
  assert.deepEqual(xmotoSkyLayers(parseXmotoLevel(fixture('xmoto/level.lvl')).sky, theme, 'T'), [
    { file: 'T/Sky3_297.jpg', zoom: 0.5, color: [155, 10, 100] },
    { file: 'T/Water1_961_00.png', zoom: 2.5, color: [0, 0, 40] },
  ]);
  assert.equal(xmotoSkyLayers(parseXmotoLevel(fixture('xmoto/level-plain.lvl')).sky, theme, 'T'), undefined, 'a sky the theme lacks');
});

test('X-Moto sky picture: layer colours multiply, layers add and clip, as GL_ONE, GL_ONE does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'realset-sky-'));
  try {
    const plain = async (name: string, rgb: [number, number, number]) => {
      await sharp({ create: { width: 8, height: 4, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(join(dir, name));
      return name;
    };
    const base = await plain('base.png', [200, 100, 50]);
    const drift = await plain('drift.png', [100, 100, 250]);
    const centre = async (layers: { file: string; zoom: number; color: [number, number, number] }[]) => {
      const png = await renderImage(dir, { kind: 'xmoto-sky', files: layers.map((l) => l.file), layers });
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height, info.channels], [256, 256, 3]);
      const at = (128 * 256 + 128) * 3;
      return [...data.subarray(at, at + 3)];
    };
    assert.deepEqual(await centre([{ file: base, zoom: 0.3, color: [128, 255, 0] }]), [100, 100, 0]);
    assert.deepEqual(await centre([{ file: base, zoom: 2, color: [128, 255, 0] }, { file: drift, zoom: 1.17, color: [255, 255, 255] }]), [200, 200, 250]);
    assert.deepEqual(await centre([{ file: base, zoom: 1, color: [255, 255, 255] }, { file: drift, zoom: 1, color: [255, 255, 255] }]), [255, 200, 255], 'sums clip at 255');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Naev: choose_land by class, then inhabited or not; assets with exterior, class letter and services', () => {
  const land = parseNaevLandMusic(fixture('naev/music.lua'));
  assert.deepEqual(land, {
    byClass: { M: ['agriculture'], O: ['ocean'], P: ['snow'] },
    inhabited: ['cosmostation', 'upbeat'], uninhabited: ['agriculture'],
  });
  const ocean = parseNaevAsset(fixture('naev/asset-ocean.xml'));
  assert.deepEqual(ocean, { name: 'Fixture Sea', exterior: 'aquatic3.png', planetClass: 'O', services: ['land', 'refuel', 'bar'] });
  assert.deepEqual(naevLandTracks(ocean, land), ['ocean']);
  const station = parseNaevAsset(fixture('naev/asset-station.xml'));
  assert.deepEqual([station.exterior, station.planetClass], ['traderoom.png', '2'], 'trimmed; the class is its first letter');
  assert.deepEqual(naevLandTracks(station, land), ['cosmostation', 'upbeat'], 'commodity makes it inhabited: a run-time pick of two');
  assert.deepEqual(naevLandTracks(parseNaevAsset(fixture('naev/asset-rock.xml')), land), ['agriculture'], 'land alone is not inhabited');
  assert.deepEqual(naevLandTracks({ ...ocean, services: ['refuel'] }, land), [], 'no landing, no landing music');
  assert.throws(() => parseNaevLandMusic('function choose_land () end'), /choose_land/);
});

test('Pushover level set: name, theme and background layers per level; theme tile table; the cells drawn', () => {
  const levels = parsePushoverLevels(fixture('pushover/levels.txt'));
  assert.deepEqual(levels.map((l) => [l.name, l.theme, l.backgrounds.length]), [['Fixture One', 'aztec', 2], ['Fixture Two', 'space', 1]]);
  assert.equal(levels[0].backgrounds[0][0][0], 3);
  assert.equal(levels[0].backgrounds[0][12][19], 4);
  const tiles = parsePushoverThemeTiles(fixture('pushover/theme.lua'));
  assert.deepEqual(tiles, [[24, 0], [25, 0], [0, 1], [1, 1], [2, 1]], 'the background table, not foreground or patterns');
  const cells = pushoverCells(levels[0].backgrounds, tiles);
  assert.equal(cells.length, 20 * 13 + 1, 'every cell of the first layer, the one non-zero cell of the second');
  assert.deepEqual([cells[0], cells.at(-1)], [[0, 0, 1, 1], [5, 1, 0, 1]]);
  assert.throws(() => pushoverCells([[[9]]], tiles), /not in the theme/);
  const broken = fixture('pushover/levels.txt').replace(/\| +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1\n\+/, '+');
  assert.throws(() => parsePushoverLevels(broken), /not 13 rows of 20/);
});

test('tile picture: atlas blocks laid on the grid in order, alpha drawn over what is below', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'realset-tiles-'));
  try {
    const atlas = Buffer.alloc(16 * 8 * 4);
    for (let i = 0; i < 16 * 8; i++) atlas.set(i % 16 < 8 ? [200, 0, 0, 255] : [0, 0, 255, 128], i * 4);
    await sharp(atlas, { raw: { width: 16, height: 8, channels: 4 } }).png().toFile(join(dir, 'atlas.png'));
    const png = await renderImage(dir, {
      kind: 'tiles', files: ['atlas.png'], grid: { columns: 2, rows: 1, tileWidth: 8, tileHeight: 8 },
      cells: [[0, 0, 0, 0], [1, 0, 0, 0], [1, 0, 1, 0]],
    });
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number) => [...data.subarray((128 * 256 + x) * 3, (128 * 256 + x) * 3 + 3)];
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 3);
    assert.ok(near(px(2), [200, 0, 0]), `left block red, got ${px(2)}`);
    assert.ok(near(px(253), [100, 0, 128]), `right block: half-transparent blue over red, got ${px(253)}`);
    await assert.rejects(renderImage(dir, { kind: 'tiles', files: ['atlas.png'], grid: { columns: 1, rows: 1, tileWidth: 8, tileHeight: 8 }, cells: [[0, 0, 2, 0]] }), /outside/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
