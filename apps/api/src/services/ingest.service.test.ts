import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { AssetRepository } from '../repositories/asset.repository.js';
import type { EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import type { VectorIndexRepository } from '../repositories/vector-index.repository.js';
import { decodeVector } from '../repositories/vector-codec.util.js';
import type { EmbedService } from './embed.service.js';
import { IngestService } from './ingest.service.js';
import {
  FakeAssetRepository,
  FakeEmbedService,
  FakeEmbeddingRepository,
  FakeLibraryRepository,
  FakeMediaStore,
  FakeVectorIndex,
  unit,
} from './testing/fakes.js';
import { recordingLogger } from './testing/jobs.js';
import { BUNDLE, OLD_BUNDLE, World, seedAsset } from './testing/world.js';

function setup() {
  const world = new World();
  const assets = new FakeAssetRepository(world);
  const embeddings = new FakeEmbeddingRepository(world);
  const libraries = new FakeLibraryRepository(world);
  const media = new FakeMediaStore();
  const embed = new FakeEmbedService();
  const index = new FakeVectorIndex();
  const { logger, entries } = recordingLogger();
  const service = new IngestService(
    assets as unknown as AssetRepository,
    embeddings as unknown as EmbeddingRepository,
    libraries as unknown as LibraryRepository,
    media as unknown as MediaStore,
    embed as unknown as EmbedService,
    index as unknown as VectorIndexRepository,
    logger,
  );
  const photo = embed.define('photo bytes', 'IMAGE', unit(1, 2, 2));
  const song = embed.define('song bytes', 'AUDIO', unit(0, 3, 4));
  return { world, assets, embeddings, libraries, media, embed, index, logger: entries, service, photo, song };
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const code = (expected: string) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, expected, String(err));
  return true;
};

test('new bytes become one asset with its media facts, normalised tags, library link, embedding, file and index entry', async () => {
  const s = setup();
  const library = s.world.addLibrary('mine');
  const { asset, created } = await s.service.ingest(s.song, {
    source: 'UPLOAD',
    title: 'A song',
    tags: ['Low Quality', 'low_quality', 'Piano'],
    libraryId: library.id,
    pairKey: 'immute:7',
  });
  assert.equal(created, true);
  assert.equal(asset.sha256, sha(s.song));
  assert.deepEqual(
    { kind: asset.kind, mime: asset.mime, ext: asset.ext, bytes: asset.bytes, durationSeconds: asset.durationSeconds, width: asset.width },
    { kind: 'AUDIO', mime: 'audio/wav', ext: 'wav', bytes: s.song.byteLength, durationSeconds: 5, width: null },
  );
  assert.deepEqual([asset.title, asset.source, asset.pairKey], ['A song', 'UPLOAD', 'immute:7']);
  assert.deepEqual(s.world.tagsOf(asset.id), ['low-quality:USER', 'piano:USER']);
  assert.deepEqual(s.world.libraries.get(library.id)!.assetIds, [asset.id]);
  const [embedding] = [...s.world.embeddings.values()];
  assert.deepEqual(
    { assetId: embedding.assetId, bundle: embedding.bundle, bundleVersion: embedding.bundleVersion, modality: embedding.modality },
    { assetId: asset.id, ...BUNDLE, modality: 'AUDIO' },
  );
  assert.deepEqual([...decodeVector(embedding.vector)], [...unit(0, 3, 4)]);
  assert.deepEqual([...s.media.files], [`${sha(s.song)}.wav`]);
  assert.deepEqual([...s.index.vectors.get('AUDIO')!.keys()], [embedding.label]);
  assert.deepEqual(s.embed.uploads, [{ text: 'song bytes' }], 'ingest accepts either kind');
});

test('tagOrigin is applied to the given tags (CORPUS from the corpus importer)', async () => {
  const s = setup();
  const { asset } = await s.service.ingest(s.photo, { source: 'CORPUS', tags: ['calm'], tagOrigin: 'CORPUS' });
  assert.deepEqual(s.world.tagsOf(asset.id), ['calm:CORPUS']);
});

test('the same bytes twice are one asset: tags and library merged, created false, no second embedding or file', async () => {
  const s = setup();
  const first = await s.service.ingest(s.photo, { source: 'UPLOAD', tags: ['sunset'] });
  const library = s.world.addLibrary('later');
  const again = await s.service.ingest(s.photo, { source: 'UPLOAD', tags: ['Beach', 'sunset'], libraryId: library.id });
  assert.equal(again.created, false);
  assert.equal(again.asset.id, first.asset.id);
  assert.deepEqual(
    again.asset.tags.map((t) => t.tag.name).sort(),
    ['beach', 'sunset'],
    'the returned row is re-read and carries the merged tags',
  );
  assert.equal(s.world.assets.size, 1);
  assert.equal(s.world.embeddings.size, 1);
  assert.deepEqual(s.world.libraries.get(library.id)!.assetIds, [first.asset.id]);
  assert.equal(s.embed.uploads.length, 1, 'no second decode/embedding');
  assert.deepEqual(s.media.calls, ['put']);
  assert.equal(s.index.size('IMAGE'), 1);
});

