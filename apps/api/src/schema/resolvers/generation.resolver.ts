import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { FileUpload } from 'graphql-upload-minimal';
import { Asset } from '../types/asset.type.js';
import { GenerateImageInput, GenerateMusicInput, Generation } from '../types/generation.type.js';
import { Job } from '../types/job.type.js';
import { AssetSource } from '../types/enums.js';
import { callerKeyId, type ApiContext } from '../context.js';
import { readUpload } from '../upload.util.js';
import { toJob } from '../job.mapper.js';
import { toGeneration } from '../generation.mapper.js';
import { toAsset } from '../asset.mapper.js';

/** A generation's uploads are read before anything else; the service checks the rest. */
const readOptional = async (file: Promise<FileUpload> | undefined) => (file ? readUpload(file) : undefined);

/** The fields a client gave: an explicit null is the same as leaving the field out. */
const given = <T extends object>(fields: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined)) as Partial<{ [K in keyof T]: NonNullable<T[K]> }>;

@Resolver(() => Asset)
export class GenerationResolver {
  @Authorized('write')
  @Mutation(() => Job, {
    description: 'Generates music for an image as a job (follow it with jobUpdated or job(id)); its result is { assetIds } of GENERATED audio assets, in variation order',
  })
  async generateMusic(@Arg('input', () => GenerateMusicInput) input: GenerateMusicInput, @Ctx() ctx: ApiContext): Promise<Job> {
    const { image, prompt, guide, ...rest } = input;
    const job = await ctx.services.generation.start({
      ...given(rest),
      apiKeyId: callerKeyId(ctx),
      image: await readOptional(image),
      prompt: await readOptional(prompt),
      guide: await readOptional(guide),
    });
    return toJob(job);
  }

  @Authorized('write')
  @Mutation(() => Job, {
    description: 'Generates pictures for a track as a job (follow it with jobUpdated or job(id)); its result is { assetIds } of GENERATED image assets, in variation order',
  })
  async generateImage(@Arg('input', () => GenerateImageInput) input: GenerateImageInput, @Ctx() ctx: ApiContext): Promise<Job> {
    const { audio, guide, ...rest } = input;
    const job = await ctx.services.imageGeneration.start({
      ...given(rest),
      apiKeyId: callerKeyId(ctx),
      audio: await readOptional(audio),
      guide: await readOptional(guide),
    });
    return toJob(job);
  }

  @Authorized('read')
  @Query(() => [Asset], {
    description: "The calling key's generated music and pictures, newest first (the results of its finished generateMusic and generateImage jobs, at most 100); needs an API key",
    complexity: ({ args, childComplexity }) => ((args.first as number | undefined) ?? 20) * (childComplexity + 1),
  })
  async myGenerations(@Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: ApiContext): Promise<Asset[]> {
    const rows = await ctx.services.generation.pastForKey(callerKeyId(ctx), first);
    return rows.map((row) => toAsset(row, ctx.baseUrl));
  }

  @FieldResolver(() => Generation, { nullable: true, description: 'how it was made: null unless source is GENERATED' })
  async generation(@Root() asset: Asset, @Ctx() ctx: ApiContext): Promise<Generation | null> {
    if (asset.source !== AssetSource.GENERATED) return null;
    const row = await ctx.loaders.generation.load(asset.id);
    return row ? toGeneration(row, ctx.baseUrl) : null;
  }
}
