// Audio too short or silent is refused with AUDIO_TOO_SHORT / AUDIO_SILENT, as a search query and
// as an asset, and changes nothing; a quiet but audible clip of the minimum length is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, gql, gqlUpload, serveTestApi, tune, wav, type UploadFile } from './harness.js';

const RATE = 16000;
const SEARCHES = [
  'query($a: Upload!) { searchMusicByAudio(audio: $a, first: 3) { score } }',
  'query($a: Upload!) { searchImagesByAudio(audio: $a, first: 3) { score } }',
];
const INGEST = 'mutation($a: Upload!) { ingestAsset(file: $a) { id durationSeconds } }';

let key: string;
const server = serveTestApi({}, async (api) => {
  key = await api.key(['write']);
  const seeded = await gqlUpload(api.url, INGEST, { a: null }, { 'variables.a': tune(1) }, { key });
  assert.equal(seeded.errors, undefined, JSON.stringify(seeded.errors));
});

function clip(name: string, samples: Float32Array): UploadFile {
  return { bytes: wav(samples, RATE), name, type: 'audio/wav' };
}

/** A 440 Hz tone of `seconds` at `amplitude`, plus optional noise. */
function tone(seconds: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / RATE));
}

async function assetCount(): Promise<number> {
  return (await gql(server.url, '{ stats { audio } }')).data.stats.audio;
}

async function refused(file: UploadFile, code: string, message: RegExp) {
  for (const q of SEARCHES) {
    const r = await gqlUpload(server.url, q, { a: null }, { 'variables.a': file });
    assert.equal(codeOf(r), code, `${file.name}: ${JSON.stringify(r)}`);
    assert.match(r.errors![0].message, message);
  }
  const before = await assetCount();
  const ingest = await gqlUpload(server.url, INGEST, { a: null }, { 'variables.a': file }, { key });
  assert.equal(codeOf(ingest), code, `${file.name}: ${JSON.stringify(ingest)}`);
  assert.equal(await assetCount(), before);
}

test('a 0.05 s clip is AUDIO_TOO_SHORT (the minimum is 0.5 s)', async () => {
  await refused(clip('blip.wav', tone(0.05, 0.5)), 'AUDIO_TOO_SHORT', /0\.05 s .*at least 0\.5 s/);
  await refused(clip('almost.wav', tone(0.45, 0.5)), 'AUDIO_TOO_SHORT', /at least 0\.5 s/);
});

test('digital silence and near-silence below -60 dBFS are AUDIO_SILENT', async () => {
  await refused(clip('silence.wav', new Float32Array(2 * RATE)), 'AUDIO_SILENT', /silent/);
  // amplitude 0.0005 → RMS about -69 dBFS (PCM16 keeps it: 16 steps)
  await refused(clip('hiss.wav', tone(2, 0.0005)), 'AUDIO_SILENT', /-6\d(\.\d)? dBFS, below the -60 dBFS threshold/);
});

test('a quiet but audible clip of exactly the minimum length is accepted', async () => {
  const quiet = clip('quiet.wav', tone(0.5, 0.01)); // RMS about -43 dBFS
  for (const q of SEARCHES) {
    const r = await gqlUpload(server.url, q, { a: null }, { 'variables.a': quiet });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  }
  const r = await gqlUpload(server.url, INGEST, { a: null }, { 'variables.a': quiet }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.ingestAsset.durationSeconds, 0.5);
});
