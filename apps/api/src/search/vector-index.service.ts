import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AssetKind } from '../generated/prisma/enums.js';
import type { BundleKey, EmbeddingRepository } from '../repositories/embedding.repository.js';
import type { AnnIndex, AnnIndexFactory } from './ann-index.js';
import { decodeVector, dot } from './vector-codec.util.js';

export const MODALITIES: AssetKind[] = ['IMAGE', 'AUDIO'];

/** Below this many allowed candidates an exact scan is both cheaper and exact. */
const EXACT_SCAN_MAX_CANDIDATES = 2000;

export interface IndexHit {
  label: number;
  score: number;
}

interface ModalityIndex {
  ann: AnnIndex;
  /** the live vectors by label, for exact scans of small filtered sets and recall checks */
  vectors: Map<number, Float32Array>;
  dirty: boolean;
}

interface IndexMeta {
  bundle: string;
  bundleVersion: string;
  modality: AssetKind;
  count: number;
  labelsSha256: string;
}

export interface IndexOpenReport {
  modality: AssetKind;
  size: number;
  action: 'loaded' | 'rebuilt';
  reason?: string;
}

/**
 * One HNSW index per (bundle, modality) under DATA_DIR/index/<bundle>/. The database is the
 * source of truth: at start an index whose label set differs from the DB's, or that fails
 * to load, is rebuilt from the stored vectors.
 */
export class VectorIndexService {
  private readonly indexes = new Map<AssetKind, ModalityIndex>();
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly embeddings: EmbeddingRepository,
    private readonly factory: AnnIndexFactory,
    private readonly key: BundleKey,
    private readonly dim: number,
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly saveDelayMs: number,
  ) {}

  private paths(modality: AssetKind) {
    const base = join(this.dir, this.key.bundle, modality.toLowerCase());
    return { index: `${base}.hnsw`, meta: `${base}.state.json` };
  }

  async open(): Promise<IndexOpenReport[]> {
    await mkdir(join(this.dir, this.key.bundle), { recursive: true });
    const reports: IndexOpenReport[] = [];
    for (const modality of MODALITIES) reports.push(await this.openOne(modality));
    return reports;
  }

  private async openOne(modality: AssetKind): Promise<IndexOpenReport> {
    const { index: indexPath, meta: metaPath } = this.paths(modality);
    const vectors = new Map<number, Float32Array>();
    for await (const page of this.embeddings.vectors(this.key, modality)) {
      for (const row of page) vectors.set(row.label, decodeVector(row.vector));
    }
    const expected = labelsDigest([...vectors.keys()]);
    let reason: string | undefined;
    try {
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as IndexMeta;
      if (meta.bundleVersion !== this.key.bundleVersion) reason = 'bundle version changed';
      else if (meta.labelsSha256 !== expected || meta.count !== vectors.size) reason = 'stale (labels differ from the database)';
      else {
        const ann = await this.factory.load(indexPath, this.dim);
        if (ann.size !== vectors.size) reason = 'stale (size differs from the database)';
        else {
          this.indexes.set(modality, { ann, vectors, dirty: false });
          return { modality, size: ann.size, action: 'loaded' };
        }
      }
    } catch (err) {
      reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable: ${(err as Error).message}`;
    }
    const ann = this.factory.create(this.dim, Math.max(1024, vectors.size * 2));
    for (const label of [...vectors.keys()].sort((a, b) => a - b)) ann.add(label, vectors.get(label)!);
    this.indexes.set(modality, { ann, vectors, dirty: true });
    await this.saveOne(modality);
    this.logger.info({ modality, size: ann.size, reason }, 'vector index rebuilt from the database');
    return { modality, size: ann.size, action: 'rebuilt', reason };
  }

  private get(modality: AssetKind): ModalityIndex {
    const idx = this.indexes.get(modality);
    if (!idx) throw new Error('vector indexes are not open');
    return idx;
  }

  add(modality: AssetKind, label: number, vector: Float32Array): void {
    const idx = this.get(modality);
    idx.ann.add(label, vector);
    idx.vectors.set(label, vector);
    idx.dirty = true;
    this.scheduleSave();
  }

  remove(modality: AssetKind, label: number): void {
    const idx = this.get(modality);
    if (!idx.vectors.has(label)) return;
    idx.ann.remove(label);
    idx.vectors.delete(label);
    idx.dirty = true;
    this.scheduleSave();
  }

  has(modality: AssetKind, label: number): boolean {
    return this.get(modality).vectors.has(label);
  }

  size(modality: AssetKind): number {
    return this.get(modality).vectors.size;
  }

  /**
   * k nearest labels, best first. `allowed` (when given) is applied inside the search, so the
   * result holds min(k, |allowed|) hits.
   */
  search(modality: AssetKind, query: Float32Array, k: number, allowed?: Set<number>): IndexHit[] {
    const idx = this.get(modality);
    if (k <= 0 || idx.vectors.size === 0) return [];
    if (allowed) {
      if (allowed.size <= EXACT_SCAN_MAX_CANDIDATES) return this.exactAmong(idx, query, k, allowed);
      const hits = idx.ann.search(query, k, (label) => allowed.has(label));
      const want = Math.min(k, allowed.size);
      return hits.length >= want ? hits : this.exactAmong(idx, query, k, allowed);
    }
    return idx.ann.search(query, Math.min(k, idx.vectors.size));
  }

  /** Brute-force k nearest, for small filtered sets and for measuring recall. */
  exactSearch(modality: AssetKind, query: Float32Array, k: number): IndexHit[] {
    const idx = this.get(modality);
    return this.exactAmong(idx, query, k, idx.vectors.keys());
  }

  private exactAmong(idx: ModalityIndex, query: Float32Array, k: number, labels: Iterable<number>): IndexHit[] {
    const hits: IndexHit[] = [];
    for (const label of labels) {
      const v = idx.vectors.get(label);
      if (v) hits.push({ label, score: dot(query, v) });
    }
    hits.sort((a, b) => b.score - a.score || a.label - b.label);
    return hits.slice(0, k);
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.flush().catch((err) => this.logger.error({ err }, 'saving vector index failed'));
    }, this.saveDelayMs);
    this.saveTimer.unref();
  }

  /** Writes every changed index (atomically) and its meta file. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    this.saving = this.saving.then(async () => {
      for (const modality of MODALITIES) if (this.indexes.get(modality)?.dirty) await this.saveOne(modality);
    });
    await this.saving;
  }

  private async saveOne(modality: AssetKind): Promise<void> {
    const idx = this.get(modality);
    const { index: indexPath, meta: metaPath } = this.paths(modality);
    idx.dirty = false;
    const labels = [...idx.vectors.keys()];
    await idx.ann.save(indexPath);
    const meta: IndexMeta = {
      bundle: this.key.bundle,
      bundleVersion: this.key.bundleVersion,
      modality,
      count: labels.length,
      labelsSha256: labelsDigest(labels),
    };
    const tmp = `${metaPath}.tmp`;
    await writeFile(tmp, JSON.stringify(meta, null, 2));
    await rename(tmp, metaPath);
  }
}

function labelsDigest(labels: number[]): string {
  const sorted = Float64Array.from(labels).sort();
  return createHash('sha256').update(Buffer.from(sorted.buffer)).digest('hex');
}
