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

  async revoke(idOrPrefix: string): Promise<number> {
    const res = await this.prisma.apiKey.updateMany({
      where: { revokedAt: null, OR: [{ prefix: idOrPrefix }, ...(isUuid(idOrPrefix) ? [{ id: idOrPrefix }] : [])] },
      data: { revokedAt: new Date() },
    });
    return res.count;
  }
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
