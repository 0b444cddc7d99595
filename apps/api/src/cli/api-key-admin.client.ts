import type { KeyAdmin, KeyInfo } from './key-admin.js';

const KEY_FIELDS = 'id prefix name scopes createdAt revokedAt';

/** Key management through a running API's GraphQL endpoint, with an admin credential. */
export function apiKeyAdmin(url: string, credential: string): KeyAdmin {
  async function call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    const error = body.errors?.[0];
    if (error) throw new Error(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
    if (!res.ok || !body.data) throw new Error(`the API at ${url} answered HTTP ${res.status}`);
    return body.data;
  }
  return {
    where: `the running API at ${url}`,
    async create(name, scopes) {
      const data = await call<{ createApiKey: { key: string; apiKey: RawKey } }>(
        `mutation($name: String!, $scopes: [String!]!) { createApiKey(name: $name, scopes: $scopes) { key apiKey { ${KEY_FIELDS} } } }`,
        { name, scopes },
      );
      return { key: data.createApiKey.key, apiKey: toKeyInfo(data.createApiKey.apiKey) };
    },
    async list() {
      return (await call<{ apiKeys: RawKey[] }>(`{ apiKeys { ${KEY_FIELDS} } }`)).apiKeys.map(toKeyInfo);
    },
    async revoke(idOrPrefix) {
      const data = await call<{ revokeApiKey: RawKey[] }>(`mutation($k: String!) { revokeApiKey(idOrPrefix: $k) { ${KEY_FIELDS} } }`, { k: idOrPrefix });
      return data.revokeApiKey.map(toKeyInfo);
    },
    close: async () => undefined,
  };
}

type RawKey = Omit<KeyInfo, 'createdAt' | 'revokedAt'> & { createdAt: string; revokedAt: string | null };

function toKeyInfo(k: RawKey): KeyInfo {
  return { ...k, createdAt: new Date(k.createdAt), revokedAt: k.revokedAt ? new Date(k.revokedAt) : null };
}
