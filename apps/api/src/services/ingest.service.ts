import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AssetKind, AssetSource, TagOrigin } from '../generated/prisma/enums.js';
import type { AssetRepository, AssetRow, NewGeneration } from '../repositories/asset.repository.js';
import type { EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { MediaStore, StoredMediaFile } from '../repositories/media-store.js';
import type { VectorIndexRepository } from '../repositories/vector-index.repository.js';
import { decodeVector, encodeVector } from '../repositories/vector-codec.util.js';
import type { MediaInfo } from '../repositories/machine-learning.repository.js';
import type { EmbedService } from './embed.service.js';
import { BadUserInputException, NotFoundException, ServiceUnavailableException } from '../errors/app.exception.js';
import { normaliseTagNames } from './tag-name.util.js';

export interface IngestOptions {
  source: AssetSource;
  title?: string | null;
  caption?: string | null;
  tags?: string[];
  tagOrigin?: TagOrigin;
  libraryId?: string | null;
  pairKey?: string | null;
  corpusIndex?: number | null;
  corpusSplit?: string | null;
  /** refuse the other kind of media (BAD_USER_INPUT), before anything is written */
  expect?: AssetKind;
  /** a GENERATED asset's record, written with the asset's rows (its MIDI must be stored already) */
  generation?: NewGeneration;
}

export interface IngestResult {
  asset: AssetRow;
  created: boolean;
}

/** What a client may ask of an upload's asset (a generated asset is ingested in its job, not staged). */
export type UploadOptions = Omit<IngestOptions, 'expect' | 'generation'>;

/**
 * An upload whose bytes are in the media store and whose embedding is still to come (on a worker):
 * plain JSON, the input of an INGEST_ASSET job. Tags are normalised already.
 */
export interface StagedUpload {
  sha256: string;
  ext: string;
  bytes: number;
  options: Omit<UploadOptions, 'tags' | 'tagOrigin'>;
  tags: NewTag[];
}

type NewTag = { name: string; origin: TagOrigin; score: number };

/**
 * Bytes → decoded, embedded → media file + DB rows + index entry. Either all of these exist
 * afterwards or none do. The byte limit is the caller's boundary (the upload middleware, the CLI).
 * With workers, the same happens in two steps: `stage` (the file) where the upload arrives, then
 * `finishStaged` (decode, embed, rows, index) in whichever process runs the job.
 */
export class IngestService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly libraries: LibraryRepository,
    private readonly media: MediaStore,
    private readonly embed: EmbedService,
    private readonly index: VectorIndexRepository,
    private readonly logger: Logger,
  ) {}

  async ingest(bytes: Uint8Array, opts: IngestOptions): Promise<IngestResult> {
    const tags = await this.checkOptions(opts);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await this.assets.findBySha256(sha256);
    if (existing) {
      if (opts.expect && existing.kind !== opts.expect) throw wrongKind(opts.expect, existing.kind);
      return { asset: await this.mergeInto(existing, tags, opts), created: false };
    }
    const { media, vector } = await this.embed.embedUpload(bytes, opts.expect);
    const fileCreated = await this.media.put(sha256, media.ext, bytes);
    return this.record({ sha256, bytes: bytes.byteLength, media, vector, tags, opts, removeFileOnFailure: fileCreated });
  }

  /**
   * The first half of a worker's ingest, where the upload arrives: the same checks as `ingest`
   * (known bytes merge into their asset at once), then the format is recognised from its magic
   * bytes (an unsupported file is refused before anything is written) and the bytes are stored.
   * Decoding, embedding and the rows are `finishStaged`'s.
   */
  async stage(bytes: Uint8Array, opts: UploadOptions): Promise<IngestResult | { staged: StagedUpload; fileCreated: boolean }> {
    const tags = await this.checkOptions(opts);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await this.assets.findBySha256(sha256);
    if (existing) return { asset: await this.mergeInto(existing, tags, opts), created: false };
    const { ext } = this.embed.recognise(bytes);
    const fileCreated = await this.media.put(sha256, ext, bytes);
    const { tags: _given, tagOrigin: _origin, ...options } = opts;
    return { staged: { sha256, ext, bytes: bytes.byteLength, options, tags }, fileCreated };
  }

  /**
   * The second half: reads the staged file, decodes and embeds it under this process's limits, and
   * writes the rows and the index entry — or merges into the asset that the same bytes have by now
   * (a second upload, or this job's earlier run that died after its commit). `signal` aborted
   * before the rows are written means nothing is written. The file is left for the caller to judge.
   */
  async finishStaged(staged: StagedUpload, signal?: AbortSignal): Promise<IngestResult> {
    const existing = await this.assets.findBySha256(staged.sha256);
    if (existing) return { asset: await this.mergeInto(existing, staged.tags, staged.options), created: false };
    const bytes = await this.media.read(staged.sha256, staged.ext);
    if (!bytes) throw new ServiceUnavailableException('the uploaded file is no longer stored (a failed upload of the same bytes removed it at the same moment); upload it again');
    const { media, vector } = await this.embed.embedUpload(bytes);
    if (media.ext !== staged.ext) throw new Error(`the staged file ${staged.sha256}.${staged.ext} decoded as ${media.ext}`);
    signal?.throwIfAborted();
    return this.record({ sha256: staged.sha256, bytes: bytes.byteLength, media, vector, tags: staged.tags, opts: staged.options, removeFileOnFailure: false });
  }

  /** Removes a staged file unless an asset owns it by now (the caller knows no other upload still needs it). */
  async discardStaged(staged: Pick<StagedUpload, 'sha256' | 'ext'>): Promise<void> {
    if ((await this.assets.existingSha256s([staged.sha256])).has(staged.sha256)) return;
    await this.media.remove(staged.sha256, staged.ext);
  }

  /**
   * Puts an asset another process embedded into this process's index at once (the change feed
   * would bring it within its bound): who ingested it searches it next.
   */
  async showInOwnIndex(asset: AssetRow): Promise<void> {
    const stored = await this.embeddings.forAsset(this.embed.bundleKey, asset.id);
    if (stored && !this.index.has(asset.kind, stored.label)) this.index.add(asset.kind, stored.label, decodeVector(stored.vector));
  }

  /** Normalised tags; NOT_FOUND for a library that does not exist. */
  private async checkOptions(opts: UploadOptions): Promise<NewTag[]> {
    const tags = normaliseTagNames(opts.tags ?? []).map((name) => ({ name, origin: opts.tagOrigin ?? 'USER', score: 1 }));
    if (opts.libraryId && !(await this.libraries.findById(opts.libraryId))) {
      throw new NotFoundException(`library ${opts.libraryId} does not exist`);
    }
    return tags;
  }

  /** The rows in one transaction, then the index entry; undoes the rows (and the file, when asked) if a step fails. */
  private async record(r: {
    sha256: string;
    bytes: number;
    media: MediaInfo;
    vector: Float32Array;
    tags: NewTag[];
    opts: Omit<IngestOptions, 'tags' | 'tagOrigin' | 'expect'>;
    removeFileOnFailure: boolean;
  }): Promise<IngestResult> {
    const { sha256, media, vector, tags, opts } = r;
    let created: { asset: AssetRow; label: number };
    try {
      created = await this.assets.create(
        {
          kind: media.kind,
          sha256,
          mime: media.mime,
          ext: media.ext,
          bytes: r.bytes,
          width: media.width ?? null,
          height: media.height ?? null,
          durationSeconds: media.durationSeconds ?? null,
          sampleRate: media.sampleRate ?? null,
          channels: media.channels ?? null,
          title: opts.title ?? null,
          caption: opts.caption ?? null,
          source: opts.source,
          pairKey: opts.pairKey ?? null,
          corpusIndex: opts.corpusIndex ?? null,
          corpusSplit: opts.corpusSplit ?? null,
        },
        { ...this.embed.bundleKey, modality: media.kind, dim: vector.length, vector: encodeVector(vector) },
        tags,
        opts.libraryId ?? undefined,
        opts.generation,
      );
    } catch (err) {
      // Someone stored the same bytes between our lookup and our insert: the file is theirs now.
      const raced = await this.assets.findBySha256(sha256);
      if (raced) return { asset: await this.mergeInto(raced, tags, opts), created: false };
      if (r.removeFileOnFailure) await this.media.remove(sha256, media.ext);
      throw err;
    }
    try {
      this.index.add(media.kind, created.label, vector);
    } catch (err) {
      await this.assets.delete(created.asset.id);
      if (r.removeFileOnFailure) await this.media.remove(sha256, media.ext);
      throw err;
    }
    return { asset: created.asset, created: true };
  }

  private async mergeInto(existing: AssetRow, tags: NewTag[], opts: Pick<IngestOptions, 'libraryId' | 'generation'>): Promise<AssetRow> {
    if (tags.length) await this.assets.addTags(existing.id, tags);
    if (opts.libraryId) await this.libraries.addAssets(opts.libraryId, [existing.id]);
    // the same piece generated again (same seed and inputs): the asset gets the first record only
    if (opts.generation && existing.source === 'GENERATED') await this.assets.ensureGeneration(existing.id, opts.generation);
    return (await this.assets.findById(existing.id)) ?? existing;
  }

  /**
   * Removes what an interrupted ingest (a crash, `kill -9`) can leave: media files without an
   * asset row and temp files. Only files older than `minAgeMs` go, so that another process
   * sharing the media folder can finish the ingest it is in the middle of.
   */
  async sweepOrphanedMedia(minAgeMs: number): Promise<number> {
    const cutoff = Date.now() - minAgeMs;
    let removed = 0;
    let batch: StoredMediaFile[] = [];
    const discard = async (file: StoredMediaFile) => {
      await this.media.discard(file);
      removed++;
    };
    const flush = async () => {
      const known = await this.assets.existingSha256s(batch.map((f) => f.sha256!));
      for (const file of batch) if (!known.has(file.sha256!)) await discard(file);
      batch = [];
    };
    for await (const file of this.media.list()) {
      if (file.modifiedMs > cutoff) continue;
      if (file.temp || !file.sha256) await discard(file);
      else if (batch.push(file) >= 500) await flush();
    }
    if (batch.length) await flush();
    return removed;
  }

  /**
   * Embeds stored assets that have no vector for the bundle in use (after a bundle change),
   * reading their media files. Returns how many were embedded.
   */
  async backfillEmbeddings(readFile: (path: string) => Promise<Uint8Array>): Promise<number> {
    const key = this.embed.bundleKey;
    let done = 0;
    const failed = new Set<string>();
    for (;;) {
      const batch = (await this.embeddings.assetsWithout(key, 200 + failed.size)).filter((a) => !failed.has(a.id));
      if (batch.length === 0) return done;
      for (const { id } of batch) {
        const asset = await this.assets.findById(id);
        const path = asset && (await this.media.locate(asset.sha256, asset.ext));
        if (!asset || !path) {
          failed.add(id);
          continue;
        }
        try {
          const { vector } = await this.embed.embedStored(await readFile(path), asset);
          const label = await this.embeddings.insert(id, key, asset.kind, vector.length, encodeVector(vector));
          this.index.add(asset.kind, label, vector);
          done++;
        } catch (err) {
          this.logger.warn({ err, assetId: id }, 'could not embed stored asset');
          failed.add(id);
        }
      }
    }
  }
}

function wrongKind(expected: AssetKind, actual: AssetKind): BadUserInputException {
  return new BadUserInputException(`expected ${expected === 'IMAGE' ? 'an image' : 'audio'}, got ${actual === 'IMAGE' ? 'an image' : 'audio'}`);
}
