import type { AssetKind } from '../generated/prisma/enums.js';
import type { AssetRepository } from '../repositories/asset.repository.js';
import type { TagRepository } from '../repositories/tag.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { SearchService, QueryVector } from './search.service.js';
import type { EmbedService } from './embed.service.js';
import type { JobService } from './job.service.js';
import type { Job } from '../repositories/job.repository.js';
import { requireCount } from './count-limit.util.js';
import { BadUserInputException, NotFoundException } from '../errors/app.exception.js';

/** The job type of `tagAssets`, under which its handler is registered. */
export const TAG_ASSETS_JOB = 'TAG_ASSETS';

/** Neighbours consulted per suggestion: enough to vote, few enough to stay local. */
export const TAG_NEIGHBOURS = 24;
/** Softmax temperature over cosine similarities of the neighbours. */
const TAG_TEMPERATURE = 0.05;
/** Listing cap for a tagging job's result (counts are always complete). */
const JOB_RESULT_LISTED_ASSETS = 500;

export interface TagSuggestion {
  name: string;
  score: number;
}

export interface TagAssetsInput {
  assetIds: string[];
  minScore: number;
  apply: boolean;
  maxTagsPerAsset: number;
}

export interface TagJobRequest {
  /** the key asking: the job's owner for cancelJob */
  apiKeyId?: string | null;
  assetIds?: string[];
  libraryId?: string;
  minScore: number;
  apply: boolean;
  maxTagsPerAsset: number;
}

export interface TagAssetsResult {
  processed: number;
  tagged: number;
  tagsApplied: number;
  assets: { assetId: string; tags: TagSuggestion[] }[];
}

const opposite = (k: AssetKind): AssetKind => (k === 'IMAGE' ? 'AUDIO' : 'IMAGE');

/**
 * Tags from the nearest neighbours in the joint space, across modalities: an image gets the
 * tags of the music closest to it and the reverse. A tag's score is the softmax-weighted share
 * of neighbours carrying it, so it lies in [0, 1].
 */
export class TaggingService {
  constructor(
    private readonly search: SearchService,
    private readonly embed: EmbedService,
    private readonly assets: AssetRepository,
    private readonly tags: TagRepository,
    private readonly libraries: LibraryRepository,
    private readonly jobs: JobService,
    private readonly maxResults: number,
  ) {
    jobs.register(TAG_ASSETS_JOB, (input, progress) => this.tagAssets(input as TagAssetsInput, progress));
  }

  /** Checks a tagging request and queues it as a TAG_ASSETS job. */
  async startTagJob(request: TagJobRequest): Promise<Job> {
    const { minScore, apply, maxTagsPerAsset } = request;
    if (!(minScore >= 0 && minScore <= 1)) throw new BadUserInputException('minScore must be in [0, 1]');
    requireCount('maxTagsPerAsset', maxTagsPerAsset, this.maxResults);
    const assetIds = await this.resolveTargets(request.assetIds, request.libraryId);
    const input: TagAssetsInput = { assetIds, minScore, apply, maxTagsPerAsset };
    return this.jobs.enqueue(TAG_ASSETS_JOB, { ...input }, { apiKeyId: request.apiKeyId });
  }

  /** Tags for an uploaded file (either kind) or a stored asset: exactly one of the two. */
  async suggest(target: { bytes?: Uint8Array; assetId?: string }, first: number): Promise<TagSuggestion[]> {
    if (Boolean(target.bytes) === Boolean(target.assetId)) throw new BadUserInputException('give exactly one of file or assetId');
    this.search.checkFirst(first);
    let query: QueryVector;
    if (target.bytes) {
      const { media, vector } = await this.embed.embedUpload(target.bytes);
      query = { kind: media.kind, vector };
    } else query = await this.search.vectorOfAsset(target.assetId!);
    return this.suggestFor(query, first);
  }

  private async suggestFor(query: QueryVector, first: number): Promise<TagSuggestion[]> {
    const neighbours = await this.search.nearest(query, opposite(query.kind), TAG_NEIGHBOURS);
    const usable = neighbours.filter((n) => n.asset.id !== query.assetId);
    if (usable.length === 0) return [];
    const tagsOf = await this.tags.namesByAsset(usable.map((n) => n.asset.id));
    const best = usable[0].score;
    const weights = usable.map((n) => Math.exp((n.score - best) / TAG_TEMPERATURE));
    const total = weights.reduce((a, b) => a + b, 0);
    const scores = new Map<string, number>();
    usable.forEach((n, i) => {
      for (const name of tagsOf.get(n.asset.id) ?? []) scores.set(name, (scores.get(name) ?? 0) + weights[i] / total);
    });
    return [...scores.entries()]
      .map(([name, score]) => ({ name, score: Math.min(1, Math.max(0, score)) }))
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
      .slice(0, first);
  }

  /** Validates a tagAssets request and resolves a library into its asset ids. */
  private async resolveTargets(assetIds: string[] | undefined, libraryId: string | undefined): Promise<string[]> {
    if ((assetIds?.length ? 1 : 0) + (libraryId ? 1 : 0) !== 1) {
      throw new BadUserInputException('give exactly one of assetIds or libraryId');
    }
    if (libraryId) {
      if (!(await this.libraries.findById(libraryId))) throw new NotFoundException(`library ${libraryId} does not exist`);
      return this.assets.idsInLibrary(libraryId);
    }
    const unique = [...new Set(assetIds)];
    const found = new Set(await this.assets.existingIds(unique));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length) throw new NotFoundException(`asset(s) ${missing.slice(0, 5).join(', ')} do not exist`);
    return unique;
  }

  /** The body of a TAG_ASSETS job. */
  async tagAssets(input: TagAssetsInput, progress: (fraction: number) => Promise<void>): Promise<TagAssetsResult> {
    const result: TagAssetsResult = { processed: 0, tagged: 0, tagsApplied: 0, assets: [] };
    for (const assetId of input.assetIds) {
      let query: QueryVector | null = null;
      try {
        query = await this.search.vectorOfAsset(assetId);
      } catch (err) {
        if (!(err instanceof NotFoundException)) throw err; // deleted since the job was queued
      }
      if (query) {
        const kept = (await this.suggestFor(query, input.maxTagsPerAsset)).filter((t) => t.score >= input.minScore);
        if (kept.length) result.tagged++;
        if (input.apply && kept.length) {
          await this.assets.addTags(assetId, kept.map((t) => ({ name: t.name, origin: 'PREDICTED' as const, score: t.score })));
          result.tagsApplied += kept.length;
        }
        if (result.assets.length < JOB_RESULT_LISTED_ASSETS) result.assets.push({ assetId, tags: kept });
      }
      result.processed++;
      await progress(result.processed / input.assetIds.length);
    }
    return result;
  }
}
