// CI smoke test of Imagic's training package end to end: a 48-item corpus → training token files (the TypeScript
// tokenizer) → MuVis conditions → one epoch of the tiny config → decoder.onnx; then the engine in Node generates
// 2 s twice with one seed (byte-identical MIDI), and `npm run eval:imagic` judges the bundle on a few items.
// Set MUSE_SMOKE_CORPUS to an already built corpus folder to skip building one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedCondition, generateImagic, loadImagicBundle, loadPinnedEncoder, pinnedEncoderDir, readMidi } from '@muse/generation';
import { readCorpusManifest } from '@muse/immute';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.PYTHON ?? 'python3';
const work = mkdtempSync(join(tmpdir(), 'imagic-smoke-'));
const corpus = process.env.MUSE_SMOKE_CORPUS ?? join(work, 'corpus');
const tokens = join(work, 'tokens');
const cond = join(work, 'cond');
const bundle = join(work, 'imagic-tiny');

function run(command: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr?.slice(-4000)}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  if (!process.env.MUSE_SMOKE_CORPUS) run('npm', ['run', '--silent', 'corpus', '--', 'build', '--out', corpus, '--limit', '48']);
  assert.ok(existsSync(join(corpus, 'manifest.jsonl')), `corpus at ${corpus}`);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('the Python checks of the model, the cache parity and the data pipeline pass', () => {
  assert.match(run(python, ['training/imagic/checks.py']).stdout, /imagic checks passed/);
});

test('tokens, conditions, one tiny epoch and the export make a bundle whose ONNX decoder matches PyTorch', () => {
  run('npm', ['run', '--silent', 'tokens', '--', '--corpus', corpus, '--out', tokens]);
  assert.ok(existsSync(join(tokens, 'tokens.jsonl')) && existsSync(join(tokens, 'vocab.json')));
  run(python, ['training/imagic/conditions.py', '--corpus', corpus, '--out', cond, '--limit', '48']);
  run(python, ['training/imagic/train.py', '--tokens', tokens, '--cond', cond, '--config', 'tiny', '--epochs', '1',
    '--batch-tokens', '2048', '--out', bundle, '--run', join(work, 'run'), '--val-items', '8', '--precision', 'fp32']);
  const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
  assert.equal(manifest.kind, 'imagic');
  assert.equal(manifest.training.complete, true);
  assert.ok(manifest.metrics.onnxParity.stepwiseMaxAbs < 1e-4, JSON.stringify(manifest.metrics.onnxParity));
  assert.ok(Number.isFinite(manifest.metrics.valLoss.image));
});

test('the trained bundle generates 2 s in Node, byte-identical for one seed and different for another', async () => {
  const imagic = await loadImagicBundle(bundle);
  const encoder = await loadPinnedEncoder(imagic.manifest.encoder, pinnedEncoderDir(imagic.manifest.encoder, join(root, 'models')));
  const item = readCorpusManifest(corpus)[0];
  const condition = await embedCondition(encoder, { image: new Uint8Array(readFileSync(join(corpus, item.files.image))) });
  await encoder.close();
  const [a] = await generateImagic(imagic.decoder, { condition, seconds: 2, seed: 7 });
  const [b] = await generateImagic(imagic.decoder, { condition, seconds: 2, seed: 7 });
  const [c] = await generateImagic(imagic.decoder, { condition, seconds: 2, seed: 8 });
  await imagic.close();
  assert.deepEqual(Buffer.from(a.midi), Buffer.from(b.midi));
  assert.notDeepEqual(a.tokens, c.tokens);
  assert.ok(a.seconds >= 2, `${a.seconds} s`);
  assert.ok(readMidi(a.midi).notes.length > 0, 'the piece has notes');
});

test('eval:imagic judges the bundle and writes its figures into metrics.json', () => {
  const { stdout } = run('npm', ['run', '--silent', 'eval:imagic', '--', '--bundle', bundle, '--corpus', corpus, '--split', 'train',
    '--limit', '4', '--seconds', '2', '--control-items', '2']);
  const report = JSON.parse(stdout);
  assert.equal(report.items, 4);
  // a one-epoch model may leave a 2 s piece without notes: counted as invalid, named among the failures
  assert.equal(Math.round((1 - report.validity.valid) * 4), report.validity.failures.length, JSON.stringify(report.validity));
  assert.equal(report.controls.tempoExact, 1, 'a set tempo is forced, so it is always obeyed');
  for (const key of ['r1', 'r10', 'mrr']) assert.ok(report.sourceRetrieval.generated[key] >= 0 && report.sourceRetrieval.generated[key] <= 1);
  assert.equal(report.sourceRetrieval.chance.r10, 1, 'with 4 items any clip ranks its image in the top 10');
  assert.ok(report.distances.fad.low <= report.distances.fad.high);
  const metrics = JSON.parse(readFileSync(join(bundle, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.eval.sourceRetrieval, report.sourceRetrieval);
});
