import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { sniffMedia, UnsupportedMediaError } from '@muse/embeddings';
import { fixture, makeWav, sine } from '../testing/helpers.js';

const raw = { width: 8, height: 6, channels: 3 } as const;
const pixels = Buffer.alloc(8 * 6 * 3, 90);

async function encoded(format: 'png' | 'jpeg' | 'webp' | 'gif'): Promise<Uint8Array> {
  return new Uint8Array(await sharp(pixels, { raw }).toFormat(format).toBuffer());
}

test('images are recognised by magic bytes', async () => {
  assert.deepEqual(sniffMedia(await encoded('png')), { kind: 'image', mime: 'image/png', ext: 'png', format: 'png' });
  assert.equal(sniffMedia(await encoded('jpeg')).mime, 'image/jpeg');
  assert.equal(sniffMedia(await encoded('webp')).mime, 'image/webp');
  assert.equal(sniffMedia(await encoded('gif')).mime, 'image/gif');
});

test('audio formats are recognised by magic bytes, Ogg by its codec header', () => {
  assert.deepEqual(sniffMedia(makeWav([sine(440, 8000, 0.1)], 8000)), { kind: 'audio', mime: 'audio/wav', ext: 'wav', format: 'wav' });
  assert.equal(sniffMedia(fixture('media', 'tone.mp3')).format, 'mp3');
  assert.equal(sniffMedia(fixture('media', 'tone.flac')).format, 'flac');
  assert.deepEqual(sniffMedia(fixture('media', 'tone.ogg')), { kind: 'audio', mime: 'audio/ogg', ext: 'ogg', format: 'vorbis' });
  assert.equal(sniffMedia(fixture('media', 'tone.opus')).format, 'opus');
});

test('an MP3 behind an ID3v2 tag is recognised', () => {
  const mp3 = fixture('media', 'tone.mp3');
  const body = new Uint8Array(300); // tag payload; its size is syncsafe-encoded below
  const tag = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, (300 >> 7) & 0x7f, 300 & 0x7f]);
  const tagged = new Uint8Array([...tag, ...body, ...mp3]);
  assert.equal(sniffMedia(tagged).format, 'mp3');
});

test('a FLAC behind an ID3v2 tag is FLAC, not MP3', () => {
  const flac = fixture('media', 'tone.flac');
  const tag = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Uint8Array(20)]);
  assert.equal(sniffMedia(new Uint8Array([...tag, ...flac])).format, 'flac');
});

test('unknown, empty, text and other-Ogg bytes are UNSUPPORTED_MEDIA', () => {
  const cases = [
    new Uint8Array(0),
    new TextEncoder().encode('hello, this is not an image'),
    new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]), // %PDF-1
    new Uint8Array([0xff, 0xfb, 0x90]), // a lone partial frame header
  ];
  // Ogg with a Theora (video) first packet
  const ogg = new Uint8Array(64);
  ogg.set([0x4f, 0x67, 0x67, 0x53, 0, 2]);
  ogg[26] = 1;
  ogg[27] = 30;
  ogg.set([0x80, ...new TextEncoder().encode('theora')], 28);
  cases.push(ogg);
  for (const bytes of cases) {
    assert.throws(() => sniffMedia(bytes), (e: unknown) => e instanceof UnsupportedMediaError && e.code === 'UNSUPPORTED_MEDIA');
  }
});

test('random bytes that happen to start with a frame sync are not taken for MP3', () => {
  const bytes = new Uint8Array(4000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  bytes.set([0xff, 0xfb, 0x90, 0x64]); // valid header, but no second frame where it says
  assert.throws(() => sniffMedia(bytes), UnsupportedMediaError);
});
