import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { SearchHit } from '../types/asset.type.js';
import { AssetFilter } from '../types/inputs.js';
import { AssetKind } from '../types/enums.js';
import type { ApiContext } from '../context.js';
import { readUpload } from '../upload.util.js';
import { toAsset } from '../asset.mapper.js';
import type { SearchHitResult } from '../../services/search.service.js';

const perHit = ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }) =>
  ((args.first as number | undefined) ?? 10) * (childComplexity + 1);

@Resolver()
export class SearchResolver {
  @Authorized('read')
  @Query(() => [SearchHit], { description: 'Music closest to an image (PNG, JPEG, WebP, GIF)', complexity: perHit })
  async searchMusicByImage(
    @Arg('image', () => GraphQLUpload) image: Promise<FileUpload>,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('filter', () => AssetFilter, { nullable: true }) filter: AssetFilter | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<SearchHit[]> {
    return searchByUpload(image, AssetKind.IMAGE, AssetKind.AUDIO, first, filter, ctx);
  }

  @Authorized('read')
  @Query(() => [SearchHit], {
    description: 'Images closest to audio: a hummed or sung clip or a recording of any length (long clips are windowed and pooled)',
    complexity: perHit,
  })
  async searchImagesByAudio(
    @Arg('audio', () => GraphQLUpload) audio: Promise<FileUpload>,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('filter', () => AssetFilter, { nullable: true }) filter: AssetFilter | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<SearchHit[]> {
    return searchByUpload(audio, AssetKind.AUDIO, AssetKind.IMAGE, first, filter, ctx);
  }

  @Authorized('read')
  @Query(() => [SearchHit], {
    description: 'Music closest to audio: query by humming (a hummed, sung or whistled tune) or by a recording of any length',
    complexity: perHit,
  })
  async searchMusicByAudio(
    @Arg('audio', () => GraphQLUpload) audio: Promise<FileUpload>,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('filter', () => AssetFilter, { nullable: true }) filter: AssetFilter | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<SearchHit[]> {
    return searchByUpload(audio, AssetKind.AUDIO, AssetKind.AUDIO, first, filter, ctx);
  }

  @Authorized('read')
  @Query(() => [SearchHit], { description: 'Nearest assets of `kind` to a stored asset (cross-modal when kinds differ); the asset itself is left out', complexity: perHit })
  async similar(
    @Arg('assetId', () => ID) assetId: string,
    @Arg('kind', () => AssetKind) kind: AssetKind,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('filter', () => AssetFilter, { nullable: true }) filter: AssetFilter | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<SearchHit[]> {
    return hits(await ctx.services.search.byAsset(assetId, kind, first, filter ?? {}), ctx);
  }
}

/** Embeds an uploaded image or clip and returns the nearest assets of `targetKind`. */
async function searchByUpload(
  upload: Promise<FileUpload>,
  uploadKind: AssetKind,
  targetKind: AssetKind,
  first: number,
  filter: AssetFilter | undefined,
  ctx: ApiContext,
): Promise<SearchHit[]> {
  const { bytes } = await readUpload(upload);
  return hits(await ctx.services.search.byUpload(bytes, uploadKind, targetKind, first, filter ?? {}), ctx);
}

function hits(results: SearchHitResult[], ctx: ApiContext): SearchHit[] {
  return results.map((r) => ({ score: r.score, asset: toAsset(r.asset, ctx.baseUrl) }));
}
