import type { Logger } from 'pino';
import type { BundleKey, EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { IndexChange, IndexChangeRepository } from '../repositories/index-change.repository.js';
import type { SavedFeedPosition, VectorIndexRepository } from '../repositories/vector-index.repository.js';
import { decodeVector } from '../repositories/vector-codec.util.js';

/** Rows read from the feed at a time. */
const PAGE = 1000;
/**
 * A missing seq (a transaction that took it has not committed, or rolled back) holds the cursor
 * until a later row is this old: longer than any transaction may run (statement timeout 15 s,
 * Prisma's interactive transactions 5 s), so by then the missing one has settled either way.
 */
export const FEED_SETTLE_MS = 60_000;
/** Old rows are pruned at most this often, by each process. */
const PRUNE_INTERVAL_MS = 60 * 60_000;

export interface IndexFollowerOptions {
  /** re-read the feed this often when no notification arrives */
  pollMs: number;
  retentionMs: number;
  /** subscribes to wake-ups (PostgreSQL LISTEN); absent: poll only */
  listen?: (wake: () => void) => { close(): Promise<void> };
}

/**
 * Keeps this process's vector indexes in step with the database through the index change feed:
 * applies, in seq order, every change after the last applied one (adds read their vector from
 * `embeddings`; removes drop the label). Applying is idempotent, so a row seen twice is harmless.
 */
export class IndexFollower {
  private pollTimer: NodeJS.Timeout | null = null;
  private listener: { close(): Promise<void> } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastPrune = 0;
  /** when a catch-up last succeeded: rows are kept for the retention period, so a follower this recent cannot be behind them */
  private lastCaughtUp = Date.now();
  private closed = false;

  constructor(
    private readonly changes: IndexChangeRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly index: VectorIndexRepository,
    private readonly key: BundleKey,
    private readonly logger: Logger,
    private readonly options: IndexFollowerOptions,
  ) {}

  /** The seq the indexes are known to reflect before they are checked against the database. */
  settledHead(): Promise<number> {
    return this.changes.settledHead(FEED_SETTLE_MS);
  }

  /**
   * At start, on the saved indexes: applies the feed after the saved seq, when the feed still
   * holds everything after it (otherwise the label check that follows rebuilds).
   */
  async replay(saved: SavedFeedPosition | null): Promise<void> {
    // rows after a seq saved that long ago may be pruned: the label check decides instead
    if (saved === null || Date.now() - saved.savedAt > this.options.retentionMs / 2) return;
    let after = saved.seq;
    for (;;) {
      const rows = await this.changes.after(after, PAGE);
      if (rows.length === 0) return;
      await this.apply(rows);
      after = rows[rows.length - 1].seq;
    }
  }

  /** Follows the feed from `seq` (every change up to it is in the indexes). */
  start(seq: number): void {
    this.index.appliedSeq = seq;
    this.lastCaughtUp = Date.now();
    this.pollTimer = setInterval(() => this.wake(), this.options.pollMs);
    this.pollTimer.unref();
    this.listener = this.options.listen?.(() => this.wake()) ?? null;
    this.wake();
  }

  /** Catches up now (or once more after the catch-up in progress). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.catchUp()
      .catch((err) => this.logger.warn({ err }, 'following the index change feed failed; retrying at the next poll'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves once every change committed before the call is applied (tests, and a clean close). */
  async sync(): Promise<void> {
    while (this.running) await this.running;
    await this.catchUp();
  }

  private async catchUp(): Promise<void> {
    let cursor = this.index.appliedSeq;
    if (Date.now() - this.lastCaughtUp > this.options.retentionMs / 2 && (await this.fellBehind(cursor))) {
      const head = await this.changes.settledHead(FEED_SETTLE_MS);
      this.logger.warn({ appliedSeq: cursor }, 'this process fell behind the pruned index change feed; rebuilding its indexes from the database');
      await this.index.rebuild('behind the change feed');
      this.index.appliedSeq = cursor = head;
    }
    let after = cursor;
    for (;;) {
      const rows = await this.changes.after(after, PAGE);
      if (rows.length === 0) break;
      await this.apply(rows);
      for (const row of rows) {
        // the cursor passes a row once every lower seq is settled: contiguous, or the row is old enough
        if (row.seq === cursor + 1 || row.ageMs > FEED_SETTLE_MS) cursor = row.seq;
        else break;
      }
      after = rows[rows.length - 1].seq;
      if (rows.length < PAGE) break;
    }
    this.index.appliedSeq = cursor;
    this.lastCaughtUp = Date.now();
    if (Date.now() - this.lastPrune > PRUNE_INTERVAL_MS) {
      this.lastPrune = Date.now();
      const pruned = await this.changes.prune(this.options.retentionMs);
      if (pruned) this.logger.info({ pruned }, 'pruned old index change feed rows');
    }
  }

  /** Rows after `seq` are missing from the feed: pruned, or (harmlessly) rolled back. */
  private async fellBehind(seq: number): Promise<boolean> {
    const oldest = await this.changes.oldest();
    return oldest !== null && oldest > seq + 1;
  }

  private async apply(rows: IndexChange[]): Promise<void> {
    const mine = rows.filter((r) => r.bundle === this.key.bundle && r.bundleVersion === this.key.bundleVersion && this.index.isOpen(r.modality));
    const wanted = mine.filter((r) => r.op === 'ADD' && !this.index.has(r.modality, r.label)).map((r) => r.label);
    const vectors = await this.embeddings.byLabels(this.key, wanted);
    for (const row of mine) {
      if (row.op === 'REMOVE') this.index.remove(row.modality, row.label);
      else {
        const vector = vectors.get(row.label);
        // gone again by now: a later REMOVE row follows
        if (vector && !this.index.has(row.modality, row.label)) this.index.add(row.modality, row.label, decodeVector(vector));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.listener?.close();
    while (this.running) await this.running;
  }
}
