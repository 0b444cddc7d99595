import type { PrismaClient, Prisma } from '../generated/prisma/client.js';
import { assetWithTags } from './asset.repository.js';
import { isUuid } from './uuid.util.js';

const generationWithSources = {
  sources: { include: { asset: { include: assetWithTags } }, orderBy: { role: 'asc' } },
} satisfies Prisma.GenerationInclude;

export type GenerationRow = Prisma.GenerationGetPayload<{ include: typeof generationWithSources }>;

/** The generations table: how GENERATED assets were made (written with the asset, by AssetRepository.create). */
export class GenerationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The generation records of these assets (by asset id; an asset made otherwise has none), in one query. */
  async findByAssetIds(assetIds: string[]): Promise<Map<string, GenerationRow>> {
    const ids = assetIds.filter(isUuid);
    if (!ids.length) return new Map();
    const rows = await this.prisma.generation.findMany({ where: { assetId: { in: ids } }, include: generationWithSources });
    return new Map(rows.map((row) => [row.assetId, row]));
  }


  /** The MIDI file of a generated asset: its media-store key. */
  async midiOf(assetId: string): Promise<string | null> {
    if (!isUuid(assetId)) return null;
    const row = await this.prisma.generation.findUnique({ where: { assetId }, select: { midiSha256: true } });
    return row?.midiSha256 ?? null;
  }
}
