import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKey, CreatedApiKey } from '../types/api-key.type.js';
import type { ApiContext } from '../context.js';
import type { ApiKey as ApiKeyRow } from '../../repositories/api-key.repository.js';

@Resolver()
export class ApiKeyResolver {
  @Authorized('admin')
  @Query(() => [ApiKey], { description: 'Every API key, revoked ones included, oldest first' })
  async apiKeys(@Ctx() ctx: ApiContext): Promise<ApiKey[]> {
    return (await ctx.services.auth.list()).map(toApiKey);
  }

  @Authorized('admin')
  @Mutation(() => CreatedApiKey, { description: 'Makes a key; the key itself is in this answer only' })
  async createApiKey(
    @Arg('scopes', () => [String], { description: 'read, write and/or admin' }) scopes: string[],
    @Arg('name', () => String, { defaultValue: 'api' }) name: string,
    @Ctx() ctx: ApiContext,
  ): Promise<CreatedApiKey> {
    const made = await ctx.services.auth.createKey(name, scopes);
    return { key: made.key, apiKey: toApiKey(made.row) };
  }

  @Authorized('admin')
  @Mutation(() => [ApiKey], { description: 'Revokes the active key(s) with this id or prefix, effective on the next request; NOT_FOUND when none matches' })
  async revokeApiKey(@Arg('idOrPrefix', () => String) idOrPrefix: string, @Ctx() ctx: ApiContext): Promise<ApiKey[]> {
    return (await ctx.services.auth.revoke(idOrPrefix)).map(toApiKey);
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return { id: row.id, prefix: row.prefix, name: row.name, scopes: row.scopes, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
