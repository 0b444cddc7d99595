// npm start serves a corpus only when its last build finished; anything else is resumed or rebuilt.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusState } from '../../scripts/start/corpus-state.mjs';

describe('corpusState', () => {
  let dir: string;
  const report = (fields: object) => writeFileSync(join(dir, 'build-report.json'), JSON.stringify(fields));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'muse-corpus-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('no corpus: build the demo subset', () => {
    assert.deepEqual({ ...corpusState(dir, 12), why: undefined }, { complete: false, from: 0, limit: 12, why: undefined });
  });

  test('the empty manifest an old failed build left is not a corpus', () => {
    writeFileSync(join(dir, 'manifest.jsonl'), '');
    const state = corpusState(dir, 12);
    assert.equal(state.complete, false);
    assert.match(state.complete ? '' : state.why, /no record of a finished build/);
  });

  test('a build that did not finish is resumed over the range it was asked for', () => {
    report({ range: [0, 40], complete: false });
    assert.deepEqual({ ...corpusState(dir, 12), why: undefined }, { complete: false, from: 0, limit: 40, why: undefined });
  });

  test('a report from before `complete` existed means resume, not serve', () => {
    writeFileSync(join(dir, 'manifest.jsonl'), '{"index":0}\n');
    report({ range: [0, 1] });
    assert.equal(corpusState(dir, 12).complete, false);
  });

  test('a finished build with its manifest is served as it is', () => {
    writeFileSync(join(dir, 'manifest.jsonl'), '{"index":0}\n');
    report({ range: [0, 1], complete: true });
    assert.deepEqual(corpusState(dir, 12), { complete: true });
  });
});
