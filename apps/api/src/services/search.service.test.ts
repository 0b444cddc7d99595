import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LIMITS, searchFixture, towards, unit } from './testing/fakes.js';
import { OLD_BUNDLE, seedAsset } from './testing/world.js';

/**
 * A query image Q at (1, 0, 0), images I1..I4 and audios A1..A3 at falling similarity to it.
 * I1 and I3 carry the tag "keep", as Q does.
 */
function setup() {
  const f = searchFixture();
  const { world, index, search: service } = f;
  const seed = (kind: 'IMAGE' | 'AUDIO', cos: number, tags: string[] = []) => seedAsset(world, index, { kind, vector: towards(cos), tags });
  const q = seed('IMAGE', 1, ['keep']);
  const i1 = seed('IMAGE', 0.9, ['keep']);
  const i2 = seed('IMAGE', 0.8);
  const i3 = seed('IMAGE', 0.7, ['keep']);
  const i4 = seed('IMAGE', 0.6);
  const a1 = seed('AUDIO', 0.95);
  const a2 = seed('AUDIO', 0.5);
  const a3 = seed('AUDIO', 0.2);
  return { ...f, service, q, i1, i2, i3, i4, a1, a2, a3 };
}

const ids = (hits: { asset: { id: string } }[]) => hits.map((h) => h.asset.id);
/** For assert.rejects: the error carries this client-facing code. */
const code = (expected: string) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, expected, String(err));
  return true;
};

test('byUpload checks `first` before any embedding or index work', async () => {
  const s = setup();
  const bytes = s.embed.define('a photo', 'IMAGE', unit(1, 0, 0));
  for (const bad of [0, -1, LIMITS.maxResults + 1, 2.5, Number.NaN]) {
    await assert.rejects(s.service.byUpload(bytes, 'IMAGE', 'AUDIO', bad), code('BAD_USER_INPUT'));
  }
  assert.equal(s.embed.uploads.length, 0);
  assert.equal(s.index.searches.length, 0);
  assert.equal((await s.service.byUpload(bytes, 'IMAGE', 'AUDIO', LIMITS.maxResults)).length, 3);
});

test('byAsset checks `first` before looking the asset up (a bad first on an unknown id is BAD_USER_INPUT)', async () => {
  const s = setup();
  await assert.rejects(s.service.byAsset(randomUUID(), 'IMAGE', 0), code('BAD_USER_INPUT'));
  await assert.rejects(s.service.byAsset(s.q.id, 'IMAGE', LIMITS.maxResults + 1), code('BAD_USER_INPUT'));
  assert.deepEqual(s.assets.calls, []);
  assert.deepEqual(s.embeddings.calls, []);
});

test('byUpload decodes the file as the declared kind and returns the nearest targets, best first, with their scores', async () => {
  const s = setup();
  const song = s.embed.define('a song', 'AUDIO', unit(1, 0, 0));
  await assert.rejects(s.service.byUpload(song, 'IMAGE', 'AUDIO', 2), /expected IMAGE/);
  assert.deepEqual(s.embed.uploads[0], { text: 'a song', expect: 'IMAGE' });
  assert.equal(s.index.searches.length, 0, 'a refused upload searches nothing');

  const photo = s.embed.define('a photo', 'IMAGE', unit(1, 0, 0));
  const hits = await s.service.byUpload(photo, 'IMAGE', 'AUDIO', 2);
  assert.deepEqual(ids(hits), [s.a1.id, s.a2.id]);
  assert.ok(Math.abs(hits[0].score - 0.95) < 1e-6 && Math.abs(hits[1].score - 0.5) < 1e-6);
  assert.deepEqual(s.index.searches, [{ modality: 'AUDIO', k: 2 }]);
});

test('an upload is not a stored asset: a stored asset with the same vector is a result, and the index is asked for exactly `first`', async () => {
  const s = setup();
  const photo = s.embed.define('a copy of Q', 'IMAGE', unit(1, 0, 0));
  const hits = await s.service.byUpload(photo, 'IMAGE', 'IMAGE', 2);
  assert.deepEqual(ids(hits), [s.q.id, s.i1.id]);
  assert.deepEqual(s.index.searches, [{ modality: 'IMAGE', k: 2 }]);
});

test('nearest without a filter asks the index for first + 1 and drops the query asset itself', async () => {
  const s = setup();
  const hits = await s.service.byAsset(s.q.id, 'IMAGE', 2);
  assert.deepEqual(ids(hits), [s.i1.id, s.i2.id]);
  assert.deepEqual(s.index.searches, [{ modality: 'IMAGE', k: 3 }]);
});

test('nearest without a filter still returns exactly `first` when the index does not return the query asset', async () => {
  const s = setup();
  s.index.remove('IMAGE', s.q.label!); // an approximate index may miss it
  const hits = await s.service.byAsset(s.q.id, 'IMAGE', 2);
  assert.deepEqual(ids(hits), [s.i1.id, s.i2.id]);
});

test('nearest with a filter removes the query asset\'s label from the allowed set and asks for exactly `first`', async () => {
  const s = setup();
  const hits = await s.service.byAsset(s.q.id, 'IMAGE', 2, { tags: ['keep'] });
  assert.deepEqual(ids(hits), [s.i1.id, s.i3.id]);
  assert.deepEqual(s.index.searches, [{ modality: 'IMAGE', k: 2, allowed: [s.i1.label!, s.i3.label!].sort((a, b) => a - b) }]);
});

