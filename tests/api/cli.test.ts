// The command-line entry points: npm run keys / migrate / ingest (--corpus and --dir).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, gql, gqlUpload, image, removeDir, startTestApi, tempDir, testEnv, tune } from './harness.js';

let root: string;
let dataDir: string;
let corpusDir: string;

function cli(script: string, args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/api/src/cli', script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...testEnv(dataDir) } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A three-item corpus laid out as packages/immute writes one (see docs/architecture.md). */
async function writeCorpus(dir: string) {
  for (const sub of ['images', 'audio']) mkdirSync(join(dir, sub), { recursive: true });
  const lines: string[] = [];
  for (const index of [0, 1, 2]) {
    const id = String(index).padStart(5, '0');
    writeFileSync(join(dir, `images/${id}.png`), (await image(1000 + index, 'png', 64, 64)).bytes);
    writeFileSync(join(dir, `audio/${id}.wav`), tune(1000 + index, 2).bytes);
    lines.push(JSON.stringify({
      index, ytid: `yt${index}`, caption: `Item ${index}: a calm piano piece`, aspects: ['calm', 'piano'],
      tags: ['calm', index === 2 ? 'low-quality' : 'piano'], split: 'train', seed: index,
      files: { audio: `audio/${id}.wav`, image: `images/${id}.png`, midi: `midi/${id}.mid`, hum: [] },
    }));
  }
  writeFileSync(join(dir, 'manifest.jsonl'), lines.join('\n') + '\n');
}

before(async () => {
  root = tempDir();
  dataDir = join(root, 'data');
  corpusDir = join(root, 'corpus');
  await writeCorpus(corpusDir);
});

after(() => removeDir(root));

test('npm run migrate migrates and npm run keys creates, lists and revokes keys', async () => {
  const migrated = cli('migrate.ts', []);
  assert.equal(migrated.code, 0, migrated.stderr);
  const made = cli('keys.ts', ['create', '--scopes', 'read,write', '--name', 'ci']);
  assert.equal(made.code, 0, made.stderr);
  const key = made.stdout.trim();
  assert.match(key, /^muse_[A-Za-z0-9_-]{20,}$/);
  const bad = cli('keys.ts', ['create', '--scopes', 'read,root']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown scope/);
  const listed = cli('keys.ts', ['list']);
  assert.match(listed.stdout, /ci {2}read,write/);
  assert.ok(!listed.stdout.includes(key), 'the key itself is never shown again');

  const server = await startTestApi(dataDir);
  try {
    const r = await gqlUpload(server.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(5) }, { key });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    // while the API holds the embedded database, the CLI says so instead of corrupting it
    const locked = cli('keys.ts', ['list']);
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /in use by process/);
  } finally {
    await server.close();
  }
  const prefix = key.slice(0, 11);
  assert.equal(cli('keys.ts', ['revoke', prefix]).code, 0);
  const server2 = await startTestApi(dataDir);
  try {
    const r = await gql(server2.url, 'mutation { createLibrary(name: "after revoke") { id } }', {}, { key });
    assert.equal(r.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  } finally {
    await server2.close();
  }
});

test('npm run ingest -- --corpus links image and music of an item, keeps caption and corpus tags, and is idempotent', async () => {
  const first = cli('ingest.ts', ['--corpus', corpusDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /6 new, 0 already present, 0 failed/);
  const second = cli('ingest.ts', ['--corpus', corpusDir]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /0 new, 6 already present, 0 failed/);

  const server = await startTestApi(dataDir);
  try {
    const r = await gql(server.url, '{ assets(first: 50, filter: { sources: [CORPUS] }) { totalCount edges { node { id kind caption pairKey title tags { name origin } } } } }');
    assert.equal(r.data.assets.totalCount, 6);
    const nodes = r.data.assets.edges.map((e: any) => e.node);
    const item2 = nodes.filter((n: any) => n.pairKey === 'immute:2');
    assert.deepEqual(item2.map((n: any) => n.kind).sort(), ['AUDIO', 'IMAGE']);
    for (const n of item2) {
      assert.equal(n.caption, 'Item 2: a calm piano piece');
      assert.deepEqual(n.tags.map((t: any) => `${t.name}:${t.origin}`).sort(), ['calm:CORPUS', 'low-quality:CORPUS']);
    }
    const stats = await gql(server.url, '{ stats { images audio indexes { size } } }');
    assert.deepEqual(stats.data.stats.indexes.map((i: any) => i.size), [4, 3]);
  } finally {
    await server.close();
  }
});

test('npm run ingest -- --dir ingests every media file of a folder into a library', async () => {
  const folder = join(root, 'folder');
  mkdirSync(join(folder, 'nested'), { recursive: true });
  writeFileSync(join(folder, 'a.png'), (await image(2000)).bytes);
  writeFileSync(join(folder, 'nested/b.wav'), tune(2000).bytes);
  writeFileSync(join(folder, 'notes.txt'), 'not media');
  writeFileSync(join(folder, 'fake.jpg'), 'not a jpeg either');
  const run = cli('ingest.ts', ['--dir', folder, '--library', 'Folder']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /2 new, 0 already present, 1 failed/);
  assert.match(run.stderr, /UNSUPPORTED_MEDIA .*fake\.jpg/);
  const server = await startTestApi(dataDir);
  try {
    const libs = await gql(server.url, '{ libraries { id name assetCount } }');
    const lib = libs.data.libraries.find((l: any) => l.name === 'Folder');
    assert.equal(lib.assetCount, 2);
  } finally {
    await server.close();
  }
  const usage = cli('ingest.ts', []);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage/);
});
