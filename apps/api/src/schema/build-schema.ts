import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { authChecker } from './context.js';
import { ApiKeyResolver } from './resolvers/api-key.resolver.js';
import { AssetResolver } from './resolvers/asset.resolver.js';
import { LibraryResolver } from './resolvers/library.resolver.js';
import { MapResolver } from './resolvers/map.resolver.js';
import { SearchResolver } from './resolvers/search.resolver.js';
import { SystemResolver } from './resolvers/system.resolver.js';
import { TaggingResolver } from './resolvers/tagging.resolver.js';

export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [SearchResolver, AssetResolver, TaggingResolver, LibraryResolver, MapResolver, SystemResolver, ApiKeyResolver],
    authChecker,
    validate: false,
  });
}
