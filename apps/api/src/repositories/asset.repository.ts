import type { PrismaClient, Prisma } from '../generated/prisma/client.js';
import type { AssetKind, AssetSource, GenerationRole, TagOrigin } from '../generated/prisma/enums.js';
import { isUuid } from './uuid.util.js';

export const assetWithTags = { tags: { include: { tag: true } } } satisfies Prisma.AssetInclude;
export type AssetRow = Prisma.AssetGetPayload<{ include: typeof assetWithTags }>;

export interface AssetSummaryRow {
  title: string | null;
  tags: { name: string; score: number; origin: TagOrigin }[];
}

export interface AssetFilterCriteria {
  kind?: AssetKind;
  sources?: AssetSource[];
  /** every tag must be present (any origin) */
  tags?: string[];
  libraryId?: string;
  text?: string;
  pairKey?: string;
}

export interface NewAsset {
  kind: AssetKind;
  sha256: string;
  mime: string;
  ext: string;
  bytes: number;
  width?: number | null;
  height?: number | null;
  durationSeconds?: number | null;
  sampleRate?: number | null;
  channels?: number | null;
  title?: string | null;
  caption?: string | null;
  source: AssetSource;
  pairKey?: string | null;
  corpusIndex?: number | null;
  corpusSplit?: string | null;
}

export interface NewEmbedding {
  bundle: string;
  bundleVersion: string;
  modality: AssetKind;
  dim: number;
  vector: Uint8Array<ArrayBuffer>;
}

export interface NewAssetTag {
  name: string;
  origin: TagOrigin;
  score: number;
}

/** How a GENERATED asset was made: written in the transaction that creates the asset. */
export interface NewGeneration {
  engine: string;
  bundle: string;
  encoder: string;
  seed: number;
  parameters: Prisma.InputJsonValue;
  /** its MIDI in the media store (<midiSha256>.mid), stored before the row; null for a generated image */
  midiSha256: string | null;
  sources: { role: GenerationRole; assetId: string | null }[];
}

export interface DeletedAsset {
  asset: AssetRow;
  embeddings: { id: number; modality: AssetKind; bundle: string }[];
  /** the deleted generation's MIDI, when no other generation uses the same file: the caller removes it */
  orphanedMidiSha256: string | null;
}

