import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { ENGINE_MIN_SECONDS, LIMITS } from '@muse/generation';
import { ENGINE_BOUNDS, loadConfig } from '../config/config.js';
import type { AssetRepository, AssetRow, NewGeneration } from '../repositories/asset.repository.js';
import type { GenerationRepository } from '../repositories/generation.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import type { GeneratedPiece, MusicGenerator, PieceProgress, PieceRequest } from '../repositories/music-generator.repository.js';
import { AudioSilentException, BadUserInputException } from '../errors/app.exception.js';
import type { AssetService } from './asset.service.js';
import type { IngestOptions, IngestService } from './ingest.service.js';
import type { JobHandler, JobService } from './job.service.js';
import { GENERATE_MUSIC_JOB, GenerationService, type GenerateMusicJobInput } from './generation.service.js';
import { recordingLogger } from './testing/jobs.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);
const KEY = randomUUID();

/** Assets, their generation records and media files in memory; ingest, delete and the job store over them. */
class Store {
  readonly assets = new Map<string, AssetRow & { generation?: NewGeneration }>();
  readonly files = new Map<string, Uint8Array>();
  readonly enqueued: unknown[] = [];
  handler?: JobHandler;
  /** ingest fails at this call (1-based), as a database error would */
  failIngestAt = 0;
  ingests = 0;

  add(kind: 'IMAGE' | 'AUDIO', bytes: Uint8Array, extra: Partial<AssetRow> = {}): AssetRow {
    const row = { id: randomUUID(), kind, source: 'UPLOAD', sha256: sha(bytes), ext: kind === 'IMAGE' ? 'png' : 'wav', title: null, durationSeconds: kind === 'AUDIO' ? 4 : null, ...extra } as AssetRow;
    this.assets.set(row.id, row);
    this.files.set(`${row.sha256}.${row.ext}`, bytes);
    return row;
  }

  service(generator: MusicGenerator, limits = loadConfig({}).generation) {
    const store = this;
    const assets = { findById: async (id: string) => store.assets.get(id) ?? null } as unknown as AssetRepository;
    const generations = { midiOf: async (id: string) => store.assets.get(id)?.generation?.midiSha256 ?? null } as unknown as GenerationRepository;
    const libraries = { findById: async () => null } as unknown as LibraryRepository;
    const media = {
      put: async (s: string, ext: string, bytes: Uint8Array) => (store.files.has(`${s}.${ext}`) ? false : (store.files.set(`${s}.${ext}`, bytes), true)),
      read: async (s: string, ext: string) => store.files.get(`${s}.${ext}`) ?? null,
      remove: async (s: string, ext: string) => void store.files.delete(`${s}.${ext}`),
      locate: async (s: string, ext: string) => (store.files.has(`${s}.${ext}`) ? `/media/${s}.${ext}` : null),
    } as unknown as MediaStore;
    const ingest = {
      ingest: async (bytes: Uint8Array, opts: IngestOptions) => {
        if (++store.ingests === store.failIngestAt) throw new Error('the database went away');
        if (new TextDecoder().decode(bytes).startsWith('silent')) throw new AudioSilentException('the audio is silent (digital silence, below the -60 dBFS threshold)');
        const existing = [...store.assets.values()].find((a) => a.sha256 === sha(bytes));
        if (existing) return { asset: existing, created: false };
        const row = store.add(opts.expect ?? 'AUDIO', bytes, { source: opts.source, title: opts.title ?? null });
        if (opts.generation) Object.assign(row, { generation: opts.generation });
        return { asset: row, created: true };
      },
    } as unknown as IngestService;
    const assetService = {
      delete: async (id: string) => {
        const row = store.assets.get(id)!;
        store.assets.delete(id);
        store.files.delete(`${row.sha256}.${row.ext}`);
        const midi = row.generation?.midiSha256;
        if (midi && ![...store.assets.values()].some((a) => a.generation?.midiSha256 === midi)) store.files.delete(`${midi}.mid`);
        return true;
      },
    } as unknown as AssetService;
    const jobs = {
      register: (_type: string, handler: JobHandler) => (store.handler = handler),
      checkAdmission: async () => undefined,
      enqueue: async (_type: string, input: unknown) => (store.enqueued.push(input), { id: randomUUID(), status: 'QUEUED' }),
    } as unknown as JobService;
    return new GenerationService({ assets, generations, libraries, media, ingest, assetService, jobs, generator, limits, logger: recordingLogger().logger });
  }
}

/** A generator without a model: each piece's MIDI names its seed; `silentSeeds` render to silence. */
class FakeGenerator implements MusicGenerator {
  readonly calls: string[] = [];
  silentSeeds = new Set<number>();
  /** run between bars of the first variation (e.g. a cancel arriving) */
  duringGeneration?: () => void;