test('across modalities the query asset cannot be a result: no +1, nothing removed', async () => {
  const s = setup();
  const hits = await s.service.byAsset(s.q.id, 'AUDIO', 2);
  assert.deepEqual(ids(hits), [s.a1.id, s.a2.id]);
  assert.deepEqual(s.index.searches, [{ modality: 'AUDIO', k: 2 }]);
});

test('the filter\'s kind is replaced by the target kind when the allowed labels are looked up', async () => {
  const s = setup();
  s.world.upsertTags(s.a2.id, [{ name: 'keep', origin: 'USER', score: 1 }]);
  const hits = await s.service.byAsset(s.q.id, 'AUDIO', 5, { kind: 'IMAGE', tags: ['keep'] });
  assert.deepEqual(ids(hits), [s.a2.id]);
  assert.deepEqual(s.embeddings.labelsMatchingCalls, [{ modality: 'AUDIO', filter: { kind: 'AUDIO', tags: ['keep'] } }]);
});

test('a filter of only undefined values and empty lists is no filter (no label lookup, unrestricted search)', async () => {
  const s = setup();
  const hits = await s.service.byAsset(s.q.id, 'IMAGE', 4, { tags: [], sources: [], text: undefined, libraryId: undefined });
  assert.deepEqual(ids(hits), [s.i1.id, s.i2.id, s.i3.id, s.i4.id]);
  assert.equal(s.embeddings.labelsMatchingCalls.length, 0);
  assert.deepEqual(s.index.searches, [{ modality: 'IMAGE', k: 5 }]);
});

test('a filter that matches nothing gives no hits', async () => {
  const s = setup();
  assert.deepEqual(await s.service.byAsset(s.q.id, 'AUDIO', 5, { tags: ['nowhere'] }), []);
  assert.deepEqual(s.index.searches, [{ modality: 'AUDIO', k: 5, allowed: [] }]);
});

test('hydrate keeps the index\'s order (not the database\'s) and drops hits whose asset vanished', async () => {
  const s = setup();
  const gone = seedAsset(s.world, s.index, { kind: 'IMAGE', vector: towards(0.85) });
  s.world.deleteAsset(gone.id); // deleted from the database, not yet from the index
  const hits = await s.service.hydrate([
    { label: s.i3.label!, score: 0.3 },
    { label: gone.label!, score: 0.2 },
    { label: s.i1.label!, score: 0.9 },
  ]);
  assert.deepEqual(
    hits.map((h) => [h.asset.id, h.score]),
    [
      [s.i3.id, 0.3],
      [s.i1.id, 0.9],
    ],
  );
  assert.deepEqual(hits[0].asset.tags.map((t) => t.tag.name), ['keep'], 'assets come with their tags');

  // through a search: the vanished asset's hit is dropped (from the index too) and the page filled from the rest, in order
  assert.deepEqual(ids(await s.service.byAsset(s.q.id, 'IMAGE', 3)), [s.i1.id, s.i2.id, s.i3.id]);
});

test('hydrate of no hits asks the database nothing', async () => {
  const s = setup();
  assert.deepEqual(await s.service.hydrate([]), []);
  assert.deepEqual(s.assets.calls, []);
});

test('byAsset on an unknown id, or on an asset with no vector for the bundle in use, is NOT_FOUND', async () => {
  const s = setup();
  await assert.rejects(s.service.byAsset(randomUUID(), 'IMAGE', 5), code('NOT_FOUND'));
  const stale = seedAsset(s.world, null, { kind: 'IMAGE', vector: unit(1, 0, 0), key: OLD_BUNDLE });
  await assert.rejects(s.service.byAsset(stale.id, 'IMAGE', 5), (err: Error) => {
    assert.equal((err as unknown as { code: string }).code, 'NOT_FOUND');
    assert.match(err.message, /no embedding for bundle muvis-test/);
    return true;
  });
  assert.equal(s.index.searches.length, 0);
});

test('vectorOfAsset returns the stored vector, the asset\'s kind, its id and its index label', async () => {
  const s = setup();
  const v = await s.service.vectorOfAsset(s.a2.id);
  assert.equal(v.kind, 'AUDIO');
  assert.equal(v.assetId, s.a2.id);
  assert.equal(typeof v.label, 'number', 'its index label, so a search from it can leave it out without another lookup');
  assert.deepEqual([...v.vector], [...towards(0.5)]);
});

test('assets another process deleted (rows gone, this index not yet told) are dropped from the index and the page is still full', async () => {
  const s = setup();
  // another replica deletes I1 and I2: the database no longer has them, this process's index still does
  s.world.deleteAsset(s.i1.id);
  s.world.deleteAsset(s.i2.id);
  const photo = s.embed.define('a photo', 'IMAGE', unit(1, 0, 0));
  const hits = await s.service.byUpload(photo, 'IMAGE', 'IMAGE', 3);
  assert.deepEqual(ids(hits), [s.q.id, s.i3.id, s.i4.id]);
  assert.equal(s.index.size('IMAGE'), 3, 'the stale labels left the index');
  assert.deepEqual(s.index.searches.map((x) => x.k), [3, 3]);
});
