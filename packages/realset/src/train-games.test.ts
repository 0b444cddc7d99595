// Readers of the train games on hand-written fixtures in each game's own format: Wizznic's pack
// playlist (info.ini), Pekka Kana 2's level header (.map) and the BMP reader its scenery needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePekkaLevel } from './games/pekka.js';
import { parseWizznicInfo, wizznicSongOf } from './games/wizznic.js';
import { BmpError, decodeBmp } from './media/bmp.js';

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
