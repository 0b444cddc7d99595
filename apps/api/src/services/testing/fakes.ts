// In-memory stand-ins for the repositories and collaborators of the search, ingest and tagging
// services, over a World (./world.ts). They keep only what the services rely on and record the
// calls the specs assert on. They are typed structurally: a spec casts them (`as unknown as
// AssetRepository`) where it builds the service. The real repositories are exercised against a
// database by tests/api.
import type { AssetKind } from '../../generated/prisma/enums.js';
import { loadConfig, type Limits } from '../../config/config.js';
import type { AssetFilterCriteria, AssetRepository, AssetRow, NewAsset, NewAssetTag, NewEmbedding } from '../../repositories/asset.repository.js';
import type { BundleKey, EmbeddingRepository, StoredVector } from '../../repositories/embedding.repository.js';
import type { Library } from '../../repositories/library.repository.js';
import type { VectorIndexRepository } from '../../repositories/vector-index.repository.js';
import { dot } from '../../repositories/vector-codec.util.js';
import type { EmbedService, EmbeddedMedia } from '../embed.service.js';
import { SearchService } from '../search.service.js';
import { BUNDLE, MEDIA, World, sameBundle } from './world.js';

/** The configured defaults (whatever limits the config grows), with a small result cap. */
export const LIMITS: Limits = loadConfig({ MUSE_MAX_RESULTS: '50' }).limits;

/** An L2-normalised float32 vector. */
export function unit(...xs: number[]): Float32Array {
  const norm = Math.hypot(...xs);
  return Float32Array.from(xs, (x) => x / norm);
}

/** A unit vector whose cosine with (1, 0, 0) is `cos`: neighbours at a chosen similarity. */
export function towards(cos: number, side = 1): Float32Array {
  return Float32Array.from([cos, side * Math.sqrt(1 - cos * cos), 0]);
}

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

export class FakeAssetRepository {
  readonly calls: string[] = [];
  /** Runs at the start of `create`: lets a concurrent request store the same bytes first. */
  beforeCreate?: () => void;
  /** Makes `create` fail (after `beforeCreate`) as a database error would. */
  failCreate?: Error;

  constructor(private readonly world: World) {}

  async findById(id: string): Promise<AssetRow | null> {
    this.calls.push('findById');
    return this.world.row(id);
  }

  async findBySha256(sha256: string): Promise<AssetRow | null> {
    this.calls.push('findBySha256');
    const found = [...this.world.assets.values()].find((a) => a.sha256 === sha256);
    return found ? this.world.row(found.id) : null;
  }

  /** As the database does, in an order of its own (ascending label), not the order asked for. */
  async findByEmbeddingLabels(labels: number[]): Promise<Map<number, AssetRow>> {
    this.calls.push('findByEmbeddingLabels');
    const out = new Map<number, AssetRow>();
    for (const label of [...labels].sort((a, b) => a - b)) {
      const e = this.world.embeddings.get(label);
      const row = e && this.world.row(e.assetId);
      if (row) out.set(label, row);
    }
    return out;
  }

  async create(asset: NewAsset, embedding: NewEmbedding, tags: NewAssetTag[], libraryId?: string): Promise<{ asset: AssetRow; label: number }> {
    this.calls.push('create');
    this.beforeCreate?.();
    if (this.failCreate) throw this.failCreate;
    if ([...this.world.assets.values()].some((a) => a.sha256 === asset.sha256)) {
      throw new Error('Unique constraint failed on the fields: (`sha256`)');
    }
    const id = this.world.insertAsset(asset);
    const label = this.world.insertEmbedding(id, embedding, embedding.modality, embedding.vector);
    this.world.upsertTags(id, tags);
    if (libraryId) this.world.link(libraryId, [id]);
    return { asset: this.world.row(id)!, label };
  }

  async addTags(assetId: string, tags: NewAssetTag[]): Promise<void> {
    this.calls.push('addTags');
    if (!this.world.assets.has(assetId)) throw new Error(`foreign key: asset ${assetId}`);
    this.world.upsertTags(assetId, tags);
  }

  async delete(id: string): Promise<{ asset: AssetRow; embeddings: { id: number; modality: AssetKind; bundle: string }[] } | null> {
    this.calls.push('delete');
    const asset = this.world.row(id);
    if (!asset) return null;
    const embeddings = [...this.world.embeddings.values()]
      .filter((e) => e.assetId === id)
      .map((e) => ({ id: e.label, modality: e.modality, bundle: e.bundle }));
    this.world.deleteAsset(id);
    return { asset, embeddings };
  }

  async idsInLibrary(libraryId: string): Promise<string[]> {
    this.calls.push('idsInLibrary');
    return [...(this.world.libraries.get(libraryId)?.assetIds ?? [])];
  }

