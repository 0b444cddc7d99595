import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImmuteError, MANIFEST_FILE, readCorpusManifest } from '@muse/immute';

function corpusWith(text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'muse-manifest-'));
  if (text !== null) writeFileSync(join(dir, MANIFEST_FILE), text);
  return dir;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ImmuteError ? err.code : 'not an ImmuteError';
  }
  return undefined;
}

test('readCorpusManifest reads every item in order and skips blank lines', () => {
  const dir = corpusWith('{"index":3,"files":{"image":"images/00003.png"}}\n\n{"index":4,"files":{}}\n');
  try {
    assert.deepEqual(readCorpusManifest(dir).map((e) => e.index), [3, 4]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readCorpusManifest: no manifest is NOT_FOUND; a bad line is BAD_METADATA naming the line', () => {
  const missing = corpusWith(null);
  const broken = corpusWith('{"index":0,"files":{}}\n{"index":1,\n');
  const shapeless = corpusWith('{"index":"0"}\n');
  try {
    assert.equal(codeOf(() => readCorpusManifest(missing)), 'NOT_FOUND');
    assert.equal(codeOf(() => readCorpusManifest(broken)), 'BAD_METADATA');
    assert.throws(() => readCorpusManifest(broken), /manifest\.jsonl:2 is not JSON/);
    assert.throws(() => readCorpusManifest(shapeless), /manifest\.jsonl:1 is not a corpus item/);
  } finally {
    for (const d of [missing, broken, shapeless]) rmSync(d, { recursive: true, force: true });
  }
});
