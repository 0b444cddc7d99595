import type { PrismaClient, ApiKey } from '../generated/prisma/client.js';

export type { ApiKey };

export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: { name: string; prefix: string; hash: string; scopes: string[] }): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data });
  }

  findActiveByHash(hash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { hash, revokedAt: null } });
  }

  async touch(id: string): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }

  list(): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
  }

  /** Revokes the active keys with this id or prefix; returns them as they are now. */
  async revoke(idOrPrefix: string): Promise<ApiKey[]> {
    const where = { revokedAt: null, OR: [{ prefix: idOrPrefix }, ...(isUuid(idOrPrefix) ? [{ id: idOrPrefix }] : [])] };
    return this.prisma.$transaction(async (tx) => {
      const ids = (await tx.apiKey.findMany({ where, select: { id: true } })).map((k) => k.id);
      if (ids.length === 0) return [];
      await tx.apiKey.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
      return tx.apiKey.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } });
    });
  }
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
