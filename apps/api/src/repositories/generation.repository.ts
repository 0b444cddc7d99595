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

  /** The generation record of an asset, with its sources (and their assets, when they still exist). */
  async findByAssetId(assetId: string): Promise<GenerationRow | null> {
    if (!isUuid(assetId)) return null;
    return this.prisma.generation.findUnique({ where: { assetId }, include: generationWithSources });
  }

  /** The MIDI file of a generated asset: its media-store key. */
  async midiOf(assetId: string): Promise<string | null> {
    if (!isUuid(assetId)) return null;
    const row = await this.prisma.generation.findUnique({ where: { assetId }, select: { midiSha256: true } });
    return row?.midiSha256 ?? null;
  }
}
