import 'reflect-metadata';
import { buildSchema, type PubSub } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { authChecker } from './context.js';
import { ApiKeyResolver } from './resolvers/api-key.resolver.js';
import { AssetResolver } from './resolvers/asset.resolver.js';
import { LibraryResolver } from './resolvers/library.resolver.js';
import { MapResolver } from './resolvers/map.resolver.js';
import { SearchResolver } from './resolvers/search.resolver.js';
import { SystemResolver } from './resolvers/system.resolver.js';
import { TaggingResolver } from './resolvers/tagging.resolver.js';
import { GenerationResolver } from './resolvers/generation.resolver.js';

/**
 * Subscriptions here bring their own `subscribe` (jobUpdated follows the job row, which any process
 * may change), so there are no topics; type-graphql still insists on a PubSub.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('no pub/sub topics: subscriptions use their own subscribe functions');
  },
  subscribe: () => {
    throw new Error('no pub/sub topics: subscriptions use their own subscribe functions');
  },
};

export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [SearchResolver, AssetResolver, TaggingResolver, LibraryResolver, MapResolver, SystemResolver, ApiKeyResolver, GenerationResolver],
    authChecker,
    pubSub: NO_TOPICS,
    validate: false,
  });
}
