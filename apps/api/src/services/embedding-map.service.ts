import type { AssetKind, TagOrigin } from '../generated/prisma/enums.js';
import type { AssetRepository } from '../repositories/asset.repository.js';
import type { BundleKey, EmbeddingRepository } from '../repositories/embedding.repository.js';
import { requireCount } from './count-limit.util.js';
import { decodeVector } from '../repositories/vector-codec.util.js';
import { projectTo2D } from './projection.util.js';

/** `first` when the client sends none (or null). */
export const DEFAULT_MAP_POINTS = 2000;
/** Largest `first` of `embeddingMap`: more points than a canvas map can show usefully. */
export const MAX_MAP_POINTS = 5000;
/** Tags listed per point, highest score first. */
export const MAP_TAGS_PER_POINT = 5;

const ORIGIN_RANK: Record<TagOrigin, number> = { USER: 0, CORPUS: 1, PREDICTED: 2 };

export interface MapPointResult {
  assetId: string;
  kind: AssetKind;
  x: number;
  y: number;
  title: string | null;
  tags: string[];
}

interface ProjectedPoint {
  label: number;
  assetId: string;
  kind: AssetKind;
  x: number;
  y: number;
}

interface CachedProjection {
  signature: string;
  /** newest label first */
  points: Promise<ProjectedPoint[]>;
}

/**
 * 2-D PCA map of every vector of the bundle in use, images and audio together (one joint space).
 * The projection is fitted on all of the bundle's vectors, so a point keeps its place whatever
 * `first` or `kind` asks for, and is cached until an embedding is added or removed.
 */
export class EmbeddingMapService {
  private cache: CachedProjection | undefined;

  constructor(
    private readonly embeddings: EmbeddingRepository,
    private readonly assets: AssetRepository,
    private readonly key: BundleKey,
  ) {}

  /** Up to `first` points, most recently embedded first, of one kind or both. */
  async map(first: number, kind?: AssetKind): Promise<MapPointResult[]> {
    requireCount('first', first, MAX_MAP_POINTS);
    const all = await this.projection();
    const chosen = (kind ? all.filter((p) => p.kind === kind) : all).slice(0, first);
    const summaries = await this.assets.summaries(chosen.map((p) => p.assetId));
    // an asset deleted between the projection and this read is left out
    return chosen.flatMap((p) => {
      const summary = summaries.get(p.assetId);
      if (!summary) return [];
      return [{ assetId: p.assetId, kind: p.kind, x: p.x, y: p.y, title: summary.title, tags: topTagNames(summary.tags) }];
    });
  }

  private async projection(): Promise<ProjectedPoint[]> {
    const { count, latestLabel } = await this.embeddings.changeSignature(this.key);
    const signature = `${this.key.bundle}@${this.key.bundleVersion}:${count}:${latestLabel}`;
    let cache = this.cache;
    if (!cache || cache.signature !== signature) {
      const points = this.compute();
      cache = { signature, points };
      this.cache = cache;
      points.catch(() => {
        if (this.cache?.points === points) this.cache = undefined;
      });
    }
    return cache.points;
  }

  private async compute(): Promise<ProjectedPoint[]> {
    const rows: { label: number; assetId: string; kind: AssetKind; vector: Float32Array }[] = [];
    for (const kind of ['IMAGE', 'AUDIO'] as const) {
      for await (const page of this.embeddings.vectors(this.key, kind)) {
        for (const v of page) rows.push({ label: v.label, assetId: v.assetId, kind, vector: decodeVector(v.vector) });
      }
    }
    rows.sort((a, b) => b.label - a.label);
    const xy = projectTo2D(rows.map((r) => r.vector));
    return rows.map((r, i) => ({ label: r.label, assetId: r.assetId, kind: r.kind, x: xy[i].x, y: xy[i].y }));
  }
}

function topTagNames(tags: { name: string; score: number; origin: TagOrigin }[]): string[] {
  const ordered = [...tags].sort((a, b) => b.score - a.score || ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin] || a.name.localeCompare(b.name));
  return [...new Set(ordered.map((t) => t.name))].slice(0, MAP_TAGS_PER_POINT);
}
