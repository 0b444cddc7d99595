import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImmuteRows, manifestEntry, planItem, writeMidiFile, MANIFEST_FILE } from '@muse/immute';
import { exportCorpusTokens, TOKEN_FILES } from './export-tokens.js';
import { Grammar } from '../tokenizer/grammar.js';
import { VOCAB_HASH, VOCAB_SIZE } from '../tokenizer/vocabulary.js';

const CLI = fileURLToPath(new URL('../cli/tokens.ts', import.meta.url));
let dir: string;

/** A corpus as `corpus build` lays it out, MIDI and manifest only (the exporter reads nothing else). */
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'generation-tokens-'));
  const corpus = join(dir, 'corpus');
  const lines = loadImmuteRows().slice(0, 6).map((row) => {
    const plan = planItem(row);
    const entry = manifestEntry(plan);
    mkdirSync(dirname(join(corpus, entry.files.midi)), { recursive: true });
    writeFileSync(join(corpus, entry.files.midi), writeMidiFile(plan.score));
    return JSON.stringify(entry);
  });
  writeFileSync(join(corpus, MANIFEST_FILE), `${lines.join('\n')}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('exports one legal token line per item, the vocabulary and the stats', () => {
  const progress: number[] = [];
  const out = join(dir, 'out');
  const report = exportCorpusTokens({ corpusDir: join(dir, 'corpus'), outDir: out, onProgress: (done) => progress.push(done) });
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
  assert.equal(report.items, 6);
  assert.deepEqual(report.failed, []);
  assert.equal(report.roundTrip.itemsWithProblems, 0);
  assert.equal(report.roundTrip.kept, report.roundTrip.notes);
  assert.equal(report.attributeMismatches.items, 0);
  assert.ok(report.length.min > 20 && report.length.max >= report.length.p50);
  assert.ok(report.seconds.min >= 10, 'a corpus clip is 10 s, rounded up to whole bars');

  const lines = readFileSync(join(out, TOKEN_FILES.tokens), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.index), [0, 1, 2, 3, 4, 5]);
  for (const line of lines) {
    assert.ok(typeof line.ytid === 'string' && ['train', 'val', 'test'].includes(line.split) && line.bars > 0);
    const g = new Grammar();
    for (const id of line.tokens) g.accept(id);
    assert.ok(g.complete);
  }
  const vocab = JSON.parse(readFileSync(join(out, TOKEN_FILES.vocab), 'utf8'));
  assert.deepEqual([vocab.hash, vocab.size], [VOCAB_HASH, VOCAB_SIZE]);
  const stats = JSON.parse(readFileSync(join(out, TOKEN_FILES.stats), 'utf8'));
  assert.equal(stats.tokens, lines.reduce((s, l) => s + l.tokens.length, 0));
});

test('the CLI prints the stats and refuses a bad call', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  const ok = run('--corpus', join(dir, 'corpus'), '--out', join(dir, 'cli'), '--limit', '2');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).items, 2);
  assert.match(ok.stderr, /tokens 2\/2 \(100%\)/);
  const missing = run('--corpus', join(dir, 'corpus'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--corpus and --out are required/);
  const noCorpus = run('--corpus', join(dir, 'nothing'), '--out', join(dir, 'x'));
  assert.equal(noCorpus.status, 1);
  assert.match(noCorpus.stderr, /manifest\.jsonl is missing/);
});
