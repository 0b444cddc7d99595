import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey, ApiKeyRepository } from '../repositories/api-key.repository.js';
import { BadUserInputException, NotFoundException } from '../errors/app.exception.js';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  keyId: string;
  scopes: Set<Scope>;
}

const KEY_PREFIX = 'muse_';
const MAX_NAME_LENGTH = 100;

export class AuthService {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Makes a key; the plain key is returned once and only its hash is stored. */
  async createKey(name: string, scopes: string[]): Promise<{ key: string; id: string; prefix: string; scopes: Scope[]; row: ApiKey }> {
    const valid = parseScopes(scopes);
    const cleanName = name.trim();
    if (!cleanName || cleanName.length > MAX_NAME_LENGTH) throw new BadUserInputException(`a key name must be 1 to ${MAX_NAME_LENGTH} characters`);
    const secret = randomBytes(24).toString('base64url');
    const key = `${KEY_PREFIX}${secret}`;
    const prefix = key.slice(0, KEY_PREFIX.length + 6);
    const row = await this.keys.create({ name: cleanName, prefix, hash: hashKey(key), scopes: valid });
    return { key, id: row.id, prefix, scopes: valid, row };
  }

  /** Resolves an `Authorization: Bearer <key>` header; null when absent, throws nothing. No cache: a revoked key fails on the next request. */
  async authenticate(header: string | undefined): Promise<Principal | null | 'invalid'> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) return 'invalid';
    const row = await this.keys.findActiveByHash(hashKey(match[1]));
    if (!row) return 'invalid';
    void this.keys.touch(row.id).catch(() => undefined);
    const scopes = new Set(row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)));
    // admin implies write implies read
    if (scopes.has('admin')) scopes.add('write');
    if (scopes.has('write')) scopes.add('read');
    return { keyId: row.id, scopes };
  }

  list() {
    return this.keys.list();
  }

  /** Revokes the active keys with this id or prefix; NOT_FOUND when none matches. */
  async revoke(idOrPrefix: string): Promise<ApiKey[]> {
    const revoked = await this.keys.revoke(idOrPrefix.trim());
    if (revoked.length === 0) throw new NotFoundException(`no active API key has the id or prefix ${idOrPrefix}`);
    return revoked;
  }
}

export function parseScopes(scopes: string[]): Scope[] {
  const cleaned = [...new Set(scopes.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  if (cleaned.length === 0) throw new BadUserInputException(`give at least one scope (${SCOPES.join(', ')})`);
  const unknown = cleaned.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new BadUserInputException(`unknown scope(s) ${unknown.join(', ')}; use ${SCOPES.join(', ')}`);
  return cleaned as Scope[];
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