test('the same bytes again with no tags and no library write nothing', async () => {
  const s = setup();
  await s.service.ingest(s.photo, { source: 'UPLOAD' });
  s.assets.calls.length = 0;
  const again = await s.service.ingest(s.photo, { source: 'UPLOAD' });
  assert.equal(again.created, false);
  assert.deepEqual(s.assets.calls, ['findBySha256', 'findById']);
  assert.deepEqual(s.libraries.calls, []);
});

test('an unknown libraryId is NOT_FOUND before any work, even for bytes already stored', async () => {
  const s = setup();
  const stored = await s.service.ingest(s.photo, { source: 'UPLOAD' });
  s.assets.calls.length = 0;
  for (const bytes of [s.photo, s.song]) {
    await assert.rejects(s.service.ingest(bytes, { source: 'UPLOAD', tags: ['x'], libraryId: randomUUID() }), code('NOT_FOUND'));
  }
  assert.deepEqual(s.assets.calls, [], 'no sha256 lookup, no insert, no tags merged');
  assert.deepEqual(s.world.tagsOf(stored.asset.id), []);
  assert.equal(s.embed.uploads.length, 1);
  assert.deepEqual(s.media.calls, ['put']);
});

test('a tag with no letters or digits is BAD_USER_INPUT before any work', async () => {
  const s = setup();
  await assert.rejects(s.service.ingest(s.photo, { source: 'UPLOAD', tags: ['ok', '--'] }), code('BAD_USER_INPUT'));
  assert.deepEqual([s.assets.calls, s.embed.uploads.length, s.media.calls], [[], 0, []]);
});

test('a failure adding to the index rolls back the row (with its embedding and tags) and the media file', async () => {
  const s = setup();
  const library = s.world.addLibrary('l');
  s.index.failAdd = new Error('index is full');
  await assert.rejects(s.service.ingest(s.photo, { source: 'UPLOAD', tags: ['t'], libraryId: library.id }), /index is full/);
  assert.deepEqual([s.world.assets.size, s.world.embeddings.size, s.world.tags.length], [0, 0, 0]);
  assert.deepEqual(s.world.libraries.get(library.id)!.assetIds, []);
  assert.deepEqual([...s.media.files], []);
  assert.deepEqual(s.media.calls, ['put', 'remove']);

  // and the same bytes ingest cleanly afterwards
  s.index.failAdd = undefined;
  const retry = await s.service.ingest(s.photo, { source: 'UPLOAD' });
  assert.equal(retry.created, true);
  assert.equal(s.media.files.size, 1);
});

test('a failure adding to the index leaves alone a file that another request created', async () => {
  const s = setup();
  await s.media.put(sha(s.photo), 'png', s.photo); // already there: this request's put creates nothing
  s.index.failAdd = new Error('index is full');
  await assert.rejects(s.service.ingest(s.photo, { source: 'UPLOAD' }), /index is full/);
  assert.equal(s.world.assets.size, 0, 'the row is still rolled back');
  assert.deepEqual([...s.media.files], [`${sha(s.photo)}.png`]);
  assert.ok(!s.media.calls.includes('remove'));
});

test('a failed insert removes the file this request created, and only that one, and adds nothing to the index', async () => {
  const s = setup();
  s.assets.failCreate = new Error('connection lost');
  await assert.rejects(s.service.ingest(s.photo, { source: 'UPLOAD' }), /connection lost/);
  assert.deepEqual([...s.media.files], []);
  assert.equal(s.index.size('IMAGE'), 0);

  await s.media.put(sha(s.song), 'wav', s.song);
  await assert.rejects(s.service.ingest(s.song, { source: 'UPLOAD' }), /connection lost/);
  assert.deepEqual([...s.media.files], [`${sha(s.song)}.wav`]);
});