  async existingIds(ids: string[]): Promise<string[]> {
    this.calls.push('existingIds');
    return ids.filter((id) => this.world.assets.has(id));
  }

  async existingSha256s(sha256s: string[]): Promise<Set<string>> {
    this.calls.push('existingSha256s');
    return new Set([...this.world.assets.values()].map((a) => a.sha256).filter((sha) => sha256s.includes(sha)));
  }
}

export class FakeEmbeddingRepository {
  readonly calls: string[] = [];
  readonly labelsMatchingCalls: { modality: AssetKind; filter: AssetFilterCriteria }[] = [];
  /** The `take` of each `assetsWithout` call. */
  readonly takes: number[] = [];
  failForAsset?: Error;

  constructor(private readonly world: World) {}

  async forAsset(key: BundleKey, assetId: string): Promise<StoredVector | null> {
    this.calls.push('forAsset');
    if (this.failForAsset) throw this.failForAsset;
    const e = [...this.world.embeddings.values()].find((x) => x.assetId === assetId && sameBundle(x, key));
    return e ? { label: e.label, assetId: e.assetId, vector: e.vector } : null;
  }

  async labelsMatching(key: BundleKey, modality: AssetKind, filter: AssetFilterCriteria): Promise<number[]> {
    this.calls.push('labelsMatching');
    this.labelsMatchingCalls.push({ modality, filter });
    return [...this.world.embeddings.values()]
      .filter((e) => sameBundle(e, key) && e.modality === modality && this.world.matches(this.world.row(e.assetId)!, filter))
      .map((e) => e.label);
  }

  async insert(assetId: string, key: BundleKey, modality: AssetKind, _dim: number, vector: Uint8Array): Promise<number> {
    this.calls.push('insert');
    return this.world.insertEmbedding(assetId, key, modality, vector);
  }

  /** Assets with no vector for the bundle, oldest first, at most `take`. */
  async assetsWithout(key: BundleKey, take: number): Promise<{ id: string }[]> {
    this.takes.push(take);
    // a backfill that stops making progress would otherwise spin for ever on resolved promises
    if (this.takes.length > 1000) throw new Error('assetsWithout asked 1000 times: the backfill makes no progress');
    const embedded = new Set([...this.world.embeddings.values()].filter((e) => sameBundle(e, key)).map((e) => e.assetId));
    return [...this.world.assets.keys()]
      .filter((id) => !embedded.has(id))
      .slice(0, take)
      .map((id) => ({ id }));
  }
}

export class FakeLibraryRepository {
  readonly calls: string[] = [];

  constructor(private readonly world: World) {}

  async findById(id: string): Promise<Library | null> {
    this.calls.push('findById');
    return this.world.libraries.get(id)?.library ?? null;
  }

  async addAssets(libraryId: string, assetIds: string[]): Promise<number> {
    this.calls.push('addAssets');
    const before = this.world.libraries.get(libraryId)?.assetIds.length ?? 0;
    this.world.link(libraryId, assetIds);
    return this.world.libraries.get(libraryId)!.assetIds.length - before;
  }
}

export class FakeTagRepository {
  constructor(private readonly world: World) {}

  /** As the real one: only CORPUS and USER tags vote, PREDICTED ones never feed back. */
  async namesByAsset(assetIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const t of this.world.tags) {
      if (!assetIds.includes(t.assetId) || t.origin === 'PREDICTED') continue;
      const list = out.get(t.assetId) ?? [];
      if (!list.includes(t.name)) list.push(t.name);
      out.set(t.assetId, list);
    }
    return out;
  }
}

/** An exact (brute-force) index per modality: best first, ties by label. */
export class FakeVectorIndex {
  readonly vectors = new Map<AssetKind, Map<number, Float32Array>>([
    ['IMAGE', new Map()],
    ['AUDIO', new Map()],
  ]);
  readonly searches: { modality: AssetKind; k: number; allowed?: number[] }[] = [];
  /** Makes `add` throw, as a full or closed index would. */
  failAdd?: Error;

  add(modality: AssetKind, label: number, vector: Float32Array): void {
    if (this.failAdd) throw this.failAdd;
    this.vectors.get(modality)!.set(label, vector);
  }

  remove(modality: AssetKind, label: number): void {
    this.vectors.get(modality)!.delete(label);
  }

  has(modality: AssetKind, label: number): boolean {
    return this.vectors.get(modality)!.has(label);
  }

  size(modality: AssetKind): number {
    return this.vectors.get(modality)!.size;
  }

  search(modality: AssetKind, query: Float32Array, k: number, allowed?: ReadonlySet<number>): { label: number; score: number }[] {
    this.searches.push({ modality, k, ...(allowed ? { allowed: [...allowed].sort((a, b) => a - b) } : {}) });
    return [...this.vectors.get(modality)!]
      .filter(([label]) => !allowed || allowed.has(label))
      .map(([label, v]) => ({ label, score: dot(query, v) }))
      .sort((a, b) => b.score - a.score || a.label - b.label)
      .slice(0, Math.max(0, k));
  }
}

