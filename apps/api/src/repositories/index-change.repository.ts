import type { PrismaClient } from '../generated/prisma/client.js';
import type { AssetKind, IndexChangeOp } from '../generated/prisma/enums.js';

export interface IndexChange {
  seq: number;
  label: number;
  bundle: string;
  bundleVersion: string;
  modality: AssetKind;
  op: IndexChangeOp;
  /** how long ago the row was written, by the database's clock */
  ageMs: number;
}

/**
 * The index change feed (`index_changes`), written by a trigger on `embeddings` in the
 * transaction that inserts or deletes the vector; read here by sequence number.
 */
export class IndexChangeRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Rows after `seq`, in order, all bundles (a reader's cursor covers the whole feed). */
  async after(seq: number, take: number): Promise<IndexChange[]> {
    const rows = await this.prisma.$queryRaw<
      { seq: bigint; label: number; bundle: string; bundle_version: string; modality: AssetKind; op: IndexChangeOp; age_ms: number }[]
    >`SELECT "seq", "label", "bundle", "bundle_version", "modality"::text AS "modality", "op"::text AS "op",
             (EXTRACT(EPOCH FROM (clock_timestamp()::timestamp(3) - "created_at")) * 1000)::float8 AS "age_ms"
      FROM "index_changes" WHERE "seq" > ${BigInt(seq)} ORDER BY "seq" LIMIT ${take}`;
    return rows.map((r) => ({
      seq: Number(r.seq),
      label: r.label,
      bundle: r.bundle,
      bundleVersion: r.bundle_version,
      modality: r.modality,
      op: r.op,
      ageMs: r.age_ms,
    }));
  }

  /**
   * The highest seq below which every row is settled: the newest row written more than
   * `settledAfterMs` ago (a transaction that took a lower seq has committed or rolled back since). 0 when none.
   */
  async settledHead(settledAfterMs: number): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ seq: bigint | null }[]>`
      SELECT max("seq") AS "seq" FROM "index_changes"
      WHERE "created_at" < clock_timestamp()::timestamp(3) - make_interval(secs => ${settledAfterMs / 1000}::float8)`;
    return row?.seq == null ? 0 : Number(row.seq);
  }

  /** The lowest seq still kept; null for an empty feed. */
  async oldest(): Promise<number | null> {
    const [row] = await this.prisma.$queryRaw<{ seq: bigint | null }[]>`SELECT min("seq") AS "seq" FROM "index_changes"`;
    return row?.seq == null ? null : Number(row.seq);
  }

  /** Deletes rows older than `retentionMs`, always keeping the newest row (it marks how far the feed went). */
  async prune(retentionMs: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "index_changes"
      WHERE "created_at" < clock_timestamp()::timestamp(3) - make_interval(secs => ${retentionMs / 1000}::float8)
        AND "seq" < (SELECT max("seq") FROM "index_changes")`;
  }
}
