import type { PrismaClient } from '../generated/prisma/client.js';
import type { AssetKind } from '../generated/prisma/enums.js';
import { toWhere, type AssetFilterCriteria } from './asset.repository.js';
import { isUuid } from './uuid.util.js';

export interface BundleKey {
  bundle: string;
  bundleVersion: string;
}

export interface StoredVector {
  label: number;
  assetId: string;
  vector: Uint8Array;
}

export class EmbeddingRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async labels(key: BundleKey, modality: AssetKind): Promise<number[]> {
    const rows = await this.prisma.embedding.findMany({
      where: { ...key, modality },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => r.id);
  }

  /** Every vector of one (bundle, modality), in label order, a page at a time. */
  async *vectors(key: BundleKey, modality: AssetKind, pageSize = 2000): AsyncGenerator<StoredVector[]> {
    let after = 0;
    for (;;) {
      const rows = await this.prisma.embedding.findMany({
        where: { ...key, modality, id: { gt: after } },
        select: { id: true, assetId: true, vector: true },
        orderBy: { id: 'asc' },
        take: pageSize,
      });
      if (rows.length === 0) return;
      yield rows.map((r) => ({ label: r.id, assetId: r.assetId, vector: r.vector }));
      after = rows[rows.length - 1].id;
    }
  }

  /** The vectors of these labels that still exist, for one bundle. */
  async byLabels(key: BundleKey, labels: number[]): Promise<Map<number, Uint8Array>> {
    if (labels.length === 0) return new Map();
    const rows = await this.prisma.embedding.findMany({ where: { ...key, id: { in: labels } }, select: { id: true, vector: true } });
    return new Map(rows.map((r) => [r.id, r.vector]));
  }

  /** Count and newest label of a bundle's vectors: labels only grow, so any insert or delete changes it. */
  async changeSignature(key: BundleKey): Promise<{ count: number; latestLabel: number }> {
    const agg = await this.prisma.embedding.aggregate({ where: key, _count: { _all: true }, _max: { id: true } });
    return { count: agg._count._all, latestLabel: agg._max.id ?? 0 };
  }

  async forAsset(key: BundleKey, assetId: string): Promise<StoredVector | null> {
    if (!isUuid(assetId)) return null;
    const row = await this.prisma.embedding.findUnique({
      where: { assetId_bundle_bundleVersion: { assetId, bundle: key.bundle, bundleVersion: key.bundleVersion } },
      select: { id: true, assetId: true, vector: true },
    });
    return row ? { label: row.id, assetId: row.assetId, vector: row.vector } : null;
  }

  /** Labels of the assets that pass a filter, to restrict an index search. */
  async labelsMatching(key: BundleKey, modality: AssetKind, filter: AssetFilterCriteria): Promise<number[]> {
    const rows = await this.prisma.embedding.findMany({
      where: { ...key, modality, asset: toWhere(filter) },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async bundlesPresent(): Promise<{ bundle: string; bundleVersion: string; modality: AssetKind; count: number }[]> {
    const groups = await this.prisma.embedding.groupBy({ by: ['bundle', 'bundleVersion', 'modality'], _count: { _all: true } });
    return groups.map((g) => ({ bundle: g.bundle, bundleVersion: g.bundleVersion, modality: g.modality, count: g._count._all }));
  }

  async insert(assetId: string, key: BundleKey, modality: AssetKind, dim: number, vector: Uint8Array<ArrayBuffer>): Promise<number> {
    const row = await this.prisma.embedding.create({ data: { assetId, ...key, modality, dim, vector }, select: { id: true } });
    return row.id;
  }

  async assetsWithout(key: BundleKey, take: number): Promise<{ id: string }[]> {
    return this.prisma.asset.findMany({
      where: { embeddings: { none: { bundle: key.bundle, bundleVersion: key.bundleVersion } } },
      select: { id: true },
      take,
    });
  }
}
