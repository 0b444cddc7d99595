// Key management over GraphQL while the platform runs (admin scope), revocation effective on the
// next request, and the local admin token the API writes under DATA_DIR for the CLI on its machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeOf, gql, removeDir, serveTestApi, startTestApi, tempDir } from './harness.js';

const CREATE = 'mutation($name: String!, $scopes: [String!]!) { createApiKey(name: $name, scopes: $scopes) { key apiKey { id prefix name scopes createdAt revokedAt } } }';
const LIST = '{ apiKeys { id prefix name scopes createdAt lastUsedAt revokedAt } }';
const REVOKE = 'mutation($k: String!) { revokeApiKey(idOrPrefix: $k) { id prefix revokedAt } }';
const WRITE_SOMETHING = 'mutation($n: String!) { createLibrary(name: $n) { id } }';

let admin: string;
const server = serveTestApi({}, async (api) => {
  admin = await api.key(['admin']);
});

test('an admin key creates, lists and revokes keys; the secret is shown once', async () => {
  const made = await gql(server.url, CREATE, { name: 'ci', scopes: ['read', 'write'] }, { key: admin });
  assert.equal(made.errors, undefined, JSON.stringify(made.errors));
  const { key, apiKey } = made.data.createApiKey;
  assert.match(key, /^muse_[A-Za-z0-9_-]{20,}$/);
  assert.ok(key.startsWith(apiKey.prefix));
  assert.deepEqual([apiKey.name, apiKey.scopes, apiKey.revokedAt], ['ci', ['read', 'write'], null]);

  assert.equal((await gql(server.url, WRITE_SOMETHING, { n: 'by ci' }, { key })).errors, undefined, 'the new key works at once');
  const listed = await gql(server.url, LIST, {}, { key: admin });
  assert.ok(listed.data.apiKeys.some((k: any) => k.id === apiKey.id && k.lastUsedAt !== undefined));
  assert.ok(!JSON.stringify(listed).includes(key), 'the secret is never listed');

  const revoked = await gql(server.url, REVOKE, { k: apiKey.prefix }, { key: admin });
  assert.equal(revoked.data.revokeApiKey[0].id, apiKey.id);
  assert.ok(revoked.data.revokeApiKey[0].revokedAt);
  // the very next request with it is refused: no cache keeps a revoked key alive
  assert.equal(codeOf(await gql(server.url, WRITE_SOMETHING, { n: 'after revoke' }, { key })), 'UNAUTHENTICATED');
  assert.equal(codeOf(await gql(server.url, REVOKE, { k: apiKey.prefix }, { key: admin })), 'NOT_FOUND');
});

test('revoking by id works and bad scopes or names are BAD_USER_INPUT', async () => {
  const made = (await gql(server.url, CREATE, { name: 'by id', scopes: ['read'] }, { key: admin })).data.createApiKey;
  assert.equal((await gql(server.url, REVOKE, { k: made.apiKey.id }, { key: admin })).data.revokeApiKey.length, 1);
  assert.equal(codeOf(await gql(server.url, CREATE, { name: 'x', scopes: ['root'] }, { key: admin })), 'BAD_USER_INPUT');
  assert.equal(codeOf(await gql(server.url, CREATE, { name: 'x', scopes: [] }, { key: admin })), 'BAD_USER_INPUT');
  assert.equal(codeOf(await gql(server.url, CREATE, { name: '  ', scopes: ['read'] }, { key: admin })), 'BAD_USER_INPUT');
});

test('key management needs the admin scope', async () => {
  const writer = await server.key(['read', 'write']);
  for (const [q, v] of [[LIST, {}], [CREATE, { name: 'x', scopes: ['admin'] }], [REVOKE, { k: 'muse_abcdef' }]] as const) {
    assert.equal(codeOf(await gql(server.url, q, v)), 'UNAUTHENTICATED', q);
    assert.equal(codeOf(await gql(server.url, q, v, { key: writer })), 'FORBIDDEN', q);
  }
});

test('the API writes DATA_DIR/local-admin.json (0600); its token manages keys from loopback only, and nothing else', async () => {
  const path = join(server.dataDir, 'local-admin.json');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const local = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(local.pid, process.pid);
  assert.equal(new URL(local.url).port, new URL(server.url).port);

  const made = await gql(server.url, CREATE, { name: 'bootstrap', scopes: ['admin'] }, { key: local.token });
  assert.equal(made.errors, undefined, JSON.stringify(made.errors));
  // it is a key-management credential, not a write key
  assert.equal(codeOf(await gql(server.url, WRITE_SOMETHING, { n: 'by token' }, { key: local.token })), 'FORBIDDEN');
  // relayed by a proxy (as the web app's proxy on loopback would), it is refused
  const relayed = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${local.token}`, 'x-forwarded-for': '203.0.113.9' },
    body: JSON.stringify({ query: LIST }),
  });
  assert.equal(codeOf((await relayed.json()) as any), 'UNAUTHENTICATED');

  const dir = tempDir();
  const other = await startTestApi(dir);
  const otherFile = join(dir, 'local-admin.json');
  try {
    assert.equal(codeOf(await gql(other.url, LIST, {}, { key: local.token })), 'UNAUTHENTICATED', "one API's token is not another's");
    assert.ok(existsSync(otherFile));
  } finally {
    await other.close();
  }
  assert.ok(!existsSync(otherFile), 'removed when the API stops');
  removeDir(dir);
});