test('an insert that loses a race to the same sha256 returns the other asset, merges into it and keeps the file', async () => {
  const s = setup();
  const library = s.world.addLibrary('l');
  let winner = '';
  s.assets.beforeCreate = () => {
    // another request stored the same bytes between our sha256 lookup and our insert
    winner = seedAsset(s.world, s.index, { kind: 'IMAGE', vector: unit(1, 2, 2), sha256: sha(s.photo), tags: ['theirs'] }).id;
    s.assets.beforeCreate = undefined;
  };
  const result = await s.service.ingest(s.photo, { source: 'UPLOAD', tags: ['ours'], libraryId: library.id });
  assert.equal(result.created, false);
  assert.equal(result.asset.id, winner);
  assert.deepEqual(s.world.tagsOf(winner), ['ours:USER', 'theirs:CORPUS']);
  assert.deepEqual(s.world.libraries.get(library.id)!.assetIds, [winner]);
  assert.equal(s.world.assets.size, 1);
  assert.equal(s.index.size('IMAGE'), 1, 'only the winner\'s vector');
  assert.deepEqual([...s.media.files], [`${sha(s.photo)}.png`], 'the file the loser wrote is the winner\'s file now');
  assert.ok(!s.media.calls.includes('remove'));
});

test('backfill embeds stored assets that lack a vector for the bundle in use, from their files, into rows and the index', async () => {
  const s = setup();
  const old = seedAsset(s.world, s.index, { kind: 'AUDIO', vector: unit(1, 0, 0), key: OLD_BUNDLE, sha256: sha(s.song) });
  const current = seedAsset(s.world, s.index, { kind: 'IMAGE', vector: unit(0, 1, 0) });
  await s.media.put(sha(s.song), 'wav', s.song);
  const read: string[] = [];
  const done = await s.service.backfillEmbeddings(async (path) => {
    read.push(path);
    return s.song;
  });
  assert.equal(done, 1);
  assert.deepEqual(read, [`/media/${sha(s.song)}.wav`]);
  assert.deepEqual(s.embed.stored, [{ text: 'song bytes', width: null, height: null, durationSeconds: 5 }], 're-embedded as a stored file');
  assert.equal(s.embed.uploads.length, 0, 'not through the upload checks');
  const fresh = [...s.world.embeddings.values()].filter((e) => e.assetId === old.id && e.bundleVersion === BUNDLE.bundleVersion);
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0].modality, 'AUDIO');
  assert.deepEqual([...s.index.vectors.get('AUDIO')!.get(fresh[0].label)!], [...unit(0, 3, 4)]);
  assert.ok(![...s.world.embeddings.values()].some((e) => e.assetId === current.id && e.label !== current.label), 'embedded assets are left alone');
  assert.equal(await s.service.backfillEmbeddings(async () => s.song), 0, 'nothing left the second time');
});

test('backfill skips assets whose file is missing and keeps going after one fails to embed', async () => {
  const s = setup();
  const broken = s.embed.define('broken bytes', 'IMAGE', unit(1, 0, 0));
  s.embed.failStored.add('broken bytes');
  const files = new Map<string, Uint8Array>();
  const seed = async (bytes: Uint8Array | null, kind: 'IMAGE' | 'AUDIO') => {
    const id = seedAsset(s.world, null, { kind, sha256: randomUUID() }).id;
    const row = s.world.assets.get(id)!;
    if (bytes) {
      await s.media.put(row.sha256, row.ext, bytes);
      files.set(`/media/${row.sha256}.${row.ext}`, bytes);
    }
    return id;
  };
  const missing = await seed(null, 'IMAGE');
  const failing = await seed(broken, 'IMAGE'); // before the good ones, so they come after a failure
  const ok1 = await seed(s.photo, 'IMAGE');
  const ok2 = await seed(s.song, 'AUDIO');
  const done = await s.service.backfillEmbeddings(async (path) => files.get(path)!);
  assert.equal(done, 2);
  const embedded = new Set([...s.world.embeddings.values()].map((e) => e.assetId));
  assert.deepEqual([missing, failing, ok1, ok2].map((id) => embedded.has(id)), [false, false, true, true]);
  assert.deepEqual([s.index.size('IMAGE'), s.index.size('AUDIO')], [1, 1]);
  const warned = s.logger.filter((e) => e.level === 'warn');
  assert.deepEqual(warned.map((e) => e.obj.assetId), [failing]);
});

test('backfill reaches past a full batch of assets it cannot embed (it asks for 200 more than have failed)', async () => {
  const s = setup();
  for (let i = 0; i < 200; i++) seedAsset(s.world, null, { kind: 'IMAGE' }); // no media files
  const last = seedAsset(s.world, null, { kind: 'AUDIO', sha256: sha(s.song) }).id;
  await s.media.put(sha(s.song), 'wav', s.song);
  const done = await s.service.backfillEmbeddings(async () => s.song);
  assert.equal(done, 1);
  assert.ok([...s.world.embeddings.values()].some((e) => e.assetId === last));
  assert.deepEqual(s.embeddings.takes, [200, 400, 400]);
});
