import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { HnswIndex, type SearchHit } from '@muse/embeddings';
import type { AssetKind } from '../generated/prisma/enums.js';
import type { BundleKey, EmbeddingRepository } from './embedding.repository.js';
import { decodeVector } from './vector-codec.util.js';

export const MODALITIES: AssetKind[] = ['IMAGE', 'AUDIO'];

/** Where in the index change feed the saved indexes stood (DATA_DIR/index/<bundle>/<version>/feed.json). */
export interface SavedFeedPosition {
  seq: number;
  /** Date.now() of the save */
  savedAt: number;
}

export interface IndexOpenReport {
  modality: AssetKind;
  size: number;
  action: 'loaded' | 'caught up' | 'rebuilt';
  reason?: string;
}

/**
 * One HNSW index (from @muse/embeddings) per modality of the bundle in use, saved under
 * DATA_DIR/index/<bundle>/<version>/<modality>.hnsw. The database is the source of truth: an
 * index that is missing, unreadable or whose labels differ from the database's is rebuilt from
 * the stored vectors at start. Changes are saved a little after they happen, and at close,
 * with the change feed's seq they reflect (feed.json), so a restart replays the feed from there.
 */
export class VectorIndexRepository {
  private readonly indexes = new Map<AssetKind, HnswIndex>();
  private readonly dirty = new Set<AssetKind>();
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private seq = 0;
  private seqDirty = false;
  private tracksFeed = false;
  /** adds and removes so far per modality, to tell whether a replay changed an index */
  private readonly changeCounts = new Map<AssetKind, number>();

  constructor(
    private readonly embeddings: EmbeddingRepository,
    private readonly key: BundleKey,
    private readonly dim: number,
    private readonly rootDir: string,
    private readonly logger: Logger,
    private readonly saveDelayMs: number,
  ) {}

  private get bundleDir(): string {
    return join(this.rootDir, this.key.bundle);
  }

  private get dir(): string {
    return join(this.bundleDir, this.key.bundleVersion);
  }

  private path(modality: AssetKind): string {
    return join(this.dir, `${modality.toLowerCase()}.hnsw`);
  }

  private get feedPath(): string {
    return join(this.dir, 'feed.json');
  }

  /**
   * Loads the saved indexes, lets `replay` apply the change feed after the seq saved with them
   * (a restart catches up instead of rebuilding), then checks each against the database's labels
   * and rebuilds any that still differ, or that are missing or unreadable.
   */
  async open(replay?: (saved: SavedFeedPosition | null) => Promise<void>): Promise<IndexOpenReport[]> {
    const otherVersions = (await readdir(this.bundleDir).catch(() => [] as string[])).filter((name) => name !== this.key.bundleVersion);
    await mkdir(this.dir, { recursive: true });
    // temp files of a save that a crash interrupted
    for (const name of await readdir(this.dir)) if (/\.tmp(-|$)/.test(name)) await rm(join(this.dir, name), { force: true });
    const problems = new Map<AssetKind, string>();
    for (const modality of MODALITIES) {
      const problem = await this.loadOne(modality, otherVersions.length > 0);
      if (problem) problems.set(modality, problem);
    }
    const before = new Map(this.changeCounts);
    if (replay && this.indexes.size > 0) await replay(await this.readSavedPosition());
    const reports: IndexOpenReport[] = [];
    for (const modality of MODALITIES) {
      const caughtUp = (this.changeCounts.get(modality) ?? 0) > (before.get(modality) ?? 0);
      reports.push(await this.checkOne(modality, problems.get(modality), caughtUp));
    }
    // indexes of other versions of this bundle (and of the layout before versioned folders) are dead weight
    for (const name of otherVersions) await rm(join(this.bundleDir, name), { recursive: true, force: true });
    return reports;
  }

  /** Loads the saved index of one modality; returns why it cannot be used, or null. */
  private async loadOne(modality: AssetKind, otherVersions: boolean): Promise<string | null> {
    const path = this.path(modality);
    if (!(await exists(path))) return otherVersions ? 'bundle version changed' : 'missing';
    try {
      this.indexes.set(modality, await HnswIndex.load(path, this.dim));
      return null;
    } catch (err) {
      return `unreadable: ${(err as Error).message}`;
    }
  }

