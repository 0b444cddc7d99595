// generateMusic over HTTP (issue 20, item 5) on the embedded defaults, with the untrained tiny Imagic bundle that
// `.ci/run` exports (data/imagic/bundles/imagic-untrained): uploads and stored sources, MIDI and audio prompts, a
// guide track, the result as a searchable GENERATED asset with its generation record and MIDI, determinism,
// cancellation (queued and running) leaving nothing behind, the limits and the refusals with their codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeOf, gql, gqlUpload, image, REPO_ROOT, removeDir, serveTestApi, startTestApi, tempDir, tune, type UploadFile } from './harness.js';

export const IMAGIC_TEST_BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(REPO_ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(IMAGIC_TEST_BUNDLE, 'manifest.json')) ? false
  : `no Imagic bundle at ${IMAGIC_TEST_BUNDLE}: run \`.ci/run\` (or training/imagic/export.py --untrained --config tiny --out …), or set IMAGIC_TEST_BUNDLE`;

const ENV = {
  MUSE_IMAGIC_BUNDLE: IMAGIC_TEST_BUNDLE,
  MUSE_GENERATE_MIN_SECONDS: '1',
  MUSE_GENERATE_MAX_SECONDS: '60',
  MUSE_GENERATE_MAX_COUNT: '3',
  MUSE_GENERATE_MAX_ACTIVE_PER_KEY: '2',
  MUSE_GENERATE_MAX_QUEUE: '3',
  MUSE_MAX_FILES: '3',
};

const JOB_FIELDS = 'id type status progress message error result attempts';
const GENERATE = `mutation($input: GenerateMusicInput!) { generateMusic(input: $input) { ${JOB_FIELDS} } }`;
const ASSET = `query($id: ID!) { asset(id: $id) { id kind source title url mime durationSeconds sampleRate
  generation { engine bundle encoder seed parameters midiUrl createdAt sources { role asset { id kind source } } } } }`;

let writeKey = '';
let otherKey = '';
let readKey = '';
let imageAssetId = '';
let audioAssetId = '';
const server = serveTestApi(ENV, async (s) => {
  if (skip) return;
  writeKey = await s.key(['read', 'write']);
  otherKey = await s.key(['read', 'write']);
  readKey = await s.key(['read']);
  const img = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "sunset") { id } }', { f: null }, { 'variables.f': await image(7) }, { key: writeKey });
  assert.equal(img.errors, undefined, JSON.stringify(img.errors));
  imageAssetId = img.data.ingestAsset.id;
  const aud = await gqlUpload(s.url, 'mutation($f: Upload!) { ingestAsset(file: $f, title: "theme") { id } }', { f: null }, { 'variables.f': tune(3, 4) }, { key: writeKey });
  assert.equal(aud.errors, undefined, JSON.stringify(aud.errors));
  audioAssetId = aud.data.ingestAsset.id;
});

/** generateMusic with uploads at input.<name> (multipart) or none (JSON). */
async function generate(input: Record<string, unknown>, files: Record<string, UploadFile> = {}, key = writeKey) {
  const uploads = Object.fromEntries(Object.entries(files).map(([name, file]) => [`variables.input.${name}`, file]));
  const variables = { input: { ...input, ...Object.fromEntries(Object.keys(files).map((name) => [name, null])) } };
  return Object.keys(files).length ? gqlUpload(server.url, GENERATE, variables, uploads, { key }) : gql(server.url, GENERATE, variables, { key });
}

async function started(input: Record<string, unknown>, files: Record<string, UploadFile> = {}, key = writeKey) {
  const r = await generate(input, files, key);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.generateMusic;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

async function waitForJob(id: string, until: (job: any) => boolean = (job) => TERMINAL.has(job.status), timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await gql(server.url, `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id });
    const job = r.data?.job;
    if (job && until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not get there: ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function succeeded(id: string): Promise<string[]> {
  const job = await waitForJob(id);
  assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
  assert.equal(job.progress, 1);
  return job.result.assetIds;
}

async function assetOf(id: string): Promise<any> {
  const r = await gql(server.url, ASSET, { id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.asset;
}

async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return new Uint8Array(await res.arrayBuffer());
}

const ascii = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');

/** What a refused request must leave as it found it: rows and media files. */
async function snapshot() {
  const prisma = server.api.core.db.prisma;
  const mediaDir = join(server.dataDir, 'media');
  const files = existsSync(mediaDir) ? readdirSync(mediaDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort() : [];
  return { assets: await prisma.asset.count(), generations: await prisma.generation.count(), jobs: await prisma.job.count(), files };
}

test('generateMusic from an uploaded image: a GENERATED audio asset with its generation record and MIDI, searchable by its own audio', { skip }, async () => {
  const before = performance.now();
  const job = await started({ seconds: 10, seed: 42, title: 'sunset theme' }, { image: await image(11) });
  assert.deepEqual([job.type, job.status], ['GENERATE_MUSIC', 'QUEUED']);
  const [id] = await succeeded(job.id);
  const wallMs = performance.now() - before;
  const asset = await assetOf(id);
  assert.deepEqual([asset.kind, asset.source, asset.title, asset.mime], ['AUDIO', 'GENERATED', 'sunset theme', 'audio/wav']);
  assert.equal(asset.sampleRate, 44100);
  assert.ok(asset.durationSeconds >= 10, `${asset.durationSeconds} s`);
  const g = asset.generation;
  assert.deepEqual([g.engine, g.bundle, g.encoder, g.seed], ['imagic', 'imagic-untrained@1', 'muvis-small@1', 42]);
  assert.deepEqual([g.parameters.seconds, g.parameters.count, g.parameters.variation, g.parameters.baseSeed, g.parameters.loop], [10, 1, 0, 42, false]);
  assert.deepEqual([g.parameters.temperature, g.parameters.topP, g.parameters.guidanceScale], [1, 0.95, 3], 'the engine defaults are recorded');
  assert.equal(g.sources.length, 1);
  assert.deepEqual([g.sources[0].role, g.sources[0].asset.kind, g.sources[0].asset.source], ['IMAGE', 'IMAGE', 'UPLOAD'], 'the uploaded image is kept as an asset');
  const midi = await download(g.midiUrl);
  assert.equal(ascii(midi, 0, 4), 'MThd');
  const wav = await download(asset.url);
  assert.deepEqual([ascii(wav, 0, 4), ascii(wav, 8, 12)], ['RIFF', 'WAVE']);

  const byAudio = await gqlUpload(server.url, 'query($a: Upload!) { searchMusicByAudio(audio: $a, first: 3) { score asset { id source } } }', { a: null },
    { 'variables.a': { bytes: wav, name: 'piece.wav', type: 'audio/wav' } });
  assert.equal(byAudio.errors, undefined, JSON.stringify(byAudio.errors));
  assert.equal(byAudio.data.searchMusicByAudio[0].asset.id, id, 'its own audio finds it first: embedded and indexed');
  const listed = await gql(server.url, '{ assets(filter: { sources: [GENERATED] }) { totalCount edges { node { id } } } }');
  assert.ok(listed.data.assets.edges.some((e: any) => e.node.id === id));
  console.log(`# generateMusic, 10 s from an upload, end to end over HTTP: ${(wallMs / 1000).toFixed(2)} s wall`);
});
