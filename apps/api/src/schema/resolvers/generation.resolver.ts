import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { FileUpload } from 'graphql-upload-minimal';
import { Asset } from '../types/asset.type.js';
import { GenerateMusicInput, Generation } from '../types/generation.type.js';
import { Job } from '../types/job.type.js';
import { AssetSource } from '../types/enums.js';
import { callerKeyId, type ApiContext } from '../context.js';
import { readUpload } from '../upload.util.js';
import { toJob } from '../job.mapper.js';
import { toGeneration } from '../generation.mapper.js';
import { toAsset } from '../asset.mapper.js';

/** generateMusic's uploads are read before anything else; the service checks the rest. */
const readOptional = async (file: Promise<FileUpload> | undefined) => (file ? readUpload(file) : undefined);

@Resolver(() => Asset)
export class GenerationResolver {
  @Authorized('write')
  @Mutation(() => Job, {
    description: 'Generates music for an image as a job (follow it with jobUpdated or job(id)); its result is { assetIds } of GENERATED audio assets, in variation order',
  })
  async generateMusic(@Arg('input', () => GenerateMusicInput) input: GenerateMusicInput, @Ctx() ctx: ApiContext): Promise<Job> {
    const { image, prompt, guide, ...rest } = input;
    // an explicit null is the same as leaving the field out
    const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null && value !== undefined));
    const job = await ctx.services.generation.start({
      ...given,
      apiKeyId: callerKeyId(ctx),
      image: await readOptional(image),
      prompt: await readOptional(prompt),
      guide: await readOptional(guide),
    });
    return toJob(job);
  }

  @Authorized('read')
  @Query(() => [Asset], {
    description: "The calling key's generated music, newest first (the results of its finished generateMusic jobs, at most 100); needs an API key",
    complexity: ({ args, childComplexity }) => ((args.first as number | undefined) ?? 20) * (childComplexity + 1),
  })
  async myGenerations(@Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: ApiContext): Promise<Asset[]> {
    const rows = await ctx.services.generation.pastForKey(callerKeyId(ctx), first);
    return rows.map((row) => toAsset(row, ctx.baseUrl));
  }

  @FieldResolver(() => Generation, { nullable: true, description: 'how it was made: null unless source is GENERATED' })
  async generation(@Root() asset: Asset, @Ctx() ctx: ApiContext): Promise<Generation | null> {
    if (asset.source !== AssetSource.GENERATED) return null;
    const row = await ctx.services.generation.forAsset(asset.id);
    return row ? toGeneration(row, ctx.baseUrl) : null;
  }
}
