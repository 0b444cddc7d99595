// Upload limits and truncated media over HTTP (issue 23, item 11): the byte limit's exact
// boundary, one answer for every upload-limit refusal, and media cut short refused as the
// README says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { codeOf, fixtureFile, gqlUpload, image, serveTestApi, type GqlResult, type UploadFile } from '../api/harness.js';

/** The documented default of MUSE_MAX_UPLOAD_BYTES: the server below runs with the defaults. */
const UPLOAD_LIMIT = 25 * 1024 * 1024;
const DEFAULT_MAX_FILES = 3;

const server = serveTestApi();
const MUSIC_BY_IMAGE = 'query($i: Upload!) { searchMusicByImage(image: $i, first: 3) { score } }';
const IMAGES_BY_AUDIO = 'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 3) { score } }';
const INGEST = 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }';

/** `png` grown to exactly `total` bytes by a private ancillary chunk before IEND: still a valid PNG. */
function paddedPng(png: Uint8Array, total: number): Uint8Array {
  const iend = png.length - 12;
  const dataBytes = total - png.length - 12;
  const chunk = Buffer.alloc(12 + dataBytes);
  chunk.writeUInt32BE(dataBytes, 0);
  chunk.write('muSe', 4, 'latin1'); // ancillary, private, safe to copy
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + dataBytes)), 8 + dataBytes);
  const out = Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
  assert.equal(out.length, total);
  return new Uint8Array(out);
}

function assertLimitRefusal(result: GqlResult, what: string): void {
  assert.equal(result.status, 413, `${what}: ${JSON.stringify(result).slice(0, 300)}`);
  assert.deepEqual(Object.keys(result), ['status', 'errors'], `${what}: a GraphQL error body and nothing else`);
  assert.equal(result.errors!.length, 1, what);
  assert.deepEqual(Object.keys(result.errors![0]).sort(), ['extensions', 'message'], what);
  assert.equal(codeOf(result), 'PAYLOAD_TOO_LARGE', what);
  assert.ok(result.errors![0].message.length > 10, `${what}: the message says what is wrong`);
}

test(`a file of exactly the byte limit (${UPLOAD_LIMIT} bytes) is accepted; one byte more is 413 PAYLOAD_TOO_LARGE`, async () => {
  const png = (await image(1)).bytes;
  const exact = await gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null }, { 'variables.i': { bytes: paddedPng(png, UPLOAD_LIMIT), name: 'exact.png', type: 'image/png' } });
  assert.equal(exact.status, 200);
  assert.equal(exact.errors, undefined, JSON.stringify(exact.errors));
  assert.ok(Array.isArray(exact.data.searchMusicByImage));

  const over: UploadFile = { bytes: paddedPng(png, UPLOAD_LIMIT + 1), name: 'over.png', type: 'image/png' };
  assertLimitRefusal(await gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null }, { 'variables.i': over }), 'a query');
  const key = await server.key(['write']);
  assertLimitRefusal(await gqlUpload(server.url, INGEST, { f: null }, { 'variables.f': over }, { key }), 'a mutation');
  // decided by the multipart reader, before any resolver: the same answer without a key
  assertLimitRefusal(await gqlUpload(server.url, INGEST, { f: null }, { 'variables.f': over }), 'a mutation without a key');
});

test('every upload-limit refusal is the same answer: too many files and a file too large', async () => {
  const files = Object.fromEntries(
    await Promise.all(Array.from({ length: DEFAULT_MAX_FILES + 1 }, async (_, n) => [`variables.f${n}`, await image(10 + n)] as const)),
  );
  const vars = Object.fromEntries(Object.keys(files).map((path) => [path.slice('variables.'.length), null]));
  const query = `query(${Object.keys(vars).map((v) => `$${v}: Upload!`).join(', ')}) { ${Object.keys(vars).map((v) => `${v}: searchMusicByImage(image: $${v}, first: 1) { score }`).join(' ')} }`;
  const tooMany = await gqlUpload(server.url, query, vars, files);
  assertLimitRefusal(tooMany, 'too many files');

  const png = (await image(2)).bytes;
  const tooLarge = await gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null }, { 'variables.i': { bytes: paddedPng(png, UPLOAD_LIMIT + 4096), name: 'big.png', type: 'image/png' } });
  assertLimitRefusal(tooLarge, 'a file too large');
  // the second of two files too large: refused the same way, whichever file it is
  const second = await gqlUpload(
    server.url,
    'query($a: Upload!, $b: Upload!) { a: searchMusicByImage(image: $a, first: 1) { score } b: searchMusicByImage(image: $b, first: 1) { score } }',
    { a: null, b: null },
    { 'variables.a': await image(3), 'variables.b': { bytes: paddedPng(png, UPLOAD_LIMIT + 1), name: 'second.png', type: 'image/png' } },
  );
  assertLimitRefusal(second, 'the second file too large');
});

test('media cut short are BAD_USER_INPUT "Truncated …": MP3 cut at 25–99 %, PNG and GIF missing their last byte', async () => {
  const mp3 = fixtureFile('chirp.mp3', 'audio/mpeg');
  const whole = await gqlUpload(server.url, IMAGES_BY_AUDIO, { a: null }, { 'variables.a': mp3 });
  assert.equal(whole.errors, undefined, JSON.stringify(whole.errors));
  for (const share of [0.25, 0.5, 0.75, 0.99]) {
    const cut = { ...mp3, bytes: mp3.bytes.subarray(0, Math.floor(mp3.bytes.length * share)) };
    const r = await gqlUpload(server.url, IMAGES_BY_AUDIO, { a: null }, { 'variables.a': cut });
    assert.equal(codeOf(r), 'BAD_USER_INPUT', `MP3 cut at ${share * 100}%: ${JSON.stringify(r)}`);
    assert.match(r.errors![0].message, /Truncated MP3/);
  }
  for (const format of ['png', 'gif'] as const) {
    const picture = await image(4, format);
    const intact = await gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null }, { 'variables.i': picture });
    assert.equal(intact.errors, undefined, `${format}: ${JSON.stringify(intact.errors)}`);
    const cut = { ...picture, bytes: picture.bytes.subarray(0, picture.bytes.length - 1) };
    const r = await gqlUpload(server.url, MUSIC_BY_IMAGE, { i: null }, { 'variables.i': cut });
    assert.equal(codeOf(r), 'BAD_USER_INPUT', `${format} less its last byte: ${JSON.stringify(r)}`);
    assert.match(r.errors![0].message, new RegExp(`Truncated ${format.toUpperCase()}`));
  }
});
