// The command-line entry points: npm run keys / migrate / ingest (--corpus, --dir and --import, after npm run corpus -- import).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, gql, gqlUpload, image, removeDir, startTestApi, tempDir, testEnv, tune } from './harness.js';
import { createTempDatabase } from './pg.util.js';

let root: string;
let dataDir: string;
let corpusDir: string;

/** Runs an API CLI entry point (apps/api/src/cli/<script>) in a child process. */
function cli(script: string, args: string[], env: Record<string, string | undefined> = {}) {
  return run(join('apps/api/src/cli', script), args, env);
}

/** `npm run corpus -- <args>` (packages/immute's CLI). */
function corpusCli(args: string[]) {
  return run('packages/immute/src/cli.ts', args);
}

/** Runs a TypeScript entry point in a child process (asynchronously: an API in this process keeps answering). */
function run(entry: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, MUSE_API_URL: undefined, MUSE_API_KEY: undefined, ...testEnv(dataDir), ...env } as NodeJS.ProcessEnv,
    timeout: 120_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
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
  const migrated = await cli('migrate.ts', []);
  assert.equal(migrated.code, 0, migrated.stderr);
  const made = await cli('keys.ts', ['create', '--scopes', 'read,write', '--name', 'ci']);
  assert.equal(made.code, 0, made.stderr);
  const key = made.stdout.trim();
  assert.match(key, /^muse_[A-Za-z0-9_-]{20,}$/);
  const bad = await cli('keys.ts', ['create', '--scopes', 'read,root']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown scope/);
  const listed = await cli('keys.ts', ['list']);
  assert.match(listed.stdout, /ci {2}read,write/);
  assert.ok(!listed.stdout.includes(key), 'the key itself is never shown again');

  const server = await startTestApi(dataDir);
  try {
    const r = await gqlUpload(server.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': await image(5) }, { key });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  } finally {
    await server.close();
  }
  const prefix = key.slice(0, 11);
  assert.equal((await cli('keys.ts', ['revoke', prefix])).code, 0);
  const server2 = await startTestApi(dataDir);
  try {
    const r = await gql(server2.url, 'mutation { createLibrary(name: "after revoke") { id } }', {}, { key });
    assert.equal(r.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  } finally {
    await server2.close();
  }
});

test('npm run keys works while the platform runs on PGlite: through its API, revocation effective at once', async () => {
  const server = await startTestApi(dataDir);
  try {
    // on the API's machine the CLI finds it and proves itself with DATA_DIR/local-admin.json
    const made = await cli('keys.ts', ['create', '--scopes', 'read,write,admin', '--name', 'live']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stderr, /in the running API at http:\/\/127\.0\.0\.1:\d+/);
    const key = made.stdout.trim();
    assert.match(key, /^muse_[A-Za-z0-9_-]{20,}$/);
    assert.equal((await gql(server.url, 'mutation { createLibrary(name: "live") { id } }', {}, { key })).errors, undefined);
    const listed = await cli('keys.ts', ['list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /live {2}read,write,admin/);
    assert.ok(!listed.stdout.includes(key));

    // elsewhere (no local admin file): MUSE_API_URL + an admin key from MUSE_API_KEY or --key
    const elsewhere = { DATA_DIR: join(root, 'elsewhere'), MUSE_API_URL: `${server.url}/graphql` };
    const noKey = await cli('keys.ts', ['list'], elsewhere);
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /MUSE_API_KEY/);
    const second = await cli('keys.ts', ['create', '--scopes', 'write', '--name', 'remote'], { ...elsewhere, MUSE_API_KEY: key });
    assert.equal(second.code, 0, second.stderr);
    const secondKey = second.stdout.trim();
    const notAdmin = await cli('keys.ts', ['list', '--key', secondKey], elsewhere);
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /FORBIDDEN/);

    const revoked = await cli('keys.ts', ['revoke', secondKey.slice(0, 11), '--key', key], elsewhere);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stderr, /revoked 1 key\(s\)/);
    const next = await gql(server.url, 'mutation { createLibrary(name: "revoked") { id } }', {}, { key: secondKey });
    assert.equal(next.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const again = await cli('keys.ts', ['revoke', secondKey.slice(0, 11)]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /NOT_FOUND/);
  } finally {
    await server.close();
  }
});

test('npm run keys opens PostgreSQL directly when no platform runs', async () => {
  const db = await createTempDatabase();
  try {
    const made = await cli('keys.ts', ['create', '--scopes', 'admin', '--name', 'first'], { DATABASE_URL: db.url, DATA_DIR: join(root, 'pg-data') });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stderr, /in the database \(postgresql\)/);
    const listed = await cli('keys.ts', ['list'], { DATABASE_URL: db.url, DATA_DIR: join(root, 'pg-data') });
    assert.match(listed.stdout, /first {2}admin/);
  } finally {
    await db.drop();
  }
});

test('npm run ingest -- --corpus links image and music of an item, keeps caption and corpus tags, and is idempotent', async () => {
  const first = await cli('ingest.ts', ['--corpus', corpusDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /6 new, 0 already present, 0 failed/);
  const second = await cli('ingest.ts', ['--corpus', corpusDir]);
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
  const run = await cli('ingest.ts', ['--dir', folder, '--library', 'Folder']);
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
  const usage = await cli('ingest.ts', []);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage/);
});

