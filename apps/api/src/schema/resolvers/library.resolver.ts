import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Library } from '../types/library.type.js';
import type { ApiContext } from '../context.js';

@Resolver(() => Library)
export class LibraryResolver {
  @Authorized('read')
  @Query(() => [Library])
  async libraries(@Ctx() ctx: ApiContext): Promise<Library[]> {
    return ctx.services.libraries.list();
  }

  @Authorized('read')
  @Query(() => Library, { nullable: true })
  async library(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Library | null> {
    return ctx.services.libraries.get(id);
  }

  @FieldResolver(() => Int)
  async assetCount(@Root() library: Library, @Ctx() ctx: ApiContext): Promise<number> {
    return ctx.loaders.libraryAssetCount.load(library.id);
  }

  @Authorized('write')
  @Mutation(() => Library)
  async createLibrary(
    @Arg('name', () => String) name: string,
    @Arg('description', () => String, { nullable: true }) description: string | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<Library> {
    return ctx.services.libraries.create(name, description);
  }

  @Authorized('write')
  @Mutation(() => Boolean, { description: 'Deletes the library; its assets stay' })
  async deleteLibrary(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    return ctx.services.libraries.delete(id);
  }

  @Authorized('write')
  @Mutation(() => Library)
  async addAssetsToLibrary(
    @Arg('libraryId', () => ID) libraryId: string,
    @Arg('assetIds', () => [ID]) assetIds: string[],
    @Ctx() ctx: ApiContext,
  ): Promise<Library> {
    return ctx.services.libraries.addAssets(libraryId, assetIds);
  }

  @Authorized('write')
  @Mutation(() => Library)
  async removeAssetsFromLibrary(
    @Arg('libraryId', () => ID) libraryId: string,
    @Arg('assetIds', () => [ID]) assetIds: string[],
    @Ctx() ctx: ApiContext,
  ): Promise<Library> {
    return ctx.services.libraries.removeAssets(libraryId, assetIds);
  }
}
