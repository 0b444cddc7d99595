import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AssetRepository } from '../repositories/asset.repository.js';
import type { EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { JobRepository } from '../repositories/job.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import type { VectorIndexRepository } from '../repositories/vector-index.repository.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { AudioSilentException } from '../errors/app.exception.js';
import { errorCodeOf } from '../errors/error-code.util.js';
import type { EmbedService } from './embed.service.js';
import { IngestService } from './ingest.service.js';
import { JobService } from './job.service.js';
import { INGEST_ASSET_JOB, UploadIngestService } from './upload-ingest.service.js';
import { FakeAssetRepository, FakeEmbedService, FakeEmbeddingRepository, FakeLibraryRepository, FakeMediaStore, FakeVectorIndex, bytesOf, unit } from './testing/fakes.js';
import { FakeJobRepository, recordingLogger, until } from './testing/jobs.js';
import { World } from './testing/world.js';

/** A shared queue's stand-in: dispatch runs the job in this process, unless held (no free worker) or down (Redis gone). */
class FakeQueue implements JobRunner {
  readonly kind = 'bullmq' as const;
  held: string[] | null = null;
  down = false;
  private execute: ((id: string) => Promise<void>) | null = null;

  async start(execute: (id: string) => Promise<void>): Promise<void> {
    this.execute = execute;
  }

  async dispatch(id: string): Promise<void> {
    if (this.down) throw new Error('Connection is closed.');
    if (this.held) this.held.push(id);
    else void this.execute!(id);
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const id of held) void this.execute!(id);
  }

  async close(): Promise<void> {}
}

const WAIT_MS = 300;

