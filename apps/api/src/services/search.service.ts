import type { AssetKind } from '../generated/prisma/enums.js';
import type { AssetFilterCriteria, AssetRepository, AssetRow } from '../repositories/asset.repository.js';
import type { EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { VectorIndexRepository } from '../repositories/vector-index.repository.js';
import { decodeVector } from '../repositories/vector-codec.util.js';
import type { Limits } from '../config/config.js';
import type { EmbedService } from './embed.service.js';
import { requireCount } from './count-limit.util.js';
import { checkFilter } from './asset-filter.util.js';
import { NotFoundException } from '../errors/app.exception.js';

export interface SearchHitResult {
  score: number;
  asset: AssetRow;
}

export interface QueryVector {
  kind: AssetKind;
  vector: Float32Array;
  /** the stored asset the query came from, and its vector's index label: kept out of its own results */
  assetId?: string;
  label?: number;
}

/** Searches again after dropping labels deleted elsewhere at most this often (each round drops every stale hit it saw). */
const STALE_LABEL_ROUNDS = 3;

/** Nearest assets in the joint space: embed the query, search the index, hydrate from the database. */
export class SearchService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly embed: EmbedService,
    private readonly index: VectorIndexRepository,
    private readonly limits: Limits,
  ) {}

  /** An uploaded file, which must be of `uploadKind`, → the nearest `target` assets. */
  async byUpload(bytes: Uint8Array, uploadKind: AssetKind, target: AssetKind, first: number, filter: AssetFilterCriteria = {}): Promise<SearchHitResult[]> {
    this.checkFirst(first);
    const bounded = checkFilter(filter, this.limits);
    const { vector } = await this.embed.embedUpload(bytes, uploadKind);
    return this.nearest({ kind: uploadKind, vector }, target, first, bounded);
  }

  /** A stored asset → the nearest `target` assets, itself left out. */
  async byAsset(assetId: string, target: AssetKind, first: number, filter: AssetFilterCriteria = {}): Promise<SearchHitResult[]> {
    this.checkFirst(first);
    const bounded = checkFilter(filter, this.limits);
    return this.nearest(await this.vectorOfAsset(assetId), target, first, bounded);
  }

  checkFirst(first: number): number {
    return requireCount('first', first, this.limits.maxResults);
  }

  async vectorOfAsset(assetId: string): Promise<QueryVector> {
    const asset = await this.assets.findById(assetId);
    if (!asset) throw new NotFoundException(`asset ${assetId} does not exist`);
    const stored = await this.embeddings.forAsset(this.embed.bundleKey, assetId);
    if (!stored) throw new NotFoundException(`asset ${assetId} has no embedding for bundle ${this.embed.bundleKey.bundle}`);
    return { kind: asset.kind, vector: decodeVector(stored.vector), assetId, label: stored.label };
  }

  /** Nearest `target` assets to a query vector, filters applied inside the index search (`first` unchecked: callers check client input). */
  async nearest(query: QueryVector, target: AssetKind, first: number, filter: AssetFilterCriteria = {}): Promise<SearchHitResult[]> {
    const key = this.embed.bundleKey;
    const filtered = Object.values(filter).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0));
    const allowed = filtered ? new Set(await this.embeddings.labelsMatching(key, target, { ...filter, kind: target })) : undefined;
    const selfLabel = query.kind === target ? query.label : undefined;
    if (selfLabel !== undefined) allowed?.delete(selfLabel);
    const search = () => {
      if (selfLabel === undefined || allowed) return this.index.search(target, query.vector, first, allowed);
      return this.index.search(target, query.vector, first + 1).filter((h) => h.label !== selfLabel).slice(0, first);
    };
    // A label whose row is gone was deleted by another process, and this one's index has not applied
    // the change feed's REMOVE yet: drop it now (the database is the source of truth) and search again,
    // so a page is never short while enough assets remain.
    for (let round = 0; ; round++) {
      const hits = search();
      const { results, gone } = await this.hydrateHits(hits);
      if (gone.length === 0 || round === STALE_LABEL_ROUNDS) return results;
      for (const label of gone) this.index.remove(target, label);
    }
  }

  /** Index hits → assets with their tags, in the hits' order (one query). */
  async hydrate(hits: { label: number; score: number }[]): Promise<SearchHitResult[]> {
    return (await this.hydrateHits(hits)).results;
  }

  private async hydrateHits(hits: { label: number; score: number }[]): Promise<{ results: SearchHitResult[]; gone: number[] }> {
    if (hits.length === 0) return { results: [], gone: [] };
    const byLabel = await this.assets.findByEmbeddingLabels(hits.map((h) => h.label));
    const results: SearchHitResult[] = [];
    const gone: number[] = [];
    for (const h of hits) {
      const asset = byLabel.get(h.label);
      if (asset) results.push({ score: h.score, asset });
      else gone.push(h.label);
    }
    return { results, gone };
  }
}