export class AssetRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string): Promise<AssetRow | null> {
    if (!isUuid(id)) return null;
    return this.prisma.asset.findUnique({ where: { id }, include: assetWithTags });
  }

  /** The assets with these ids that exist, in the order given. */
  async findManyByIds(ids: string[]): Promise<AssetRow[]> {
    const valid = ids.filter(isUuid);
    const rows = await this.prisma.asset.findMany({ where: { id: { in: valid } }, include: assetWithTags });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return valid.flatMap((id) => byId.get(id) ?? []);
  }

  /** Which of these content hashes a row owns: an asset's file, or a generation's MIDI. */
  async existingSha256s(sha256s: string[]): Promise<Set<string>> {
    const rows = await this.prisma.asset.findMany({ where: { sha256: { in: sha256s } }, select: { sha256: true } });
    const midis = await this.prisma.generation.findMany({ where: { midiSha256: { in: sha256s } }, select: { midiSha256: true }, distinct: ['midiSha256'] });
    return new Set([...rows.map((r) => r.sha256), ...midis.flatMap((r) => (r.midiSha256 ? [r.midiSha256] : []))]);
  }

  findBySha256(sha256: string): Promise<AssetRow | null> {
    return this.prisma.asset.findUnique({ where: { sha256 }, include: assetWithTags });
  }

  /** The assets that own these embedding rows (index labels), by label. */
  async findByEmbeddingLabels(labels: number[]): Promise<Map<number, AssetRow>> {
    const rows = await this.prisma.embedding.findMany({ where: { id: { in: labels } }, select: { id: true, asset: { include: assetWithTags } } });
    return new Map(rows.map((r) => [r.id, r.asset]));
  }

  /** Title and tags (name, score, origin) of each asset, for light listings such as the embedding map. */
  async summaries(ids: string[]): Promise<Map<string, AssetSummaryRow>> {
    const rows = await this.prisma.asset.findMany({
      where: { id: { in: ids.filter(isUuid) } },
      select: { id: true, title: true, tags: { select: { score: true, origin: true, tag: { select: { name: true } } } } },
    });
    return new Map(rows.map((r) => [r.id, { title: r.title, tags: r.tags.map((t) => ({ name: t.tag.name, score: t.score, origin: t.origin })) }]));
  }

  /** Inserts the asset, its embedding, its tags, its library link and (generated) its generation in one transaction. */
  async create(asset: NewAsset, embedding: NewEmbedding, tags: NewAssetTag[], libraryId?: string, generation?: NewGeneration): Promise<{ asset: AssetRow; label: number }> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.asset.create({ data: asset });
      const emb = await tx.embedding.create({ data: { ...embedding, assetId: created.id }, select: { id: true } });
      await addTags(tx, created.id, tags);
      if (libraryId) await tx.libraryAsset.create({ data: { libraryId, assetId: created.id } });
      if (generation) await createGeneration(tx, created.id, generation);
      const row = await tx.asset.findUniqueOrThrow({ where: { id: created.id }, include: assetWithTags });
      return { asset: row, label: emb.id };
    });
  }

  /** Records how an existing asset was made, unless it already says (the same bytes generated twice). */
  async ensureGeneration(assetId: string, generation: NewGeneration): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if (await tx.generation.findUnique({ where: { assetId }, select: { assetId: true } })) return;
      await createGeneration(tx, assetId, generation);
    });
  }

  async addTags(assetId: string, tags: NewAssetTag[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => addTags(tx, assetId, tags));
  }

  async removeTag(assetId: string, name: string, origin?: TagOrigin): Promise<number> {
    const res = await this.prisma.assetTag.deleteMany({ where: { assetId, tag: { name }, ...(origin ? { origin } : {}) } });
    return res.count;
  }

  /** Deletes the asset (cascading to embeddings, tags, library links, its generation); returns what was deleted. */
  async delete(id: string): Promise<DeletedAsset | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      const asset = await tx.asset.findUnique({ where: { id }, include: assetWithTags });
      if (!asset) return null;
      const embeddings = await tx.embedding.findMany({ where: { assetId: id }, select: { id: true, modality: true, bundle: true } });
      const generation = await tx.generation.findUnique({ where: { assetId: id }, select: { midiSha256: true } });
      await tx.asset.delete({ where: { id } });
      const midi = generation?.midiSha256 ?? null;
      const midiShared = midi !== null && (await tx.generation.count({ where: { midiSha256: midi } })) > 0;
      return { asset, embeddings, orphanedMidiSha256: midi !== null && !midiShared ? midi : null };
    });
  }

  page(filter: AssetFilterCriteria, take: number, afterId?: string): Promise<AssetRow[]> {
    return this.prisma.asset.findMany({
      where: toWhere(filter),
      include: assetWithTags,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      ...(afterId ? { cursor: { id: afterId }, skip: 1 } : {}),
    });
  }

  count(filter: AssetFilterCriteria): Promise<number> {
    return this.prisma.asset.count({ where: toWhere(filter) });
  }

  async countByKind(): Promise<Record<AssetKind, number>> {
    const groups = await this.prisma.asset.groupBy({ by: ['kind'], _count: { _all: true } });
    const out: Record<string, number> = { IMAGE: 0, AUDIO: 0 };
    for (const g of groups) out[g.kind] = g._count._all;
    return out as Record<AssetKind, number>;
  }

  async exists(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.prisma.asset.count({ where: { id } })) > 0;
  }

  async idsInLibrary(libraryId: string): Promise<string[]> {
    if (!isUuid(libraryId)) return [];
    const rows = await this.prisma.libraryAsset.findMany({ where: { libraryId }, select: { assetId: true }, orderBy: { addedAt: 'asc' } });
    return rows.map((r) => r.assetId);
  }

  async existingIds(ids: string[]): Promise<string[]> {
    const rows = await this.prisma.asset.findMany({ where: { id: { in: ids.filter(isUuid) } }, select: { id: true } });
    return rows.map((r) => r.id);
  }
}