  private async checkOne(modality: AssetKind, problem: string | undefined, caughtUp: boolean): Promise<IndexOpenReport> {
    const labels = await this.embeddings.labels(this.key, modality);
    let reason = problem;
    const loaded = this.indexes.get(modality);
    if (loaded) {
      if (loaded.size === labels.length && labels.every((label) => loaded.has(label))) {
        return { modality, size: loaded.size, action: caughtUp ? 'caught up' : 'loaded' };
      }
      reason = 'stale (labels differ from the database)';
    }
    return this.rebuildOne(modality, labels.length, reason ?? 'missing');
  }

  /** Builds a new index from the database's vectors, then swaps it in: searches meanwhile use the old one. */
  private async rebuildOne(modality: AssetKind, expected: number, reason: string): Promise<IndexOpenReport> {
    const index = HnswIndex.create(this.dim, Math.max(1024, expected * 2));
    for await (const page of this.embeddings.vectors(this.key, modality)) {
      for (const row of page) index.add(row.label, decodeVector(row.vector));
    }
    this.indexes.set(modality, index);
    this.dirty.add(modality);
    await this.flush();
    this.logger.info({ modality, size: index.size, reason }, 'vector index rebuilt from the database');
    return { modality, size: index.size, action: 'rebuilt', reason };
  }

  /** Rebuilds every index from the database (a replica that fell behind the change feed's pruned horizon). */
  async rebuild(reason: string): Promise<void> {
    for (const modality of MODALITIES) await this.rebuildOne(modality, this.indexes.get(modality)?.size ?? 0, reason);
  }

  /** The change feed's seq applied before the index's last save, and when; null when none was saved. */
  private async readSavedPosition(): Promise<SavedFeedPosition | null> {
    try {
      const { seq, savedAt } = JSON.parse(await readFile(this.feedPath, 'utf8')) as { seq?: unknown; savedAt?: unknown };
      const valid = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 && typeof savedAt === 'number';
      return valid ? { seq, savedAt } : null;
    } catch {
      return null;
    }
  }

  /** Whether an index of this modality is open (a saved one may be missing at start). */
  isOpen(modality: AssetKind): boolean {
    return this.indexes.has(modality);
  }

  has(modality: AssetKind, label: number): boolean {
    return this.get(modality).has(label);
  }

  /** The change feed's seq this process's indexes reflect; saved with them. */
  get appliedSeq(): number {
    return this.seq;
  }

  /** Setting it (PostgreSQL only) saves it with the indexes from then on. */
  set appliedSeq(seq: number) {
    this.tracksFeed = true;
    if (seq === this.seq) return;
    this.seq = seq;
    this.seqDirty = true;
    this.scheduleSave();
  }

  private get(modality: AssetKind): HnswIndex {
    const index = this.indexes.get(modality);
    if (!index) throw new Error('vector indexes are not open');
    return index;
  }

  add(modality: AssetKind, label: number, vector: Float32Array): void {
    this.get(modality).add(label, vector);
    this.changed(modality);
  }

  remove(modality: AssetKind, label: number): void {
    if (this.get(modality).remove(label)) this.changed(modality);
  }

  size(modality: AssetKind): number {
    return this.get(modality).size;
  }

  /** k nearest labels, best first; `allowed` restricts the search (min(k, |allowed|) hits). */
  search(modality: AssetKind, query: Float32Array, k: number, allowed?: ReadonlySet<number>): SearchHit[] {
    return k > 0 ? this.get(modality).search(query, k, allowed) : [];
  }

  /** Brute-force k nearest, for measuring the index's recall. */
  exactSearch(modality: AssetKind, query: Float32Array, k: number): SearchHit[] {
    return this.get(modality).exactSearch(query, k);
  }

  private changed(modality: AssetKind): void {
    this.dirty.add(modality);
    this.changeCounts.set(modality, (this.changeCounts.get(modality) ?? 0) + 1);
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.flush().catch((err) => this.logger.error({ err }, 'saving vector index failed'));
    }, this.saveDelayMs);
    this.saveTimer.unref();
  }

  /** Writes every changed index (atomically, with its checksummed sidecar). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    // a failed save must not wedge later ones
    this.saving = this.saving.catch(() => undefined).then(async () => {
      // the seq is read before the indexes are written: a saved index may be ahead of its seq
      // (changes are applied again, harmlessly) but never behind it
      const seq = this.seq;
      const seqDirty = this.seqDirty || this.dirty.size > 0;
      this.seqDirty = false;
      for (const modality of [...this.dirty]) {
        this.dirty.delete(modality);
        await this.get(modality).save(this.path(modality));
      }
      if (seqDirty && this.tracksFeed) await writeFileAtomic(this.feedPath, JSON.stringify({ seq, savedAt: Date.now() }));
    });
    await this.saving;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}
