// The rows a database would hold, in memory, for the service specs: assets, embeddings (an index
// label is an embedding row's id), tags and libraries, with the foreign keys' cascades.
import { randomUUID } from 'node:crypto';
import type { AssetKind, TagOrigin } from '../../generated/prisma/enums.js';
import type { AssetFilterCriteria, AssetRow, NewAsset, NewAssetTag } from '../../repositories/asset.repository.js';
import type { BundleKey } from '../../repositories/embedding.repository.js';
import type { Library } from '../../repositories/library.repository.js';
import type { MediaInfo } from '../../repositories/machine-learning.repository.js';
import { encodeVector } from '../../repositories/vector-codec.util.js';

export const BUNDLE: BundleKey = { bundle: 'muvis-test', bundleVersion: '3' };
export const OLD_BUNDLE: BundleKey = { bundle: 'muvis-test', bundleVersion: '2' };

export const MEDIA: Record<AssetKind, MediaInfo> = {
  IMAGE: { kind: 'IMAGE', mime: 'image/png', ext: 'png', width: 4, height: 3 },
  AUDIO: { kind: 'AUDIO', mime: 'audio/wav', ext: 'wav', durationSeconds: 5, sampleRate: 16000, channels: 1 },
};

type AssetColumns = Omit<AssetRow, 'tags'>;

/** What the database stores for the optional columns an insert leaves out. */
const NULL_COLUMNS = {
  ...{ width: null, height: null, durationSeconds: null, sampleRate: null, channels: null },
  ...{ title: null, caption: null, pairKey: null, corpusIndex: null, corpusSplit: null },
};

interface StoredEmbedding extends BundleKey {
  label: number;
  assetId: string;
  modality: AssetKind;
  vector: Uint8Array;
}

interface StoredTag {
  assetId: string;
  name: string;
  origin: TagOrigin;
  score: number;
}

/** The rows a database would hold: assets, embeddings (label = row id), tags, libraries. */
export class World {
  readonly assets = new Map<string, AssetColumns>();
  readonly embeddings = new Map<number, StoredEmbedding>();
  readonly libraries = new Map<string, { library: Library; assetIds: string[] }>();
  tags: StoredTag[] = [];
  private readonly tagIds = new Map<string, number>();
  private nextLabel = 1;
  private clock = Date.UTC(2025, 0, 1);

  insertAsset(asset: NewAsset): string {
    const id = randomUUID();
    const given = Object.fromEntries(Object.entries(asset).filter(([, v]) => v !== undefined));
    this.assets.set(id, { ...NULL_COLUMNS, ...given, id, createdAt: new Date(this.clock++) } as AssetColumns);
    return id;
  }

  insertEmbedding(assetId: string, key: BundleKey, modality: AssetKind, vector: Uint8Array): number {
    const label = this.nextLabel++;
    this.embeddings.set(label, { label, assetId, bundle: key.bundle, bundleVersion: key.bundleVersion, modality, vector });
    return label;
  }

  upsertTags(assetId: string, tags: NewAssetTag[]): void {
    for (const t of tags) {
      if (!this.tagIds.has(t.name)) this.tagIds.set(t.name, this.tagIds.size + 1);
      const same = this.tags.find((x) => x.assetId === assetId && x.name === t.name && x.origin === t.origin);
      if (same) same.score = t.score;
      else this.tags.push({ assetId, name: t.name, origin: t.origin, score: t.score });
    }
  }

  link(libraryId: string, assetIds: string[]): void {
    const lib = this.libraries.get(libraryId);
    if (!lib) throw new Error(`foreign key: library ${libraryId}`);
    for (const id of assetIds) if (!lib.assetIds.includes(id)) lib.assetIds.push(id);
  }

  addLibrary(name: string): Library {
    const library: Library = { id: randomUUID(), name, description: null, createdAt: new Date(this.clock++) };
    this.libraries.set(library.id, { library, assetIds: [] });
    return library;
  }

  /** Deletes the asset and, as the foreign keys cascade, its embeddings, tags and library links. */
  deleteAsset(id: string): boolean {
    if (!this.assets.delete(id)) return false;
    for (const [label, e] of this.embeddings) if (e.assetId === id) this.embeddings.delete(label);
    this.tags = this.tags.filter((t) => t.assetId !== id);
    for (const lib of this.libraries.values()) lib.assetIds = lib.assetIds.filter((a) => a !== id);
    return true;
  }

  row(id: string): AssetRow | null {
    const a = this.assets.get(id);
    if (!a) return null;
    const tags = this.tags
      .filter((t) => t.assetId === id)
      .map((t) => {
        const tagId = this.tagIds.get(t.name)!;
        return { assetId: id, tagId, origin: t.origin, score: t.score, createdAt: a.createdAt, tag: { id: tagId, name: t.name } };
      });
    return { ...a, tags };
  }

  /** Tag names of an asset as `name:ORIGIN`, sorted, for compact assertions. */
  tagsOf(id: string): string[] {
    return this.tags
      .filter((t) => t.assetId === id)
      .map((t) => `${t.name}:${t.origin}`)
      .sort();
  }

  matches(asset: AssetRow, f: AssetFilterCriteria): boolean {
    const names = asset.tags.map((t) => t.tag.name);
    const text = f.text?.toLowerCase();
    return (
      (!f.kind || asset.kind === f.kind) &&
      (!f.sources?.length || f.sources.includes(asset.source)) &&
      (f.tags ?? []).every((n) => names.includes(n)) &&
      (!f.libraryId || (this.libraries.get(f.libraryId)?.assetIds.includes(asset.id) ?? false)) &&
      (!f.pairKey || asset.pairKey === f.pairKey) &&
      (!text || [asset.title, asset.caption].some((s) => s?.toLowerCase().includes(text)))
    );
  }
}

export const sameBundle = (a: BundleKey, b: BundleKey) => a.bundle === b.bundle && a.bundleVersion === b.bundleVersion;

/** Stores an asset with an embedding for `key` (the bundle in use by default), as ingest would. */
export function seedAsset(
  world: World,
  index: { add(modality: AssetKind, label: number, vector: Float32Array): void } | null,
  opts: {
    kind: AssetKind;
    vector?: Float32Array;
    tags?: (string | NewAssetTag)[];
    key?: BundleKey;
    title?: string;
    sha256?: string;
    libraryId?: string;
  },
): { id: string; label: number | null } {
  const id = world.insertAsset({
    ...MEDIA[opts.kind],
    sha256: opts.sha256 ?? randomUUID().replaceAll('-', ''),
    bytes: 100,
    title: opts.title ?? null,
    source: 'CORPUS',
  });
  world.upsertTags(
    id,
    (opts.tags ?? []).map((t) => (typeof t === 'string' ? { name: t, origin: 'CORPUS' as const, score: 1 } : t)),
  );
  if (opts.libraryId) world.link(opts.libraryId, [id]);
  if (!opts.vector) return { id, label: null };
  const key = opts.key ?? BUNDLE;
  const label = world.insertEmbedding(id, key, opts.kind, encodeVector(opts.vector));
  if (index && sameBundle(key, BUNDLE)) index.add(opts.kind, label, opts.vector);
  return { id, label };
}
