import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { Asset, AssetConnection, TagCount } from '../types/asset.type.js';
import { AssetFilter } from '../types/inputs.js';
import { callerKeyId, type ApiContext } from '../context.js';
import { readUpload } from '../upload.util.js';
import { toAsset } from '../asset.mapper.js';
import { encodeCursor } from '../../services/asset.service.js';

/** every tag in use with its count: a grouped scan of the tag links */
const TAG_COUNTS_COST = 20;

@Resolver()
export class AssetResolver {
  @Authorized('read')
  @Query(() => AssetConnection, {
    description: 'Assets, newest first (Relay connection)',
    complexity: ({ args, childComplexity }) => ((args.first as number | undefined) ?? 20) * (childComplexity + 1),
  })
  async assets(
    @Arg('filter', () => AssetFilter, { nullable: true }) filter: AssetFilter | undefined,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<AssetConnection> {
    const page = await ctx.services.assets.page(filter ?? {}, first, after);
    const edges = page.rows.map((row) => ({ cursor: encodeCursor(row.id), node: toAsset(row, ctx.baseUrl) }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
      totalCount: page.totalCount,
    };
  }

  @Authorized('read')
  @Query(() => Asset, { nullable: true })
  async asset(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Asset | null> {
    const row = await ctx.services.assets.get(id);
    return row ? toAsset(row, ctx.baseUrl) : null;
  }

  @Authorized('read')
  @Query(() => [TagCount], { description: 'Every tag in use, with how many assets carry it', complexity: TAG_COUNTS_COST })
  async tags(@Ctx() ctx: ApiContext): Promise<TagCount[]> {
    return ctx.services.stats.tagCounts();
  }

  @Authorized('write')
  @Mutation(() => Asset, {
    description:
      'Stores, embeds and indexes an image or audio file; the same bytes twice give the same asset. With a job queue (REDIS_URL) the embedding ' +
      'runs as an INGEST_ASSET job on a worker and this answers once the job has finished, with the asset or the refusal and its code; ' +
      'when no worker finished it within MUSE_INGEST_WAIT_MS the answer is SERVICE_UNAVAILABLE with extensions.jobId (the job goes on: ' +
      'job(id).result.assetId names the asset once it succeeds). The asset exists only once embedded.',
  })
  async ingestAsset(
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Arg('title', () => String, { nullable: true }) title: string | undefined,
    @Arg('caption', () => String, { nullable: true }) caption: string | undefined,
    @Arg('tags', () => [String], { nullable: true }) tags: string[] | undefined,
    @Arg('libraryId', () => ID, { nullable: true }) libraryId: string | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<Asset> {
    const { bytes, filename } = await readUpload(file);
    const options = {
      source: 'UPLOAD' as const,
      title: title ?? (filename.replace(/\.[^.]*$/, '') || null),
      caption: caption ?? null,
      tags: tags ?? [],
      tagOrigin: 'USER' as const,
      libraryId: libraryId ?? null,
    };
    const { asset } = await ctx.services.uploads.upload(bytes, options, callerKeyId(ctx));
    return toAsset(asset, ctx.baseUrl);
  }

  @Authorized('write')
  @Mutation(() => Boolean, { description: 'Removes the asset, its file and its vectors' })
  async deleteAsset(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    return ctx.services.assets.delete(id);
  }

  @Authorized('write')
  @Mutation(() => Asset, { description: 'Adds USER tags' })
  async addTags(@Arg('assetId', () => ID) assetId: string, @Arg('tags', () => [String]) tags: string[], @Ctx() ctx: ApiContext): Promise<Asset> {
    return toAsset(await ctx.services.assets.addTags(assetId, tags), ctx.baseUrl);
  }

  @Authorized('write')
  @Mutation(() => Asset, { description: 'Removes tags of any origin' })
  async removeTags(@Arg('assetId', () => ID) assetId: string, @Arg('tags', () => [String]) tags: string[], @Ctx() ctx: ApiContext): Promise<Asset> {
    return toAsset(await ctx.services.assets.removeTags(assetId, tags), ctx.baseUrl);
  }
}
