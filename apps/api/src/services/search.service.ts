import type { AssetKind } from '../generated/prisma/enums.js';
import type { AssetFilterCriteria, AssetRepository, AssetRow } from '../repositories/asset.repository.js';
import type { EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { MediaEmbedder } from '../search/ann-index.js';
import type { VectorIndexService } from '../search/vector-index.service.js';
import type { Limits } from '../config/config.js';
import { requireCount } from './count-limit.util.js';
import { BadUserInputException, NotFoundException, PayloadTooLargeException } from '../errors/app.exception.js';
import { decodeVector } from '../search/vector-codec.util.js';

export interface SearchHitResult {
  score: number;
  asset: AssetRow;
}

export interface QueryVector {
  kind: AssetKind;
  vector: Float32Array;
  /** the stored asset the query came from, kept out of its own results */
  assetId?: string;
}

export class SearchService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly embedder: MediaEmbedder,
    private readonly index: VectorIndexService,
    private readonly limits: Limits,
  ) {}

  private get key() {
    return { bundle: this.embedder.bundle, bundleVersion: this.embedder.bundleVersion };
  }

  checkFirst(first: number): number {
    return requireCount('first', first, this.limits.maxResults);
  }

  /** Embeds uploaded bytes that must be of `expected` kind. */
  async embedUpload(bytes: Uint8Array, expected: AssetKind): Promise<QueryVector> {
    if (bytes.byteLength > this.limits.maxUploadBytes) {
      throw new PayloadTooLargeException(`file of ${bytes.byteLength} bytes exceeds the ${this.limits.maxUploadBytes}-byte limit`);
    }
    const sniffed = this.embedder.sniff(bytes);
    if (sniffed.kind !== expected) {
      throw new BadUserInputException(`expected ${expected === 'IMAGE' ? 'an image' : 'audio'}, but the file is ${sniffed.mime}`);
    }
    const { vector } = await this.embedder.embed(bytes, this.limits);
    return { kind: expected, vector };
  }

  async embedUploadAnyKind(bytes: Uint8Array): Promise<QueryVector> {
    const sniffed = this.embedder.sniff(bytes);
    return this.embedUpload(bytes, sniffed.kind);
  }

  async vectorOfAsset(assetId: string): Promise<QueryVector> {
    const asset = await this.assets.findById(assetId);
    if (!asset) throw new NotFoundException(`asset ${assetId} does not exist`);
    const stored = await this.embeddings.forAsset(this.key, assetId);
    if (!stored) throw new NotFoundException(`asset ${assetId} has no embedding for bundle ${this.key.bundle}`);
    return { kind: asset.kind, vector: decodeVector(stored.vector), assetId };
  }

  /** Nearest `target` assets to a query vector, filters applied inside the index search (`first` unchecked: callers check client input). */
  async nearest(query: QueryVector, target: AssetKind, first: number, filter: AssetFilterCriteria = {}): Promise<SearchHitResult[]> {
    const filtered = Object.values(filter).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0));
    let allowed: Set<number> | undefined;
    if (filtered) allowed = new Set(await this.embeddings.labelsMatching(this.key, target, { ...filter, kind: target }));
    const selfLabel = query.assetId && query.kind === target ? (await this.embeddings.forAsset(this.key, query.assetId))?.label : undefined;
    if (selfLabel === undefined) return this.hydrate(this.index.search(target, query.vector, first, allowed));
    if (allowed) {
      allowed.delete(selfLabel);
      return this.hydrate(this.index.search(target, query.vector, first, allowed));
    }
    const hits = this.index.search(target, query.vector, first + 1).filter((h) => h.label !== selfLabel);
    return this.hydrate(hits.slice(0, first));
  }

  async hydrate(hits: { label: number; score: number }[]): Promise<SearchHitResult[]> {
    if (hits.length === 0) return [];
    const assetIds = await this.embeddings.assetIdsByLabel(hits.map((h) => h.label));
    const rows = await this.assets.findByIds([...assetIds.values()]);
    const out: SearchHitResult[] = [];
    for (const h of hits) {
      const asset = rows.get(assetIds.get(h.label) ?? '');
      if (asset) out.push({ score: h.score, asset });
    }
    return out;
  }
}