/** A media store keyed by sha256.ext; `put` says whether this call created the file. */
export class FakeMediaStore {
  readonly files = new Set<string>();
  readonly calls: string[] = [];
  private readonly contents = new Map<string, Uint8Array>();

  async put(sha256: string, ext: string, bytes: Uint8Array): Promise<boolean> {
    this.calls.push('put');
    const key = `${sha256}.${ext}`;
    if (this.files.has(key)) return false;
    this.files.add(key);
    this.contents.set(key, bytes);
    return true;
  }

  async read(sha256: string, ext: string): Promise<Uint8Array | null> {
    const key = `${sha256}.${ext}`;
    return this.files.has(key) ? (this.contents.get(key) ?? null) : null;
  }

  async locate(sha256: string, ext: string): Promise<string | null> {
    const key = `${sha256}.${ext}`;
    return this.files.has(key) ? `/media/${key}` : null;
  }

  async remove(sha256: string, ext: string): Promise<void> {
    this.calls.push('remove');
    this.files.delete(`${sha256}.${ext}`);
  }
}

/**
 * The embedding step without a model: bytes are text defined beforehand with `define`, each
 * standing for a file of one kind with a given vector. Unknown bytes are refused as unsupported.
 */
export class FakeEmbedService {
  readonly bundleKey = BUNDLE;
  readonly uploads: { text: string; expect?: AssetKind }[] = [];
  readonly stored: { text: string; width: number | null; height: number | null; durationSeconds: number | null }[] = [];
  /** Texts whose re-embedding (embedStored) fails, as a file that no longer decodes would. */
  readonly failStored = new Set<string>();
  private readonly known = new Map<string, { kind: AssetKind; vector: Float32Array }>();
  private readonly refused = new Map<string, { kind: AssetKind; error: Error }>();

  define(text: string, kind: AssetKind, vector: Float32Array): Uint8Array {
    this.known.set(text, { kind, vector });
    return bytesOf(text);
  }

  /** Bytes of a recognisable format that decoding refuses with `error` (a silent clip, a truncated file). */
  refuse(text: string, kind: AssetKind, error: Error): Uint8Array {
    this.refused.set(text, { kind, error });
    return bytesOf(text);
  }

  /** As the magic-byte check: defined and refused texts are recognised, anything else is UNSUPPORTED_MEDIA. */
  recognise(bytes: Uint8Array): { kind: AssetKind; ext: string } {
    const text = new TextDecoder().decode(bytes);
    const kind = this.known.get(text)?.kind ?? this.refused.get(text)?.kind;
    if (!kind) throw Object.assign(new Error(`unsupported media: ${text}`), { code: 'UNSUPPORTED_MEDIA' });
    return { kind, ext: MEDIA[kind].ext };
  }

  async embedUpload(bytes: Uint8Array, expect?: AssetKind): Promise<EmbeddedMedia> {
    const text = new TextDecoder().decode(bytes);
    this.uploads.push({ text, ...(expect ? { expect } : {}) });
    return this.lookup(text, expect);
  }

  async embedStored(bytes: Uint8Array, stored: { width: number | null; height: number | null; durationSeconds: number | null }): Promise<EmbeddedMedia> {
    const text = new TextDecoder().decode(bytes);
    this.stored.push({ text, width: stored.width, height: stored.height, durationSeconds: stored.durationSeconds });
    if (this.failStored.has(text)) throw new Error(`cannot decode ${text}`);
    return this.lookup(text);
  }

  private lookup(text: string, expect?: AssetKind): EmbeddedMedia {
    const refusal = this.refused.get(text);
    if (refusal) throw refusal.error;
    const known = this.known.get(text);
    if (!known) throw new Error(`unsupported media: ${text}`);
    if (expect && known.kind !== expect) throw new Error(`expected ${expect}, got ${known.kind}`);
    return { media: { ...MEDIA[known.kind] }, vector: known.vector };
  }
}

/** An empty world and a real SearchService over fakes of its repositories and embedding step. */
export function searchFixture() {
  const world = new World();
  const index = new FakeVectorIndex();
  const assets = new FakeAssetRepository(world);
  const embeddings = new FakeEmbeddingRepository(world);
  const embed = new FakeEmbedService();
  const search = new SearchService(
    assets as unknown as AssetRepository,
    embeddings as unknown as EmbeddingRepository,
    embed as unknown as EmbedService,
    index as unknown as VectorIndexRepository,
    LIMITS,
  );
  return { world, index, assets, embeddings, embed, search };
}
