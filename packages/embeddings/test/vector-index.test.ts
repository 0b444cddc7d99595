import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VectorIndex, HnswIndex, ExactIndex, IndexCorruptError, sidecarPath, indexExists } from '@muse/embeddings';
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
  const index = VectorIndex.create(3, 4);
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

test('a filter returns k matches whenever k matching items exist', () => {
  const count = 2000;
  const vectors = randomUnitVectors(count, DIM, 2);
  const index = HnswIndex.create(DIM, count, { efSearch: 10 });
  vectors.forEach((v, i) => index.add(i, v));
  // Rare matches (1 in 100): a plain beam of ef = k would run dry among non-matches.
  const rare = (label: number) => label % 100 === 7;
  for (const q of randomUnitVectors(5, DIM, 3)) {
    const hits = index.search(q, 10, rare);
    assert.equal(hits.length, 10);
    assert.ok(hits.every((h) => rare(h.label)));
    assert.deepEqual(hits.map((h) => h.label).sort(), ExactSearch(vectors, q, 10, rare).sort());
  }
  // Fewer matches than k: all of them, no more.
  const three = (label: number) => label === 5 || label === 500 || label === 1500;
  assert.deepEqual(index.search(vectors[0], 10, three).map((h) => h.label).sort((a, b) => a - b), [5, 500, 1500]);
  // Removed items never come back, even when a filter would accept them.
  index.remove(500);
  assert.deepEqual(index.search(vectors[0], 10, three).map((h) => h.label).sort((a, b) => a - b), [5, 1500]);
});

function ExactSearch(vectors: Float32Array[], q: Float32Array, k: number, filter?: (l: number) => boolean): number[] {
  const exact = new ExactIndex(q.length);
  vectors.forEach((v, i) => exact.add(i, v));
  return exact.search(q, k, filter).map((h) => h.label);
}

test('recall@10 against exact search is at least 0.95 on random data', () => {
  const count = 5000;
  const dim = 128;
  const vectors = randomUnitVectors(count, dim, 4);
  const hnsw = HnswIndex.create(dim, count);
  const exact = ExactIndex.create(dim);
  vectors.forEach((v, i) => {
    hnsw.add(i, v);
    exact.add(i, v);
  });
  let found = 0;
  const queries = randomUnitVectors(100, dim, 5);
  for (const q of queries) {
    const truth = new Set(exact.search(q, 10).map((h) => h.label));
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
  assert.ok(await indexExists(path));
  assert.deepEqual((await readdir(dir)).sort(), ['audio.hnsw', 'audio.hnsw.meta.json']); // no temp files left
  const sidecar = JSON.parse(await readFile(sidecarPath(path), 'utf8'));
  assert.equal(sidecar.count, 298);
  assert.equal(sidecar.dim, DIM);
  assert.match(sidecar.checksum, /^[0-9a-f]{64}$/);

  const loaded = await VectorIndex.load(path, DIM);
  assert.equal(loaded.size, 298);
  assert.equal(loaded.has(1003), false);
  for (const q of randomUnitVectors(10, DIM, 7)) {
    assert.deepEqual(loaded.search(q, 10), index.search(q, 10));
    assert.deepEqual(loaded.search(q, 5, (l) => l % 2 === 0), index.search(q, 5, (l) => l % 2 === 0));
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

  await assert.rejects(VectorIndex.load(path, DIM + 1), isCorrupt); // wrong dimension
  const bytes = await readFile(path);
  const flipped = Buffer.from(bytes);
  flipped[Math.floor(flipped.length / 2)] ^= 0xff;
  await writeFile(path, flipped);
  await assert.rejects(VectorIndex.load(path, DIM), isCorrupt); // one flipped byte
  await writeFile(path, bytes.subarray(0, 100));
  await assert.rejects(VectorIndex.load(path, DIM), isCorrupt); // truncated
  await writeFile(path, bytes);
  const sidecar = JSON.parse(await readFile(sidecarPath(path), 'utf8'));
  await writeFile(sidecarPath(path), JSON.stringify({ ...sidecar, count: 49 }));
  await assert.rejects(VectorIndex.load(path, DIM), isCorrupt); // labels disagree
  await rm(sidecarPath(path));
  await assert.rejects(VectorIndex.load(path, DIM), isCorrupt); // no sidecar
  await assert.rejects(VectorIndex.load(join(dir, 'missing.hnsw'), DIM), isCorrupt);
});

test('ExactIndex has the same interface and persists too', async () => {
  const dir = await tempDir();
  const path = join(dir, 'exact.bin');
  const exact = ExactIndex.create(3);
  exact.add(1, [2, 0, 0]); // stored normalised
  exact.add(2, [0, 3, 0]);
  exact.add(3, [1, 1, 0]);
  assert.deepEqual(exact.search([1, 0, 0], 2, (l) => l !== 1).map((h) => h.label), [3, 2]);
  await exact.save(path);
  const loaded = await ExactIndex.load(path, 3);
  assert.deepEqual(loaded.search([0, 1, 0], 3), exact.search([0, 1, 0], 3));
  const bytes = await readFile(path);
  bytes[12] ^= 1;
  await writeFile(path, bytes);
  await assert.rejects(ExactIndex.load(path, 3), IndexCorruptError);
});
