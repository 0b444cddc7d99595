import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HnswIndex, IndexCorruptError } from '@muse/embeddings';
import { EXACT_SCAN_MAX_CANDIDATES, sidecarPath } from './vector-index.js';
import { createRng } from '@muse/immute';

const DIM = 32;
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'muse-index-'));
  dirs.push(dir);
  return dir;
}

function randomUnitVectors(count: number, dim: number, seed: number): Float32Array[] {
  const random = createRng(seed).next;
  return Array.from({ length: count }, () => {
    // Sum of uniforms ≈ Gaussian: directions spread over the sphere.
    const v = Float32Array.from({ length: dim }, () => random() + random() + random() - 1.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

test('add, search (score = cosine similarity, best first), remove', () => {
  const index = HnswIndex.create(3, 4);
  index.add(1, [1, 0, 0]);
  index.add(2, [0, 1, 0]);
  index.add(3, [Math.SQRT1_2, Math.SQRT1_2, 0]);
  assert.equal(index.size, 3);
  const hits = index.search([1, 0, 0], 3);
  assert.deepEqual(hits.map((h) => h.label), [1, 3, 2]);
  assert.ok(Math.abs(hits[0].score - 1) < 1e-6);
  assert.ok(Math.abs(hits[1].score - Math.SQRT1_2) < 1e-6);
  assert.ok(Math.abs(hits[2].score) < 1e-6);
  assert.equal(index.remove(1), true);
  assert.equal(index.remove(1), false);
  assert.equal(index.size, 2);
  assert.deepEqual(index.search([1, 0, 0], 3).map((h) => h.label), [3, 2]);
  index.add(1, [0, 0, 1]); // a removed label can come back with a new vector
  assert.equal(index.search([0, 0, 1], 1)[0].label, 1);
  index.add(2, [0, 0, 1]); // re-adding replaces
  assert.equal(index.size, 3);
  assert.throws(() => index.add(-1, [1, 0, 0]), RangeError);
  assert.throws(() => index.add(5, [1, 0]), RangeError);
  assert.throws(() => index.add(5, [NaN, 0, 0]), RangeError);
});

test('capacity grows when full', () => {
  const index = HnswIndex.create(DIM, 2);
  const vectors = randomUnitVectors(50, DIM, 1);
  vectors.forEach((v, i) => index.add(i, v));
  assert.equal(index.size, 50);
  assert.ok(index.capacity >= 50);
  for (const i of [0, 17, 49]) assert.equal(index.search(vectors[i], 1)[0].label, i);
});

const labelsWhere = (count: number, keep: (label: number) => boolean) => new Set(Array.from({ length: count }, (_, i) => i).filter(keep));
const labelsOf = (hits: { label: number }[]) => hits.map((h) => h.label).sort((a, b) => a - b);

test('a small allowed set is scanned exactly: k matches whenever k exist, removed ones never', () => {
  const count = 2000;
  const vectors = randomUnitVectors(count, DIM, 2);
  const index = HnswIndex.create(DIM, count, { efSearch: 10 });
  vectors.forEach((v, i) => index.add(i, v));
  // Rare matches (1 in 100): a plain beam of ef = k would run dry among non-matches.
  const rare = labelsWhere(count, (l) => l % 100 === 7);
  for (const q of randomUnitVectors(5, DIM, 3)) {
    const hits = index.search(q, 10, rare);
    assert.deepEqual(hits, index.exactSearch(q, 10, rare));
    assert.equal(hits.length, 10);
    assert.ok(hits.every((h) => rare.has(h.label)));
  }
  const three = new Set([5, 500, 1500]);
  assert.deepEqual(labelsOf(index.search(vectors[0], 10, three)), [5, 500, 1500]); // fewer than k: all, no more
  index.remove(500);
  assert.deepEqual(labelsOf(index.search(vectors[0], 10, three)), [5, 1500]);
});

test('a large allowed set is searched in the graph and still gives k allowed matches', () => {
  const count = 3 * EXACT_SCAN_MAX_CANDIDATES;
  const vectors = randomUnitVectors(count, DIM, 9);
  const index = HnswIndex.create(DIM, count);
  vectors.forEach((v, i) => index.add(i, v));
  const allowed = labelsWhere(count, (l) => l % 3 !== 0);
  for (let l = 1; l < 200; l += 3) index.remove(l); // removed nodes starve the beam too
  let found = 0;
  const queries = randomUnitVectors(20, DIM, 10);
  for (const q of queries) {
    const hits = index.search(q, 10, allowed);
    assert.equal(hits.length, 10);
    assert.ok(hits.every((h) => allowed.has(h.label) && index.has(h.label)));
    const truth = new Set(labelsOf(index.exactSearch(q, 10, allowed)));
    found += hits.filter((h) => truth.has(h.label)).length;
  }
  assert.ok(found / (queries.length * 10) >= 0.9, `filtered recall@10 = ${found / (queries.length * 10)}`);
});

test('recall@10 against exact search is at least 0.95 on random data', () => {
  const count = 5000;
  const dim = 128;
  const vectors = randomUnitVectors(count, dim, 4);
  const hnsw = HnswIndex.create(dim, count);
  vectors.forEach((v, i) => hnsw.add(i, v));
  let found = 0;
  const queries = randomUnitVectors(100, dim, 5);
  for (const q of queries) {
    const truth = new Set(labelsOf(hnsw.exactSearch(q, 10)));
    found += hnsw.search(q, 10).filter((h) => truth.has(h.label)).length;
  }
  const recall = found / (queries.length * 10);
  assert.ok(recall >= 0.95, `recall@10 = ${recall}`);
});

test('save/load round-trips: same results, same removals; the write is atomic', async () => {
  const dir = await tempDir();
  const path = join(dir, 'audio.hnsw');
  const vectors = randomUnitVectors(300, DIM, 6);
  const index = HnswIndex.create(DIM, 100);
  vectors.forEach((v, i) => index.add(i + 1000, v));
  index.remove(1003);
  index.remove(1100);
  await index.save(path);
  assert.deepEqual((await readdir(dir)).sort(), ['audio.hnsw', 'audio.hnsw.meta.json']); // no temp files left
  const sidecar = JSON.parse(await readFile(sidecarPath(path), 'utf8'));
  assert.equal(sidecar.count, 298);
  assert.equal(sidecar.dim, DIM);
  assert.match(sidecar.checksum, /^[0-9a-f]{64}$/);

  const loaded = await HnswIndex.load(path, DIM);
  assert.equal(loaded.size, 298);
  assert.equal(loaded.has(1003), false);
  for (const q of randomUnitVectors(10, DIM, 7)) {
    assert.deepEqual(loaded.search(q, 10), index.search(q, 10));
    const even = labelsWhere(1300, (l) => l % 2 === 0);
    assert.deepEqual(loaded.search(q, 5, even), index.search(q, 5, even));
    assert.deepEqual(loaded.exactSearch(q, 10), index.exactSearch(q, 10), 'the vectors for exact scans survive the round trip');
  }
  loaded.add(5000, vectors[0]); // still writable after loading
  assert.equal(loaded.size, 299);
});

test('a corrupted, mismatched or half-saved index is IndexCorruptError', async () => {
  const dir = await tempDir();
  const path = join(dir, 'image.hnsw');
  const index = HnswIndex.create(DIM, 50);
  randomUnitVectors(50, DIM, 8).forEach((v, i) => index.add(i, v));
  await index.save(path);
  const isCorrupt = (e: unknown) => e instanceof IndexCorruptError && e.code === 'INDEX_CORRUPT';

  await assert.rejects(HnswIndex.load(path, DIM + 1), isCorrupt); // wrong dimension
  const bytes = await readFile(path);
  const flipped = Buffer.from(bytes);
  flipped[Math.floor(flipped.length / 2)] ^= 0xff;
  await writeFile(path, flipped);
  await assert.rejects(HnswIndex.load(path, DIM), isCorrupt); // one flipped byte
  await writeFile(path, bytes.subarray(0, 100));
  await assert.rejects(HnswIndex.load(path, DIM), isCorrupt); // truncated
  await writeFile(path, bytes);
  const sidecar = JSON.parse(await readFile(sidecarPath(path), 'utf8'));
  await writeFile(sidecarPath(path), JSON.stringify({ ...sidecar, count: 49 }));
  await assert.rejects(HnswIndex.load(path, DIM), isCorrupt); // labels disagree
  await rm(sidecarPath(path));
  await assert.rejects(HnswIndex.load(path, DIM), isCorrupt); // no sidecar
  await assert.rejects(HnswIndex.load(join(dir, 'missing.hnsw'), DIM), isCorrupt);
});
