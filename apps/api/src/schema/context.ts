import type { AuthChecker } from 'type-graphql';
import type { GenerationRow } from '../repositories/generation.repository.js';
import type { Principal, Scope } from '../services/auth.service.js';
import type { Services } from '../services/services.js';
import { BatchLoader } from './batch-loader.js';
import { ForbiddenException, UnauthenticatedException } from '../errors/app.exception.js';

export interface ApiContext {
  services: Services;
  principal: Principal | null | 'invalid';
  readsRequireKey: boolean;
  /** scheme://host the client used (X-Forwarded-Host/-Proto from a loopback proxy honoured), for absolute media URLs */
  baseUrl: string;
  /** per request: fields resolved on every item of a list, loaded in one query (see BatchLoader) */
  loaders: RequestLoaders;
}

export interface RequestLoaders {
  /** Asset.generation */
  generation: BatchLoader<string, GenerationRow | null>;
  /** Library.assetCount */
  libraryAssetCount: BatchLoader<string, number>;
}

export function requestLoaders(services: Services): RequestLoaders {
  return {
    generation: new BatchLoader((ids) => services.generation.forAssets(ids), null),
    libraryAssetCount: new BatchLoader((ids) => services.libraries.countAssets(ids), 0),
  };
}

/** `@Authorized('write')` etc. No key → UNAUTHENTICATED; a key without the scope → FORBIDDEN. */
export const authChecker: AuthChecker<ApiContext> = ({ context }, roles) => {
  const needed = (roles[0] ?? 'read') as Scope;
  const { principal } = context;
  if (principal === 'invalid') throw new UnauthenticatedException('the API key is not valid (send Authorization: Bearer <key>)');
  if (needed === 'read' && !context.readsRequireKey) return true;
  if (!principal) throw new UnauthenticatedException(`this operation needs an API key with the "${needed}" scope (Authorization: Bearer <key>)`);
  if (!principal.scopes.has(needed)) throw new ForbiddenException(`this API key lacks the "${needed}" scope`);
  return true;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id of the API key that made the request: null without a key, or for the local admin token (no key row). */
export function callerKeyId(context: ApiContext): string | null {
  const { principal } = context;
  return principal && principal !== 'invalid' && UUID.test(principal.keyId) ? principal.keyId : null;
}
