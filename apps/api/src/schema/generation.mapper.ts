import type { GenerationRow } from '../repositories/generation.repository.js';
import type { Generation } from './types/generation.type.js';
import { toAsset } from './asset.mapper.js';

export function toGeneration(row: GenerationRow, baseUrl: string): Generation {
  return {
    engine: row.engine,
    bundle: row.bundle,
    encoder: row.encoder,
    seed: Number(row.seed),
    parameters: row.parameters,
    sources: row.sources.map((s) => ({ role: s.role, asset: s.asset ? toAsset(s.asset, baseUrl) : null })),
    midiUrl: row.midiSha256 ? `${baseUrl}/media/${row.assetId}/midi` : null,
    createdAt: row.createdAt,
  };
}