  async identity() {
    return { engine: 'imagic' as const, bundle: 'fake@1', encoder: 'muvis-fake@1', defaults: { temperature: 1, topP: 0.95, guidanceScale: 3 } };
  }
  async checkRequest() {}
  async checkMidiPrompt() {
    return { bars: 2, bpm: 120, meter: '4/4' };
  }
  async condition() {
    this.calls.push('condition');
    return new Float32Array(4);
  }
  async transcribe(_audio: Uint8Array, onProgress: (f: number) => void) {
    this.calls.push('transcribe');
    onProgress(0.5);
    onProgress(1);
    return text('MThd transcribed');
  }
  async generate(request: PieceRequest, hooks: { onProgress(p: PieceProgress): void; signal: AbortSignal }): Promise<GeneratedPiece[]> {
    this.calls.push(`generate ${request.seconds} s × ${request.count}${request.promptMidi ? ` after ${new TextDecoder().decode(request.promptMidi)}` : ''}`);
    const pieces: GeneratedPiece[] = [];
    for (let v = 0; v < request.count; v++) {
      for (let bar = 1; bar <= 4; bar++) {
        hooks.signal.throwIfAborted();
        hooks.onProgress({ variation: v, count: request.count, bars: bar, seconds: bar * 2, targetSeconds: 8 });
        if (v === 0 && bar === 2) this.duringGeneration?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const seed = request.seed + v;
      pieces.push({ seed, midi: text(`MThd piece ${seed}`), bars: 4, seconds: 8, promptSeconds: 0, tokens: 40, loop: request.loop, decodeMs: 1 });
    }
    return pieces;
  }
  async render(midi: Uint8Array) {
    const seed = Number(new TextDecoder().decode(midi).split(' ').pop());
    return { wav: text(`${this.silentSeeds.has(seed) ? 'silent' : 'RIFF'} wav ${seed}`), seconds: 8 };
  }
  async close() {}
}

function jobInput(image: AssetRow, extra: Partial<GenerateMusicJobInput> = {}): GenerateMusicJobInput {
  return { imageAssetId: image.id, seconds: 8, count: 2, seed: 10, controls: {}, loop: false, ...extra };
}

/** The handler's progress callback as JobService gives it (no throttling here), recording every write. */
function progressRecorder(signal?: AbortSignal) {
  const writes: { fraction: number; message?: string }[] = [];
  const progress = async (fraction: number, message?: string) => {
    signal?.throwIfAborted();
    writes.push({ fraction, message });
  };
  return { writes, progress };
}

test('the configuration\'s generation bounds are the engine\'s own', () => {
  assert.deepEqual(
    [ENGINE_BOUNDS.minSeconds, ENGINE_BOUNDS.userMinSeconds, ENGINE_BOUNDS.maxSeconds, ENGINE_BOUNDS.maxCount],
    [ENGINE_MIN_SECONDS, LIMITS.minSeconds, LIMITS.maxSeconds, LIMITS.maxCount],
  );
  const defaults = loadConfig({}).generation;
  assert.deepEqual([defaults.minSeconds, defaults.maxSeconds, defaults.maxCount], [LIMITS.minSeconds, LIMITS.maxSeconds, LIMITS.maxCount]);
  assert.throws(() => loadConfig({ MUSE_GENERATE_MIN_SECONDS: '30', MUSE_GENERATE_MAX_SECONDS: '20' }), /exceeds MUSE_GENERATE_MAX_SECONDS/);
  assert.throws(() => loadConfig({ MUSE_GENERATE_MAX_SECONDS: '121' }), /MUSE_GENERATE_MAX_SECONDS/);
});

test('a job stores each variation as a GENERATED asset with its MIDI and record, in order; progress goes up, per bar across variations', async () => {
  const store = new Store();
  const generator = new FakeGenerator();
  store.service(generator);
  const image = store.add('IMAGE', text('png 1'), { title: 'harbour' });
  const { writes, progress } = progressRecorder();
  const result = (await store.handler!(jobInput(image), progress, new AbortController().signal)) as { assetIds: string[] };
  assert.equal(result.assetIds.length, 2);
  const [a, b] = result.assetIds.map((id) => store.assets.get(id)!);
  assert.deepEqual([a.source, a.title, b.title], ['GENERATED', 'Music for harbour (1 of 2)', 'Music for harbour (2 of 2)']);
  assert.deepEqual([a.generation!.seed, b.generation!.seed], [10, 11]);
  assert.deepEqual(a.generation!.sources, [{ role: 'IMAGE', assetId: image.id }]);
  assert.ok(store.files.has(`${a.generation!.midiSha256}.mid`) && store.files.has(`${b.generation!.midiSha256}.mid`));
  const fractions = writes.map((w) => w.fraction);
  assert.deepEqual(fractions, [...fractions].sort((x, y) => x - y), 'progress never goes back');
  const messages = writes.map((w) => w.message);
  assert.ok(messages.includes('bar 2 of 4, variation 1 of 2') && messages.includes('bar 4 of 4, variation 2 of 2'), messages.join(' | '));
  assert.ok(messages.includes('rendering variation 2 of 2') && messages.includes('storing 2 pieces'));
});

test('a failure while storing the second piece removes the first: no asset without the others, no MIDI without its asset', async () => {
  const store = new Store();
  store.service(new FakeGenerator());
  const image = store.add('IMAGE', text('png 2'));
  const before = { assets: [...store.assets.keys()], files: [...store.files.keys()] };
  store.failIngestAt = 2;
  await assert.rejects(store.handler!(jobInput(image), progressRecorder().progress, new AbortController().signal), /the database went away/);
  assert.deepEqual({ assets: [...store.assets.keys()], files: [...store.files.keys()] }, before);
});

test('a variation that renders silent fails the job saying so, and keeps nothing', async () => {
  const store = new Store();
  const generator = new FakeGenerator();
  generator.silentSeeds.add(11);
  store.service(generator);
  const image = store.add('IMAGE', text('png 3'));
  const files = [...store.files.keys()];
  await assert.rejects(
    store.handler!(jobInput(image), progressRecorder().progress, new AbortController().signal),
    /variation 2 of 2 \(seed 11\) came out without audible notes .*try another seed/,
  );
  assert.equal(store.assets.size, 1);
  assert.deepEqual([...store.files.keys()], files);
});

test('a cancel during generation stops it before anything is stored', async () => {
  const store = new Store();
  const generator = new FakeGenerator();
  store.service(generator);
  const image = store.add('IMAGE', text('png 4'));
  const controller = new AbortController();
  generator.duringGeneration = () => controller.abort(new Error('cancelled'));
  await assert.rejects(store.handler!(jobInput(image), progressRecorder(controller.signal).progress, controller.signal), /cancelled/);
  assert.equal(store.assets.size, 1);
  assert.equal([...store.files.keys()].length, 1);
});

test('prompts: a GENERATED asset continues from its stored MIDI; another audio asset is transcribed first', async () => {
  const store = new Store();
  const generator = new FakeGenerator();
  store.service(generator);
  const image = store.add('IMAGE', text('png 5'));
  const [made] = ((await store.handler!(jobInput(image, { count: 1 }), progressRecorder().progress, new AbortController().signal)) as { assetIds: string[] }).assetIds;
  await store.handler!(jobInput(image, { count: 1, seed: 20, prompt: { kind: 'generated', assetId: made } }), progressRecorder().progress, new AbortController().signal);
  const clip = store.add('AUDIO', text('a hummed clip'));
  const { writes, progress } = progressRecorder();
  await store.handler!(jobInput(image, { count: 1, seed: 30, prompt: { kind: 'audio', assetId: clip.id } }), progress, new AbortController().signal);
  assert.deepEqual(generator.calls.filter((c) => c.startsWith('generate') || c === 'transcribe'), [
    'generate 8 s × 1', 'generate 8 s × 1 after MThd piece 10', 'transcribe', 'generate 8 s × 1 after MThd transcribed',
  ]);
  assert.ok(writes.some((w) => w.message?.startsWith('transcribing the audio prompt')));
});

test('start: a refusal after the uploads were stored removes them again; stored sources are never removed', async () => {
  const store = new Store();
  const service = store.service(new FakeGenerator(), { ...loadConfig({}).generation, maxPromptSeconds: 2 });
  const image = store.add('IMAGE', text('png 6'));
  const long = text('a long clip');
  // the fake ingest stores audio with 4 s: over the 2 s prompt limit, found only once stored
  await assert.rejects(
    service.start({ apiKeyId: KEY, imageAssetId: image.id, prompt: { bytes: long, filename: 'long.wav' } }),
    (err: Error) => err instanceof BadUserInputException && /at most 2 s/.test(err.message),
  );
  assert.deepEqual([...store.assets.keys()], [image.id]);
  assert.equal(store.enqueued.length, 0);
});

test('start: a request takes the engine\'s job input shape, sources by id, a random seed recorded when none is given', async () => {
  const store = new Store();
  const service = store.service(new FakeGenerator());
  const image = store.add('IMAGE', text('png 7'));
  const guide = store.add('AUDIO', text('guide clip'));
  await service.start({ apiKeyId: KEY, imageAssetId: image.id, guideAssetId: guide.id, tempo: 90, loop: true, title: '  Night  ' });
  const [input] = store.enqueued as GenerateMusicJobInput[];
  assert.deepEqual({ ...input, seed: 0 }, {
    imageAssetId: image.id, guide: { assetId: guide.id, weight: 0.5 }, seconds: 10, count: 1, seed: 0, controls: { tempo: 90 }, loop: true, title: 'Night',
  });
  assert.ok(Number.isInteger(input.seed) && input.seed >= 0 && input.seed <= 2_147_483_647);
  await assert.rejects(service.start({ apiKeyId: null, imageAssetId: image.id }), (err: Error & { code?: string }) => err.code === 'FORBIDDEN');
  void GENERATE_MUSIC_JOB;
});
