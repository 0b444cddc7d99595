import type { Logger } from 'pino';
import type { AssetFilterCriteria, AssetRepository, AssetRow } from '../repositories/asset.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import type { VectorIndexRepository } from '../repositories/vector-index.repository.js';
import type { Limits } from '../config/config.js';
import { requireCount } from './count-limit.util.js';
import { checkFilter } from './asset-filter.util.js';
import { BadUserInputException, NotFoundException } from '../errors/app.exception.js';
import { normaliseTagNames } from './tag-name.util.js';

export interface AssetPage {
  rows: AssetRow[];
  hasNextPage: boolean;
  totalCount: number;
}

const CURSOR_PREFIX = 'asset:';

/** A generated asset's MIDI lives in the media store as <sha256 of the MIDI bytes>.mid. */
export const MIDI_EXT = 'mid';

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith(CURSOR_PREFIX)) throw new BadUserInputException('after is not a cursor from this API');
  return raw.slice(CURSOR_PREFIX.length);
}

export class AssetService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly media: MediaStore,
    private readonly index: VectorIndexRepository,
    private readonly bundle: string,
    private readonly limits: Limits,
    private readonly logger: Logger,
  ) {}

  get(id: string): Promise<AssetRow | null> {
    return this.assets.findById(id);
  }

  async require(id: string): Promise<AssetRow> {
    const row = await this.assets.findById(id);
    if (!row) throw new NotFoundException(`asset ${id} does not exist`);
    return row;
  }

  async page(filter: AssetFilterCriteria, first: number, after?: string | null): Promise<AssetPage> {
    requireCount('first', first, this.limits.maxResults);
    filter = checkFilter(filter, this.limits);
    const afterId = after ? decodeCursor(after) : undefined;
    if (afterId && !(await this.assets.exists(afterId))) throw new BadUserInputException('after points at an asset that no longer exists');
    const [rows, totalCount] = await Promise.all([this.assets.page(filter, first + 1, afterId), this.assets.count(filter)]);
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }

  /** Removes rows, vector and file; the asset can never be a search result afterwards. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.assets.delete(id);
    if (!deleted) throw new NotFoundException(`asset ${id} does not exist`);
    for (const e of deleted.embeddings) if (e.bundle === this.bundle) this.index.remove(e.modality, e.id);
    await this.media.remove(deleted.asset.sha256, deleted.asset.ext).catch((err) =>
      this.logger.warn({ err, assetId: id }, 'media file could not be removed'),
    );
    if (deleted.orphanedMidiSha256) {
      await this.media.remove(deleted.orphanedMidiSha256, MIDI_EXT).catch((err) => this.logger.warn({ err, assetId: id }, 'MIDI file could not be removed'));
    }
    return true;
  }

  async addTags(id: string, names: string[]): Promise<AssetRow> {
    await this.require(id);
    await this.assets.addTags(id, normaliseTagNames(names).map((name) => ({ name, origin: 'USER' as const, score: 1 })));
    return this.require(id);
  }

  async removeTags(id: string, names: string[]): Promise<AssetRow> {
    await this.require(id);
    for (const name of normaliseTagNames(names)) await this.assets.removeTag(id, name);
    return this.require(id);
  }

  async mediaLocation(id: string): Promise<{ path: string; mime: string; bytes: number } | null> {
    const row = await this.assets.findById(id);
    if (!row) return null;
    const path = await this.media.locate(row.sha256, row.ext);
    return path ? { path, mime: row.mime, bytes: row.bytes } : null;
  }
}