test('npm run ingest -- --import ingests the accepted pairs of a corpus import report: caption, USER tags, pair key, title', async () => {
  // a folder of two pairs with .txt captions (and one unpaired picture the report skips)
  const folder = join(root, 'own-pairs');
  mkdirSync(folder);
  const pairs = [['sunrise', 'Bright morning song'], ['night-rain', 'Rain at night on a piano']] as const;
  for (const [i, [name, caption]] of pairs.entries()) {
    writeFileSync(join(folder, `${name}.png`), (await image(3000 + i, 'png', 64, 64)).bytes);
    writeFileSync(join(folder, `${name}.wav`), tune(3000 + i, 2).bytes);
    writeFileSync(join(folder, `${name}.txt`), `${caption}\n`);
  }
  writeFileSync(join(folder, 'lonely.png'), (await image(3010)).bytes);
  // and a CSV in ImMuTe layout, whose aspect list gives the tags
  mkdirSync(join(root, 'own-csv'));
  writeFileSync(join(root, 'own-csv/pair.png'), (await image(3020, 'png', 64, 64)).bytes);
  writeFileSync(join(root, 'own-csv/pair.wav'), tune(3020, 2).bytes);
  const csv = join(root, 'own-csv/own.csv');
  writeFileSync(csv, 'ytid,caption,aspect_list,image_path,audio_path\nyt-own,"A slow piano ballad","[""slow tempo"", ""Piano""]",pair.png,pair.wav\n');

  const folderReport = join(root, 'R.json');
  const imported = await corpusCli(['import', '--dir', folder, '--report', folderReport]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual(JSON.parse(imported.stdout), { accepted: 2, skipped: [{ row: 'lonely', code: 'UNPAIRED', reason: 'lonely: has an image but no audio of the same name' }] });
  const csvReport = join(root, 'C.json');
  assert.equal((await corpusCli(['import', '--csv', csv, '--report', csvReport])).code, 0);

  const ingested = await cli('ingest.ts', ['--import', folderReport, '--library', 'Imported']);
  assert.equal(ingested.code, 0, ingested.stderr);
  assert.match(ingested.stderr, /ingested 4 files: 4 new, 0 already present, 0 failed/);
  const tagged = await cli('ingest.ts', ['--import', csvReport, '--library', 'Imported']);
  assert.equal(tagged.code, 0, tagged.stderr);
  assert.match(tagged.stderr, /2 new, 0 already present, 0 failed/);

  const server = await startTestApi(dataDir);
  try {
    const libs = await gql(server.url, '{ libraries { id name assetCount } }');
    const lib = libs.data.libraries.find((l: any) => l.name === 'Imported');
    assert.equal(lib.assetCount, 6);
    const r = await gql(server.url, `{ assets(first: 50, filter: { libraryId: "${lib.id}" }) { edges { node { kind source caption pairKey title tags { name origin } } } } }`);
    const seen = r.data.assets.edges.map((e: any) => e.node)
      .map((n: any) => `${n.pairKey} ${n.kind} ${n.source} "${n.title}" "${n.caption}" [${n.tags.map((t: any) => `${t.name}:${t.origin}`).sort()}]`)
      .sort();
    assert.deepEqual(seen, [
      'import:night-rain AUDIO UPLOAD "night-rain (music)" "Rain at night on a piano" []',
      'import:night-rain IMAGE UPLOAD "night-rain (image)" "Rain at night on a piano" []',
      'import:sunrise AUDIO UPLOAD "sunrise (music)" "Bright morning song" []',
      'import:sunrise IMAGE UPLOAD "sunrise (image)" "Bright morning song" []',
      'import:yt-own AUDIO UPLOAD "yt-own (music)" "A slow piano ballad" [piano:USER,slow-tempo:USER]',
      'import:yt-own IMAGE UPLOAD "yt-own (image)" "A slow piano ballad" [piano:USER,slow-tempo:USER]',
    ]);
  } finally {
    await server.close();
  }
});

test('npm run ingest -- --import refuses a missing or malformed report before opening the database, and takes one mode at a time', async () => {
  const missing = await cli('ingest.ts', ['--import', join(root, 'no-such-report.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no import report at .*no-such-report\.json/);
  const malformed = join(root, 'malformed.json');
  writeFileSync(malformed, JSON.stringify({ source: 'x', items: [{ id: 'a', caption: 'c', aspects: [], tags: [], imagePath: '/a.png' }], skipped: [] }));
  const bad = await cli('ingest.ts', ['--import', malformed]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /malformed\.json is not an import report: items\[0\]\.audioPath is missing/);
  writeFileSync(malformed, '{ "items": [');
  assert.match((await cli('ingest.ts', ['--import', malformed])).stderr, /is not an import report: not JSON/);
  const both = await cli('ingest.ts', ['--import', malformed, '--corpus', corpusDir]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /usage: .*--import REPORT\.json/);
});
