import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { AssetKind, IndexChangeOp } from '../generated/prisma/enums.js';
import type { IndexChange, IndexChangeRepository } from '../repositories/index-change.repository.js';
import type { EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { VectorIndexRepository } from '../repositories/vector-index.repository.js';
import { encodeVector } from '../repositories/vector-codec.util.js';
import { FEED_SETTLE_MS, IndexFollower } from './index-follower.service.js';

const KEY = { bundle: 'muvis-test', bundleVersion: '1' };
const HOUR = 3_600_000;

/** The feed as rows in a table, and the embeddings rows that still exist (`byLabels`). */
class FakeChanges {
  rows: IndexChange[] = [];
  readonly vectorRows = new Map<number, Uint8Array>();
  pruned = 0;

  write(seq: number, op: IndexChangeOp, label: number, ageMs = 0, modality: AssetKind = 'IMAGE', bundle = KEY.bundle): void {
    this.rows.push({ seq, label, op, modality, bundle, bundleVersion: KEY.bundleVersion, ageMs });
    this.rows.sort((a, b) => a.seq - b.seq);
    if (op === 'ADD') this.vectorRows.set(label, encodeVector(Float32Array.of(label, 1)));
    else this.vectorRows.delete(label);
  }

  async after(seq: number, take: number) {
    return this.rows.filter((r) => r.seq > seq).slice(0, take);
  }
  async settledHead(settledAfterMs: number) {
    return Math.max(0, ...this.rows.filter((r) => r.ageMs > settledAfterMs).map((r) => r.seq));
  }
  async oldest() {
    return this.rows.length ? this.rows[0].seq : null;
  }
  async prune() {
    return this.pruned;
  }
  /** EmbeddingRepository.byLabels over the same rows */
  async byLabels(_key: unknown, labels: number[]) {
    return new Map(labels.filter((l) => this.vectorRows.has(l)).map((l) => [l, this.vectorRows.get(l)!]));
  }
}

/** A vector index as label sets per modality, with the feed position. */
class FakeIndex {
  readonly labels = new Map<AssetKind, Set<number>>([
    ['IMAGE', new Set()],
    ['AUDIO', new Set()],
  ]);
  appliedSeq = 0;
  rebuilds: string[] = [];
  isOpen() {
    return true;
  }
  has(m: AssetKind, label: number) {
    return this.labels.get(m)!.has(label);
  }
  add(m: AssetKind, label: number) {
    this.labels.get(m)!.add(label);
  }
  remove(m: AssetKind, label: number) {
    this.labels.get(m)!.delete(label);
  }
  async rebuild(reason: string) {
    this.rebuilds.push(reason);
  }
  image() {
    return [...this.labels.get('IMAGE')!].sort((a, b) => a - b);
  }
}

function follower(retentionMs = 24 * HOUR) {
  const changes = new FakeChanges();
  const index = new FakeIndex();
  const f = new IndexFollower(changes as unknown as IndexChangeRepository, changes as unknown as EmbeddingRepository, index as unknown as VectorIndexRepository, KEY, pino({ level: 'silent' }), { pollMs: 60_000, retentionMs });
  return { changes, index, f };
}

test('applies adds and removes in seq order, skips other bundles and adds whose row is gone again, and advances the cursor', async () => {
  const { changes, index, f } = follower();
  changes.write(1, 'ADD', 10);
  changes.write(2, 'ADD', 11);
  changes.write(3, 'ADD', 12, 0, 'IMAGE', 'another-bundle');
  changes.write(4, 'ADD', 13);
  changes.write(5, 'REMOVE', 13); // gone again before this process looked
  changes.write(6, 'REMOVE', 10);
  f.start(0);
  await f.sync();
  assert.deepEqual(index.image(), [11]);
  assert.equal(index.appliedSeq, 6);
  // applying again is harmless
  index.appliedSeq = 0;
  await f.sync();
  assert.deepEqual(index.image(), [11]);
  await f.close();
});

test('a missing seq (a transaction not yet committed) holds the cursor, rows past it are applied, and it settles', async () => {
  const { changes, index, f } = follower();
  changes.write(1, 'ADD', 10);
  changes.write(3, 'ADD', 12); // seq 2 is taken by a transaction still open
  f.start(0);
  await f.sync();
  assert.deepEqual(index.image(), [10, 12], 'rows past the hole are searchable at once');
  assert.equal(index.appliedSeq, 1, 'the cursor waits at the hole');
  changes.write(2, 'ADD', 11); // it commits: read again from the cursor
  await f.sync();
  assert.deepEqual(index.image(), [10, 11, 12]);
  assert.equal(index.appliedSeq, 3);

  changes.write(5, 'ADD', 14); // seq 4 rolled back: never appears
  await f.sync();
  assert.equal(index.appliedSeq, 3);
  changes.rows.find((r) => r.seq === 5)!.ageMs = FEED_SETTLE_MS + 1;
  await f.sync();
  assert.equal(index.appliedSeq, 5, 'a row older than any transaction proves the hole settled');
  await f.close();
});

test('at start: replays the feed after the saved seq, unless the save is older than half the retention', async () => {
  const { changes, index, f } = follower(2 * HOUR);
  changes.write(1, 'ADD', 10);
  changes.write(2, 'ADD', 11);
  changes.write(3, 'REMOVE', 10);
  index.add('IMAGE', 10);
  await f.replay({ seq: 1, savedAt: Date.now() - 10 * 60_000 });
  assert.deepEqual(index.image(), [11]);

  const stale = follower(2 * HOUR);
  stale.changes.write(7, 'ADD', 20);
  await stale.f.replay({ seq: 1, savedAt: Date.now() - 1.5 * HOUR });
  assert.deepEqual(stale.index.image(), [], 'left to the label check, which rebuilds');
  await stale.f.replay(null);
  assert.deepEqual(stale.index.image(), []);
});

test('a follower whose catch-ups failed for half the retention and whose rows were pruned rebuilds from the database', async (t) => {
  const { changes, index, f } = follower(2 * HOUR);
  changes.write(1, 'ADD', 10, 3 * HOUR);
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  f.start(1);
  await f.sync();
  assert.deepEqual(index.rebuilds, []);
  // the database was unreachable for 1.5 h; meanwhile rows 2..40 were written and 2..30 pruned
  t.mock.timers.tick(1.5 * HOUR);
  for (let seq = 31; seq <= 40; seq++) changes.write(seq, 'ADD', 100 + seq, 2 * FEED_SETTLE_MS);
  changes.rows = changes.rows.filter((r) => r.seq >= 31);
  await f.sync();
  assert.deepEqual(index.rebuilds, ['behind the change feed']);
  assert.equal(index.appliedSeq, 40);
  // a recent follower facing the same hole (a rollback) does not rebuild
  const recent = follower(2 * HOUR);
  recent.changes.write(5, 'ADD', 50);
  recent.f.start(3);
  await recent.f.sync();
  assert.deepEqual(recent.index.rebuilds, []);
  await recent.f.close();
  await f.close();
});
