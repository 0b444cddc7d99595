// `npm run eval:musim` end to end on the untrained bundle training/musim/export.py leaves at
// data/musim/bundles/musim-untrained (MUSIM_TEST_BUNDLE overrides) and a small corpus: the built one's first test and
// train items, linked into a temporary folder, or — where no corpus is built (CI) — the first 120 rows rendered into
// one (MUSIM_TEST_CORPUS names another corpus to use whole). Without the bundle the tests skip, saying why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = process.env.MUSIM_TEST_BUNDLE ?? join(ROOT, 'data/musim/bundles/musim-untrained');
const BUILT_CORPUS = process.env.MUSIM_TEST_CORPUS ?? join(ROOT, 'data/corpus');
const ITEMS = 6;
/** rows rendered when no corpus is built: enough for ITEMS + 2 test items (about a tenth of the rows are test) */
const RENDERED_ROWS = 120;
const skip = !existsSync(join(BUNDLE, 'manifest.json'))
  ? `no MusIm bundle at ${BUNDLE}: run \`python3 training/musim/export.py --untrained --config tiny --seed 0 --out ${BUNDLE}\` (or set MUSIM_TEST_BUNDLE)`
  : false;

const work = mkdtempSync(join(tmpdir(), 'eval-musim-'));
let corpus = BUILT_CORPUS;

/** a corpus of the source's first test and train items, its media folders linked, not copied */
function smallCorpus(source: string): string {
  const dir = join(work, 'corpus');
  mkdirSync(dir);
  const lines = readFileSync(join(source, 'manifest.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const of = (split: string) => lines.filter((l) => (JSON.parse(l) as { split: string }).split === split).slice(0, ITEMS + 2);
  assert.ok(of('test').length >= ITEMS, `${source} has ${of('test').length} test items, ${ITEMS} are needed`);
  for (const folder of ['audio', 'images']) symlinkSync(join(source, folder), join(dir, folder));
  writeFileSync(join(dir, 'manifest.jsonl'), `${[...of('train'), ...of('test')].join('\n')}\n`);
  return dir;
}

/** the corpus builder's first rows, rendered into the work folder */
function renderedCorpus(): string {
  const dir = join(work, 'rendered');
  const build = spawnSync('npm', ['run', '--silent', 'corpus', '--', 'build', '--out', dir, '--limit', String(RENDERED_ROWS)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(build.status, 0, build.stderr.slice(-3000));
  return dir;
}

function evalMusim(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'packages/generation/src/cli/eval-musim.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  if (skip || process.env.MUSIM_TEST_CORPUS) return;
  corpus = smallCorpus(existsSync(join(BUILT_CORPUS, 'manifest.jsonl')) ? BUILT_CORPUS : renderedCorpus());
});
after(() => rmSync(work, { recursive: true, force: true }));

const inUnit = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1;
const isCosine = (x: unknown): boolean => typeof x === 'number' && x >= -1 && x <= 1;

test(`eval:musim on ${ITEMS} items reports every figure, in range, and draws the contact sheet`, { skip }, async () => {
  const out = join(work, 'eval.json');
  const sheet = join(work, 'sheet.png');
  const run = evalMusim(['--bundle', BUNDLE, '--corpus', corpus, '--limit', String(ITEMS), '--steps', '5', '--threads', '1',
    '--diversity-items', '3', '--guide-items', '2', '--out', out, '--contact-sheet', sheet]);
  assert.equal(run.status, 0, run.stderr.slice(-3000));
  const report = JSON.parse(run.stdout);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), report, '--out holds what stdout printed');
  assert.match(run.stderr, /left/, 'progress with an estimate of the time left');
  assert.deepEqual([report.items, report.steps, report.sampler, report.guidanceScale, report.split], [ITEMS, 5, 'dpmpp-2m', 3, 'test']);

  const { generated, truePair, chance, mrrOverChance } = report.sourceRetrieval;
  for (const figures of [generated, truePair, chance]) for (const key of ['r1', 'r10', 'mrr']) assert.ok(inUnit(figures[key]), `${key}: ${figures[key]}`);
  for (const figures of [generated, truePair]) assert.ok(Number.isInteger(figures.medianRank) && figures.medianRank >= 1 && figures.medianRank <= ITEMS);
  assert.equal(chance.r10, 1, `with ${ITEMS} clips any picture finds its own in the top 10`);
  assert.ok(mrrOverChance > 0);

  const { agreement } = report;
  for (const key of ['generated', 'truePair', 'randomImage']) assert.ok(isCosine(agreement[key]), `agreement.${key}: ${agreement[key]}`);
  assert.ok(Number.isFinite(agreement.shareOfTruePair));

  const { distances } = report;
  assert.match(distances.note, /not comparable with published FID/);
  for (const iv of [distances.fid, distances.kid, distances.floor.fid, distances.floor.kid]) {
    assert.ok(Number.isFinite(iv.value) && iv.low <= iv.high, JSON.stringify(iv));
  }
  assert.ok(distances.fid.value >= 0 && distances.floor.fid.value >= 0 && distances.fidOverFloor >= 0);

  const { keyColour } = report;
  for (const key of ['generated', 'truePicture', 'chance', 'chanceShuffled']) assert.ok(inUnit(keyColour[key]), `keyColour.${key}: ${keyColour[key]}`);
  assert.ok(Number.isInteger(keyColour.colourless) && keyColour.colourless <= ITEMS);

  const { diversity } = report;
  assert.equal(diversity.clips, 3);
  for (const key of ['withinClip', 'acrossClips']) assert.ok(diversity[key] >= 0 && diversity[key] <= 2, `diversity.${key}: ${diversity[key]}`);
  assert.ok(diversity.ratio === null || diversity.ratio >= 0);

  const { imageGuidance } = report;
  assert.equal(imageGuidance.items, 2);
  assert.deepEqual(imageGuidance.strengths.map((r: { strength: number }) => r.strength), [0, 0.3, 0.6, 0.9, 1]);
  for (const row of imageGuidance.strengths) {
    assert.ok(isCosine(row.guideCosine) && isCosine(row.musicCosine), JSON.stringify(row));
    assert.ok(row.guidePsnrDb > 0 && row.guidePsnrDb <= 99, JSON.stringify(row));
  }
  assert.ok(inUnit(imageGuidance.trend.guideFalls) && inUnit(imageGuidance.trend.musicRises));
  assert.ok(report.speed.meanWallMsPerPicture > 0);

  const meta = await sharp(readFileSync(sheet)).metadata();
  assert.equal(meta.format, 'png');
  assert.ok(meta.width! > 2 * 192 && meta.height! > 2 * 192, `${meta.width}×${meta.height}: two rows of ${ITEMS} items`);
});

test('eval:musim without a bundle says how to get one', { skip }, () => {
  const run = evalMusim(['--bundle', join(work, 'nowhere'), '--corpus', corpus, '--limit', '2']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /No MusIm bundle at .*nowhere/);
  const usage = evalMusim(['--frobnicate']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown option --frobnicate[\s\S]*npm run eval:musim/);
});
