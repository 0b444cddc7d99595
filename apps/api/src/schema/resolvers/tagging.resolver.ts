import { Arg, Authorized, Ctx, Float, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { TagSuggestion } from '../types/asset.type.js';
import { Job } from '../types/job.type.js';
import { callerKeyId, type ApiContext } from '../context.js';
import { readUpload } from '../upload.util.js';
import { toJob } from '../job.mapper.js';

@Resolver()
export class TaggingResolver {
  @Authorized('read')
  @Query(() => [TagSuggestion], {
    description: 'Tags for an uploaded file or a stored asset, voted by its nearest neighbours of the other modality',
  })
  async suggestTags(
    @Arg('file', () => GraphQLUpload, { nullable: true }) file: Promise<FileUpload> | undefined,
    @Arg('assetId', () => ID, { nullable: true }) assetId: string | undefined,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() ctx: ApiContext,
  ): Promise<TagSuggestion[]> {
    const bytes = file ? (await readUpload(file)).bytes : undefined;
    return ctx.services.tagging.suggest({ bytes, assetId }, first);
  }

  @Authorized('write')
  @Mutation(() => Job, { description: 'Suggests tags for many assets as a job; with apply, keeps those scoring at least minScore as PREDICTED tags' })
  async tagAssets(
    @Arg('assetIds', () => [ID], { nullable: true }) assetIds: string[] | undefined,
    @Arg('libraryId', () => ID, { nullable: true }) libraryId: string | undefined,
    @Arg('minScore', () => Float, { defaultValue: 0.5 }) minScore: number,
    @Arg('apply', () => Boolean, { defaultValue: true }) apply: boolean,
    @Arg('maxTagsPerAsset', () => Int, { defaultValue: 5 }) maxTagsPerAsset: number,
    @Ctx() ctx: ApiContext,
  ): Promise<Job> {
    const job = await ctx.services.tagging.startTagJob({ apiKeyId: callerKeyId(ctx), assetIds, libraryId, minScore, apply, maxTagsPerAsset });
    return toJob(job);
  }
}