export function toWhere(f: AssetFilterCriteria): Prisma.AssetWhereInput {
  const and: Prisma.AssetWhereInput[] = [];
  if (f.kind) and.push({ kind: f.kind });
  if (f.sources?.length) and.push({ source: { in: f.sources } });
  for (const name of f.tags ?? []) and.push({ tags: { some: { tag: { name } } } });
  if (f.libraryId) and.push(isUuid(f.libraryId) ? { libraries: { some: { libraryId: f.libraryId } } } : { id: { in: [] } });
  if (f.pairKey) and.push({ pairKey: f.pairKey });
  if (f.text) {
    // Prisma's `contains` is LIKE '%…%' without escaping: % and _ in the text must match themselves
    const text = f.text.replace(/[\\%_]/g, '\\$&');
    and.push({ OR: [{ title: { contains: text, mode: 'insensitive' } }, { caption: { contains: text, mode: 'insensitive' } }] });
  }
  return and.length ? { AND: and } : {};
}

async function createGeneration(tx: Prisma.TransactionClient, assetId: string, g: NewGeneration): Promise<void> {
  await tx.generation.create({
    data: {
      assetId, engine: g.engine, bundle: g.bundle, encoder: g.encoder, seed: BigInt(g.seed), parameters: g.parameters, midiSha256: g.midiSha256,
      sources: { create: g.sources.map((s) => ({ role: s.role, assetId: s.assetId })) },
    },
  });
}

/**
 * Upserts the asset's tags in a fixed number of statements, whatever their number (two upserts per
 * tag made an ingest with 1,000 tags take 2,000 round trips, seconds inside one transaction on
 * PostgreSQL): the tags made at once (ON CONFLICT DO NOTHING, so concurrent ingests of one new tag
 * agree), read back by name, then the asset's links — new ones in one insert, a changed score updated
 * one by one (few: tagging again). The last of several entries with one name and origin wins, as
 * one upsert after another did.
 */
async function addTags(tx: Prisma.TransactionClient, assetId: string, tags: NewAssetTag[]): Promise<void> {
  if (tags.length === 0) return;
  const key = (origin: TagOrigin, tag: string | number) => `${origin}\u0000${tag}`;
  const wanted = [...new Map(tags.map((t) => [key(t.origin, t.name), t])).values()];
  const names = [...new Set(wanted.map((t) => t.name))];
  await tx.tag.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true });
  const ids = new Map((await tx.tag.findMany({ where: { name: { in: names } }, select: { id: true, name: true } })).map((t) => [t.name, t.id]));
  const linked = await tx.assetTag.findMany({ where: { assetId, tagId: { in: [...ids.values()] } }, select: { tagId: true, origin: true, score: true } });
  const scores = new Map(linked.map((l) => [key(l.origin, l.tagId), l.score]));
  const fresh: Prisma.AssetTagCreateManyInput[] = [];
  const changed: Prisma.AssetTagCreateManyInput[] = [];
  for (const t of wanted) {
    const tagId = ids.get(t.name);
    if (tagId === undefined) throw new Error(`tag "${t.name}" vanished while it was being added`);
    const score = scores.get(key(t.origin, tagId));
    if (score === undefined) fresh.push({ assetId, tagId, origin: t.origin, score: t.score });
    else if (score !== t.score) changed.push({ assetId, tagId, origin: t.origin, score: t.score });
  }
  if (fresh.length > 0) await tx.assetTag.createMany({ data: fresh, skipDuplicates: true });
  for (const c of changed) {
    await tx.assetTag.update({ where: { assetId_tagId_origin: { assetId, tagId: c.tagId, origin: c.origin } }, data: { score: c.score } });
  }
}
