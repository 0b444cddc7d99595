import type { PrismaClient, Library } from '../generated/prisma/client.js';

import { isUuid } from './uuid.util.js';

export type { Library };

export class LibraryRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(name: string, description?: string | null): Promise<Library> {
    return this.prisma.library.create({ data: { name, description } });
  }

  async findById(id: string): Promise<Library | null> {
    if (!isUuid(id)) return null;
    return this.prisma.library.findUnique({ where: { id } });
  }

  findByName(name: string): Promise<Library | null> {
    return this.prisma.library.findUnique({ where: { name } });
  }

  list(): Promise<Library[]> {
    return this.prisma.library.findMany({ orderBy: { name: 'asc' } });
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.prisma.library.deleteMany({ where: { id } })).count > 0;
  }

  async addAssets(libraryId: string, assetIds: string[]): Promise<number> {
    const res = await this.prisma.libraryAsset.createMany({
      data: assetIds.filter(isUuid).map((assetId) => ({ libraryId, assetId })),
      skipDuplicates: true,
    });
    return res.count;
  }

  async removeAssets(libraryId: string, assetIds: string[]): Promise<number> {
    return (await this.prisma.libraryAsset.deleteMany({ where: { libraryId, assetId: { in: assetIds.filter(isUuid) } } })).count;
  }

  /** How many assets each of these libraries holds, in one query (a library with none has no entry). */
  async countAssets(libraryIds: string[]): Promise<Map<string, number>> {
    const ids = libraryIds.filter(isUuid);
    if (!ids.length) return new Map();
    const groups = await this.prisma.libraryAsset.groupBy({ by: ['libraryId'], where: { libraryId: { in: ids } }, _count: { _all: true } });
    return new Map(groups.map((g) => [g.libraryId, g._count._all]));
  }

  async countAll(): Promise<number> {
    return this.prisma.library.count();
  }
}
