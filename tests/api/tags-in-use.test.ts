// A tag is listed (by `tags` and counted in `stats`) only while some asset carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gql, gqlUpload, image, serveTestApi } from './harness.js';

const INGEST = 'mutation($f: Upload!, $tags: [String!]) { ingestAsset(file: $f, tags: $tags) { id } }';

let key: string;
const server = serveTestApi({}, async (api) => {
  key = await api.key(['write']);
});

async function ingest(seed: number, tags: string[]): Promise<string> {
  const r = await gqlUpload(server.url, INGEST, { f: null, tags }, { 'variables.f': await image(seed) }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.ingestAsset.id;
}

async function listed(): Promise<{ tags: Record<string, number>; statsTags: number }> {
  const r = await gql(server.url, '{ tags { name count } stats { tags } }');
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return { tags: Object.fromEntries(r.data.tags.map((t: any) => [t.name, t.count])), statsTags: r.data.stats.tags };
}

test('deleting the last asset with a tag removes the tag from `tags` and from `stats`', async () => {
  const only = await ingest(1, ['lonely', 'shared']);
  await ingest(2, ['shared']);
  assert.deepEqual(await listed(), { tags: { lonely: 1, shared: 2 }, statsTags: 2 });

  const del = await gql(server.url, 'mutation($id: ID!) { deleteAsset(id: $id) }', { id: only }, { key });
  assert.equal(del.data.deleteAsset, true);
  assert.deepEqual(await listed(), { tags: { shared: 1 }, statsTags: 1 });
});

test('removing a tag from its last asset removes it too, and it comes back when used again', async () => {
  const id = await ingest(3, ['fleeting']);
  assert.equal((await listed()).tags.fleeting, 1);
  const r = await gql(server.url, 'mutation($id: ID!) { removeTags(assetId: $id, tags: ["fleeting"]) { id } }', { id }, { key });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal((await listed()).tags.fleeting, undefined);
  await gql(server.url, 'mutation($id: ID!) { addTags(assetId: $id, tags: ["fleeting"]) { id } }', { id }, { key });
  assert.equal((await listed()).tags.fleeting, 1);
});
