import type { AssetRow } from '../repositories/asset.repository.js';
import type { Asset } from './types/asset.type.js';
import { AssetKind, AssetSource, TagOrigin } from './types/enums.js';

const ORIGIN_RANK: Record<string, number> = { USER: 0, CORPUS: 1, PREDICTED: 2 };

export function toAsset(row: AssetRow, baseUrl: string): Asset {
  return {
    id: row.id,
    kind: row.kind as AssetKind,
    title: row.title,
    caption: row.caption,
    url: `${baseUrl}/media/${row.id}`,
    mime: row.mime,
    bytes: row.bytes,
    sha256: row.sha256,
    durationSeconds: row.durationSeconds,
    sampleRate: row.sampleRate,
    width: row.width,
    height: row.height,
    source: row.source as AssetSource,
    pairKey: row.pairKey,
    tags: row.tags
      .map((t) => ({ name: t.tag.name, score: t.score, origin: t.origin as TagOrigin }))
      .sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin] || b.score - a.score || a.name.localeCompare(b.name)),
    createdAt: row.createdAt,
  };
}