async function setup(queued = true) {
  const world = new World();
  const assets = new FakeAssetRepository(world);
  const media = new FakeMediaStore();
  const embed = new FakeEmbedService();
  const index = new FakeVectorIndex();
  const { logger } = recordingLogger();
  const ingest = new IngestService(
    assets as unknown as AssetRepository,
    new FakeEmbeddingRepository(world) as unknown as EmbeddingRepository,
    new FakeLibraryRepository(world) as unknown as LibraryRepository,
    media as unknown as MediaStore,
    embed as unknown as EmbedService,
    index as unknown as VectorIndexRepository,
    logger,
  );
  const jobRows = new FakeJobRepository();
  const queue = new FakeQueue();
  const jobs = new JobService(jobRows as unknown as JobRepository, queue, logger, { leaseMs: 60_000, exclusiveDatabase: false });
  const uploads = new UploadIngestService(ingest, jobs, jobRows as unknown as JobRepository, assets as unknown as AssetRepository, { queued, waitMs: WAIT_MS });
  await jobs.start();
  const song = embed.define('song bytes', 'AUDIO', unit(0, 3, 4));
  return { world, media, embed, index, ingest, jobRows, queue, jobs, uploads, song };
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const ingestJobs = (rows: FakeJobRepository) => [...rows.jobs.values()].filter((j) => j.type === INGEST_ASSET_JOB);
const code = (expected: string) => (err: unknown) => {
  assert.equal(errorCodeOf(err), expected, String(err));
  return true;
};

test('without a job queue the upload is embedded in this process: no job', async () => {
  const s = await setup(false);
  const { asset, created } = await s.uploads.upload(s.song, { source: 'UPLOAD' });
  assert.equal(created, true);
  assert.equal(asset.kind, 'AUDIO');
  assert.equal(s.jobRows.jobs.size, 0);
  assert.equal(s.index.size('AUDIO'), 1);
  await s.jobs.close();
});

test('with a job queue: the file is stored first, an INGEST_ASSET job embeds it, and the answer is the asset, in this index too', async () => {
  const s = await setup();
  const { asset, created } = await s.uploads.upload(s.song, { source: 'UPLOAD', title: 'A song', tags: ['Piano', 'piano'] }, 'key-1');
  assert.equal(created, true);
  assert.deepEqual([asset.title, asset.tags.map((t) => t.tag.name)], ['A song', ['piano']]);
  const [job] = ingestJobs(s.jobRows);
  assert.deepEqual([job.status, job.apiKeyId, job.attempts], ['SUCCEEDED', 'key-1', 1]);
  assert.deepEqual(job.result, { assetId: asset.id, created: true });
  const input = job.input as { sha256: string; ext: string; bytes: number; tags: { name: string }[] };
  assert.deepEqual([input.sha256, input.ext, input.bytes, input.tags.map((t) => t.name)], [sha(s.song), 'wav', s.song.length, ['piano']]);
  assert.deepEqual([...s.media.files], [`${sha(s.song)}.wav`]);
  assert.equal(s.index.size('AUDIO'), 1);

  // the same bytes again merge into the asset at once: no second job
  const again = await s.uploads.upload(s.song, { source: 'UPLOAD', tags: ['calm'] });
  assert.deepEqual([again.asset.id, again.created], [asset.id, false]);
  assert.deepEqual(again.asset.tags.map((t) => t.tag.name).sort(), ['calm', 'piano']);
  assert.equal(ingestJobs(s.jobRows).length, 1);
  await s.jobs.close();
});

test("a refusal on the worker reaches the caller with its code and the job's id; the job records the code; the staged file is removed", async () => {
  const s = await setup();
  const quiet = s.embed.refuse('quiet bytes', 'AUDIO', new AudioSilentException('the audio is silent'));
  await assert.rejects(s.uploads.upload(quiet, { source: 'UPLOAD' }), code('AUDIO_SILENT'));
  const [job] = ingestJobs(s.jobRows);
  assert.equal(job.status, 'FAILED');
  assert.deepEqual(job.result, { errorCode: 'AUDIO_SILENT' });
  await assert.rejects(s.uploads.upload(quiet, { source: 'UPLOAD' }), (err: unknown) => (err as { details?: { jobId?: string } }).details?.jobId !== undefined);
  assert.deepEqual([...s.media.files], []);
  assert.equal(s.world.assets.size, 0);
  await s.jobs.close();
});

test('bytes of no known format are refused before a file or a job exists', async () => {
  const s = await setup();
  await assert.rejects(s.uploads.upload(bytesOf('not media'), { source: 'UPLOAD' }), code('UNSUPPORTED_MEDIA'));
  assert.deepEqual([s.media.calls, s.jobRows.jobs.size], [[], 0]);
  await s.jobs.close();
});

test('a failed job keeps the file while another unfinished ingest of the same bytes needs it', async () => {
  const s = await setup();
  const quiet = s.embed.refuse('quiet bytes', 'AUDIO', new AudioSilentException('the audio is silent'));
  // another upload of the same bytes, queued and not run yet
  await s.jobRows.create(INGEST_ASSET_JOB, { sha256: sha(quiet), ext: 'wav' });
  await assert.rejects(s.uploads.upload(quiet, { source: 'UPLOAD' }), code('AUDIO_SILENT'));
  assert.deepEqual([...s.media.files], [`${sha(quiet)}.wav`]);
  await s.jobs.close();
});

test('no worker within the wait: SERVICE_UNAVAILABLE with the job id; the job goes on, and the same upload again gives its asset', async () => {
  const s = await setup();
  s.queue.held = [];
  const start = performance.now();
  let jobId = '';
  await assert.rejects(s.uploads.upload(s.song, { source: 'UPLOAD' }), (err: unknown) => {
    assert.equal(errorCodeOf(err), 'SERVICE_UNAVAILABLE');
    jobId = String((err as { details?: { jobId?: string } }).details?.jobId);
    return true;
  });
  assert.ok(performance.now() - start >= WAIT_MS - 5);
  assert.equal(s.jobRows.jobs.get(jobId)?.status, 'QUEUED');
  assert.deepEqual([...s.media.files], [`${sha(s.song)}.wav`], 'the staged file waits for the job');
  s.queue.release();
  await until(() => s.jobRows.jobs.get(jobId)?.status === 'SUCCEEDED', 'the job to finish');
  const { asset, created } = await s.uploads.upload(s.song, { source: 'UPLOAD' });
  assert.deepEqual([asset.id, created], [(s.jobRows.jobs.get(jobId)!.result as { assetId: string }).assetId, false]);
  await s.jobs.close();
});

test('a queue that cannot take the job: SERVICE_UNAVAILABLE at once, the job FAILED, the staged file removed', async () => {
  const s = await setup();
  s.queue.down = true;
  await assert.rejects(s.uploads.upload(s.song, { source: 'UPLOAD' }), code('SERVICE_UNAVAILABLE'));
  assert.deepEqual(ingestJobs(s.jobRows).map((j) => j.status), ['FAILED']);
  assert.deepEqual([...s.media.files], []);
  await s.jobs.close();
});

test('a staged upload finished twice (its first run died after the commit) makes one asset', async () => {
  const s = await setup();
  const staging = await s.ingest.stage(s.song, { source: 'UPLOAD', tags: ['piano'] });
  assert.ok('staged' in staging);
  const first = await s.ingest.finishStaged(staging.staged);
  const second = await s.ingest.finishStaged(staging.staged);
  assert.deepEqual([first.created, second.created, second.asset.id], [true, false, first.asset.id]);
  assert.equal(s.world.assets.size, 1);
  await s.jobs.close();
});

test('a staged run whose signal aborted before the rows writes nothing', async () => {
  const s = await setup();
  const staging = await s.ingest.stage(s.song, { source: 'UPLOAD' });
  assert.ok('staged' in staging);
  const controller = new AbortController();
  controller.abort(new Error('lease lost'));
  await assert.rejects(s.ingest.finishStaged(staging.staged, controller.signal), /lease lost/);
  assert.deepEqual([s.world.assets.size, s.index.size('AUDIO')], [0, 0]);
  await s.jobs.close();
});
