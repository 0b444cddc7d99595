import type { PrismaClient } from '../generated/prisma/client.js';

export class TagRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Tag names (any origin) per asset, for scoring neighbours. */
  async namesByAsset(assetIds: string[]): Promise<Map<string, string[]>> {
    const rows = await this.prisma.assetTag.findMany({
      where: { assetId: { in: assetIds }, origin: { in: ['CORPUS', 'USER'] } },
      select: { assetId: true, tag: { select: { name: true } } },
    });
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(r.assetId) ?? [];
      if (!list.includes(r.tag.name)) list.push(r.tag.name);
      out.set(r.assetId, list);
    }
    return out;
  }

  /** Tags some asset carries; a tag whose last asset was deleted or untagged is left out. */
  async inUse(): Promise<{ name: string; count: number }[]> {
    const tags = await this.prisma.tag.findMany({ where: { assets: { some: {} } }, select: { name: true, _count: { select: { assets: true } } }, orderBy: { name: 'asc' } });
    return tags.map((t) => ({ name: t.name, count: t._count.assets }));
  }
}
