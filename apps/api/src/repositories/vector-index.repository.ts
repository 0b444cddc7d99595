import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { HnswIndex, type SearchHit } from '@muse/embeddings';
import type { AssetKind } from '../generated/prisma/enums.js';
import type { BundleKey, EmbeddingRepository } from './embedding.repository.js';
import { decodeVector } from './vector-codec.util.js';

export const MODALITIES: AssetKind[] = ['IMAGE', 'AUDIO'];

export interface IndexOpenReport {
  modality: AssetKind;
  size: number;
  action: 'loaded' | 'rebuilt';
  reason?: string;
}

/**
 * One HNSW index (from @muse/embeddings) per modality of the bundle in use, saved under
 * DATA_DIR/index/<bundle>/<version>/<modality>.hnsw. The database is the source of truth: an
 * index that is missing, unreadable or whose labels differ from the database's is rebuilt from
 * the stored vectors at start. Changes are saved a little after they happen, and at close.
 */
export class VectorIndexRepository {
  private readonly indexes = new Map<AssetKind, HnswIndex>();
  private readonly dirty = new Set<AssetKind>();
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

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

  async open(): Promise<IndexOpenReport[]> {
    const otherVersions = (await readdir(this.bundleDir).catch(() => [] as string[])).filter((name) => name !== this.key.bundleVersion);
    await mkdir(this.dir, { recursive: true });
    // temp files of a save that a crash interrupted
    for (const name of await readdir(this.dir)) if (/\.tmp(-|$)/.test(name)) await rm(join(this.dir, name), { force: true });
    const reports: IndexOpenReport[] = [];
    for (const modality of MODALITIES) reports.push(await this.openOne(modality, otherVersions.length > 0));
    // indexes of other versions of this bundle (and of the layout before versioned folders) are dead weight
    for (const name of otherVersions) await rm(join(this.bundleDir, name), { recursive: true, force: true });
    return reports;
  }

  private async openOne(modality: AssetKind, otherVersions: boolean): Promise<IndexOpenReport> {
    const path = this.path(modality);
    const labels = await this.embeddings.labels(this.key, modality);
    let reason: string;
    if (!(await exists(path))) reason = otherVersions ? 'bundle version changed' : 'missing';
    else {
      try {
        const index = await HnswIndex.load(path, this.dim);
        if (index.size === labels.length && labels.every((label) => index.has(label))) {
          this.indexes.set(modality, index);
          return { modality, size: index.size, action: 'loaded' };
        }
        reason = 'stale (labels differ from the database)';
      } catch (err) {
        reason = `unreadable: ${(err as Error).message}`;
      }
    }
    const index = HnswIndex.create(this.dim, Math.max(1024, labels.length * 2));
    for await (const page of this.embeddings.vectors(this.key, modality)) {
      for (const row of page) index.add(row.label, decodeVector(row.vector));
    }
    this.indexes.set(modality, index);
    this.dirty.add(modality);
    await this.flush();
    this.logger.info({ modality, size: index.size, reason }, 'vector index rebuilt from the database');
    return { modality, size: index.size, action: 'rebuilt', reason };
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
      for (const modality of [...this.dirty]) {
        this.dirty.delete(modality);
        await this.get(modality).save(this.path(modality));
      }
    });
    await this.saving;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
