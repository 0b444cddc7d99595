// A build whose workers cannot start (no SoundFont) must fail loudly, item by item, and leave no
// manifest that a later step could take for a finished corpus; the next good build resumes it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus, type BuildReport } from './build.js';

const MISSING_SOUNDFONT = '/nonexistent/file.sf3';
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

async function withSoundFont<T>(path: string | undefined, run: () => Promise<T>): Promise<T> {
  const saved = process.env.MUSE_SOUNDFONT;
  if (path === undefined) delete process.env.MUSE_SOUNDFONT;
  else process.env.MUSE_SOUNDFONT = path;
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.MUSE_SOUNDFONT;
    else process.env.MUSE_SOUNDFONT = saved;
  }
}

describe('a corpus build whose workers die at start-up', () => {
  let dir: string;
  let report: BuildReport;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'immute-fail-'));
    // what the old build left behind: an empty manifest that looked finished
    writeFileSync(join(dir, 'manifest.jsonl'), '');
    report = await withSoundFont(MISSING_SOUNDFONT, () => buildCorpus({ outDir: dir, limit: 3, workers: 2, quiet: true }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('counts every item the dead workers should have rendered as failed, with the reason', () => {
    assert.equal(report.rendered, 0);
    assert.deepEqual(report.failed.map((f) => f.index), [0, 1, 2]);
    for (const f of report.failed) assert.match(f.error, /SoundFont not found at \/nonexistent\/file\.sf3/);
    assert.equal(report.complete, false);
    assert.equal(report.manifestItems, 0);
  });

  test('leaves no manifest, and a report that says the corpus is incomplete', () => {
    assert.ok(!existsSync(join(dir, 'manifest.jsonl')));
    const written = JSON.parse(readFileSync(join(dir, 'build-report.json'), 'utf8')) as BuildReport;
    assert.equal(written.complete, false);
    assert.equal(written.failed.length, 3);
  });

  test('the CLI exits non-zero and names the failures, their reason and their count', () => {
    const cli = spawnSync(TSX, [CLI, 'build', '--out', dir, '--limit', '3', '--workers', '1'], {
      env: { ...process.env, MUSE_SOUNDFONT: MISSING_SOUNDFONT },
      encoding: 'utf8',
    });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, /3 of 3 items failed/);
    assert.match(cli.stderr, /3 items \(#0, #1, #2\): .*SoundFont not found at \/nonexistent\/file\.sf3/);
    assert.ok(!existsSync(join(dir, 'manifest.jsonl')));
  });

  test('a later build with a SoundFont resumes and finishes the corpus', async () => {
    const again = await withSoundFont(undefined, () => buildCorpus({ outDir: dir, limit: 2, workers: 1, quiet: true }));
    assert.deepEqual([again.rendered, again.failed.length, again.complete, again.manifestItems], [2, 0, true, 2]);
    assert.equal(readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').length, 2);
    assert.equal(JSON.parse(readFileSync(join(dir, 'build-report.json'), 'utf8')).complete, true);
  });
});
