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

  countAssets(libraryId: string): Promise<number> {
    return this.prisma.libraryAsset.count({ where: { libraryId } });
  }

  async countAll(): Promise<number> {
    return this.prisma.library.count();
  }
}
