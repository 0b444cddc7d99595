// CI smoke test of the MuVis training package: reference preprocessing checks, then one tiny
// epoch on a 64-item corpus, ONNX export, evaluation, and the exported bundle embedding a WAV
// and a PNG in Node (@muse/embeddings) equal to the Python side of the same files; then a warm
// start from that bundle with the caption heads, and an image ensemble of two bundles.
// Set MUSE_SMOKE_CORPUS to an already built corpus folder to skip building one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from '@muse/embeddings';
import { readCorpusManifest, type ManifestEntry } from '@muse/immute';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.PYTHON ?? 'python3';
const work = mkdtempSync(join(tmpdir(), 'muvis-smoke-'));
const corpus = process.env.MUSE_SMOKE_CORPUS ?? join(work, 'corpus');
const bundle = join(work, 'muvis-tiny');

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr?.slice(-4000)}`);
  }
  return result.stdout;
}

function manifestItems(): ManifestEntry[] {
  return readCorpusManifest(corpus);
}

function firstTestItem(): ManifestEntry {
  const items = manifestItems();
  const item = items.find((it) => it.split === 'test') ?? items[0];
  assert.ok(item, 'corpus has items');
  return item;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

before(() => {
  if (!process.env.MUSE_SMOKE_CORPUS) {
    run('npm', ['run', '--silent', 'corpus', '--', 'build', '--out', corpus, '--limit', '64']);
  }
  assert.ok(existsSync(join(corpus, 'manifest.jsonl')), `corpus at ${corpus}`);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('reference preprocessing agrees with independent fbank and resize computations', () => {
  const out = run(python, ['training/muvis/check_features.py']);
  assert.match(out, /^ok:/);
});

test('caption agreement, the caption-weighted contrastive loss, the caption heads, hum pairs and hum time-stretch behave', () => {
  const out = run(python, ['training/muvis/check_training_logic.py']);
  assert.match(out, /^ok:/);
});

test('two cache shards together cache every recording once', () => {
  const cached = [0, 1].map((k) => {
    const result = spawnSync(python, ['training/muvis/cache.py', '--corpus', corpus, '--cache', join(work, 'cache'), '--shard', `${k}/2`],
      { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return Number(/(\d+) recordings cached/.exec(result.stderr)?.[1]);
  });
  assert.equal(cached[0] + cached[1], manifestItems().reduce((n, it) => n + 1 + it.files.hum.length, 0));
  assert.ok(Math.abs(cached[0] - cached[1]) <= 1, `shards are balanced: ${cached}`);
  const bad = spawnSync(python, ['training/muvis/cache.py', '--corpus', corpus, '--shard', '2/2'], { cwd: root, encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--shard must be K\/N/);
});

test('the plan probes score every tag from the visual and the music plans', () => {
  const out = join(work, 'probe.json');
  const printed = run(python, ['training/muvis/plan_probe.py', '--corpus', corpus, '--out', out]);
  assert.match(printed, /^visualPlan: test macro AUROC 0\.\d{3}/m);
  const probe = JSON.parse(readFileSync(out, 'utf8'));
  for (const side of ['visualPlan', 'musicPlan']) {
    assert.ok(probe[side].AUROC > 0 && probe[side].AUROC <= 1, `${side} AUROC ${probe[side].AUROC}`);
    assert.ok(Object.keys(probe[side].perTag).length > 0, `${side} scores some tags`);
  }
});

test('one tiny epoch trains, exports, evaluates, and embeds in Node as in Python', async () => {
  run(python, ['training/muvis/train.py', '--corpus', corpus, '--out', bundle, '--config', 'tiny',
    '--epochs', '1', '--cache', join(work, 'cache'), '--no-eval']);
  for (const file of ['manifest.json', 'audio.onnx', 'image.onnx']) {
    assert.ok(existsSync(join(bundle, file)), `${file} exported`);
  }

  run(python, ['training/muvis/eval.py', '--bundle', bundle, '--corpus', corpus]);
  const metrics = JSON.parse(readFileSync(join(bundle, 'metrics.json'), 'utf8'));
  for (const key of ['a_image_tagging_AUROC', 'music_to_image_R@10', 'image_to_music_R@10', 'hum_to_image_R@10', 'hum_to_music_R@10']) {
    assert.equal(typeof metrics.summary[key], 'number', `metrics.summary.${key}`);
    assert.equal(typeof metrics.shuffledSummary[key], 'number', `metrics.shuffledSummary.${key}`);
  }
  const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
  assert.equal(manifest.embeddingDim, 128);
  assert.deepEqual(manifest.metrics.summary, metrics.summary);

  const item = firstTestItem();
  const wav = join(corpus, item.files.audio);
  const hum = join(corpus, item.files.hum[0]);
  const png = join(corpus, item.files.image);
  const py = JSON.parse(run(python, ['training/muvis/embed.py', '--bundle', bundle, '--audio', wav, hum, '--image', png]));

  const muvis = await loadBundle(bundle);
  try {
    const cases: [string, Float32Array][] = [
      [wav, await muvis.embedAudio(readFileSync(wav))],
      [hum, await muvis.embedAudio(readFileSync(hum))],
      [png, await muvis.embedImage(readFileSync(png))],
    ];
    for (const [path, node] of cases) {
      const reference: number[] = py.audio[path] ?? py.image[path];
      assert.equal(node.length, 128, `${path}: dimension`);
      assert.ok(Math.abs(norm(node) - 1) < 1e-4, `${path}: unit norm`);
      const diff = maxAbsDiff(node, reference);
      assert.ok(diff < 1e-3, `${path}: Node and Python embeddings differ by ${diff}`);
    }
  } finally {
    await muvis.close();
  }
});

test('a warm start from the exported bundle trains the caption heads and hum pairs (or one tower alone, or finer image patches), and records where it started', () => {
  assert.ok(existsSync(join(bundle, 'manifest.json')), 'the tiny bundle of the previous test');
  const tuned = join(work, 'muvis-tiny-tuned');
  run(python, ['training/muvis/train.py', '--corpus', corpus, '--out', tuned, '--config', 'tiny', '--epochs', '1',
    '--cache', join(work, 'cache'), '--no-eval', '--init-from', bundle, '--lr', '2e-4',
    '--category-weight', '0.5', '--tag-weight', '3', '--hum-pairs', '8', '--hum-pair-weight', '1', '--image-patch', '8',
    '--anchor-weight', '1']);
  const manifest = JSON.parse(readFileSync(join(tuned, 'manifest.json'), 'utf8'));
  assert.equal(manifest.training.warmStart.bundle, bundle);
  assert.deepEqual(manifest.training.warmStart.imagePatchResized, [16, 8], 'the 16-pixel patches were resized to 8');
  assert.equal(manifest.architecture.image.patch, 8);
  assert.match(manifest.architecture.loss, /caption heads \(training only\): 0\.5 x category softmax and 3 x tag sigmoid/);
  assert.match(manifest.architecture.loss, /hum pairs \(training only\): 1 x cross-entropy of up to 8 extra hum views/);
  assert.equal(manifest.training.config.train.lr, 2e-4);
  assert.equal(manifest.training.config.train.hum_pairs, 8);
  assert.match(manifest.architecture.loss, /anchor \(training only\): 1 x \(1 - cosine\) .* start bundle's \(at its own image patch size\)/);
  assert.equal(manifest.training.warmStart.anchorImagePatch, 16, 'the anchor compares with the bundle as it was, at 16 pixels');

  // one-tower fine-tuning: the frozen tower comes out exactly as it went in, the other one does not
  const item = firstTestItem();
  const files = ['--audio', join(corpus, item.files.audio), '--image', join(corpus, item.files.image)];
  const embedded = (b: string) => JSON.parse(run(python, ['training/muvis/embed.py', '--bundle', b, ...files]));
  const first = (e: any, side: 'audio' | 'image'): number[] => Object.values(e[side])[0] as number[];
  const fromStart = embedded(bundle);
  for (const [frozen, trained] of [['image', 'audio'], ['audio', 'image']] as const) {
    const oneTower = join(work, `muvis-tiny-${frozen}-frozen`);
    run(python, ['training/muvis/train.py', '--corpus', corpus, '--out', oneTower, '--config', 'tiny', '--epochs', '1',
      '--cache', join(work, 'cache'), '--no-eval', '--init-from', bundle, '--freeze', frozen, '--anchor-weight', '4',
      '--hum-pairs', '8', '--hum-pair-weight', '1']);
    const fromOneTower = embedded(oneTower);
    assert.ok(maxAbsDiff(first(fromStart, frozen), first(fromOneTower, frozen)) < 1e-5, `frozen ${frozen} tower: same embedding`);
    assert.ok(maxAbsDiff(first(fromStart, trained), first(fromOneTower, trained)) > 1e-5, `the ${trained} tower trained`);
    const loss = JSON.parse(readFileSync(join(oneTower, 'manifest.json'), 'utf8')).architecture.loss;
    assert.match(loss, new RegExp(`anchor \\(training only\\): 4 x \\(1 - cosine\\).*; ${frozen} tower frozen`));
  }
  const unanchored = spawnSync(python, ['training/muvis/train.py', '--corpus', corpus, '--out', join(work, 'never'), '--config', 'tiny',
    '--epochs', '1', '--cache', join(work, 'cache'), '--no-eval', '--freeze', 'image'], { cwd: root, encoding: 'utf8' });
  assert.notEqual(unanchored.status, 0);
  assert.match(unanchored.stderr, /--freeze and --anchor-weight fine-tune a bundle: give --init-from BUNDLE/);

  // a tower is never silently cut down to fewer layers than the bundle has (the shipped bundle's
  // towers have 3, the tiny preset's 1; its image towers stay frozen, as an ensemble's must)
  const shorter = spawnSync(python, ['training/muvis/train.py', '--corpus', corpus, '--out', join(work, 'never'), '--config', 'tiny',
    '--epochs', '1', '--cache', join(work, 'cache'), '--no-eval', '--init-from', join(root, 'models/muvis-small'), '--freeze', 'image'],
    { cwd: root, encoding: 'utf8' });
  assert.notEqual(shorter.status, 0);
  assert.match(shorter.stderr, /the bundle has 3 encoder layers, the model 1; a tower cannot be shortened/);

  // a bundle whose corpus had other fbank statistics (say, rendered through another SoundFont)
  // is fine-tuned with its own normalisation: its first layer expects those statistics
  const other = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
  other.audio.normalize.mean += 1;
  const foreign = join(work, 'muvis-foreign');
  cpSync(bundle, foreign, { recursive: true });
  writeFileSync(join(foreign, 'manifest.json'), JSON.stringify(other));
  const refitted = join(work, 'muvis-foreign-tuned');
  run(python, ['training/muvis/train.py', '--corpus', corpus, '--out', refitted, '--config', 'tiny',
    '--epochs', '1', '--cache', join(work, 'cache'), '--no-eval', '--init-from', foreign]);
  assert.deepEqual(JSON.parse(readFileSync(join(refitted, 'manifest.json'), 'utf8')).audio.normalize, other.audio.normalize);

  // the tagging K of experiment (a) was chosen on the validation split and is recorded
  const metrics = JSON.parse(readFileSync(join(bundle, 'metrics.json'), 'utf8'));
  const neighbours = metrics.detail.a_tagging.neighbours;
  assert.equal(metrics.summary.a_tagging_neighbours, neighbours.chosen);
  if (neighbours.on === 'validation split') {
    const scores = Object.values(neighbours.validationAUROC) as number[];
    assert.equal(neighbours.validationAUROC[String(neighbours.chosen)], Math.max(...scores));
  }
});

test('an image ensemble of a bundle and its image-only fine-tune embeds the mean of its members, in Python and in Node', async () => {
  const imageTuned = join(work, 'muvis-tiny-audio-frozen');
  assert.ok(existsSync(join(imageTuned, 'manifest.json')), 'the image-only fine-tune of the previous test');
  const ensemble = join(work, 'muvis-tiny-ensemble');
  run(python, ['training/muvis/ensemble.py', '--base', bundle, '--add', imageTuned, '--out', ensemble, '--weight', '0.25', '--no-eval']);
  const manifest = JSON.parse(readFileSync(join(ensemble, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.architecture.image.members.map((m: any) => m.weight), [0.25, 0.75]);
  assert.ok(manifest.training.ensemble.audioAgreementMinCosine >= 0.999);

  const item = firstTestItem();
  const png = join(corpus, item.files.image);
  const wav = join(corpus, item.files.audio);
  const embedded = (b: string) => JSON.parse(run(python, ['training/muvis/embed.py', '--bundle', b, '--audio', wav, '--image', png]));
  const [mixed, base, tuned] = [embedded(ensemble), embedded(bundle), embedded(imageTuned)];
  const sum = base.image[png].map((x: number, k: number) => 0.25 * x + 0.75 * tuned.image[png][k]);
  const mean = sum.map((x: number) => x / norm(sum));
  assert.ok(maxAbsDiff(mixed.image[png], mean) < 1e-3, 'the image embedding is the normalised weighted mean of the members');
  assert.ok(maxAbsDiff(mixed.image[png], base.image[png]) > 1e-3, 'and not just the base member');
  const cosine = mixed.audio[wav].reduce((s: number, x: number, k: number) => s + x * base.audio[wav][k], 0);
  assert.ok(cosine > 0.999, `the audio tower is the base bundle's (cosine ${cosine})`);

  const muvis = await loadBundle(ensemble);
  try {
    const node = await muvis.embedImage(readFileSync(png));
    assert.ok(maxAbsDiff(node, mixed.image[png]) < 1e-3, 'Node embeds the ensemble as Python does');
  } finally {
    await muvis.close();
  }

  // members that do not share an audio tower are refused (here: the bundle with its audio weights
  // scaled by -1.5), and an ensemble is not a starting point
  const otherAudio = join(work, 'muvis-tiny-other-audio');
  cpSync(bundle, otherAudio, { recursive: true });
  run(python, ['-c', 'import sys, onnx\nfrom onnx import numpy_helper as h\nm = onnx.load(sys.argv[1])\n' +
    'for t in m.graph.initializer:\n    a = h.to_array(t)\n    if a.dtype.kind == "f": t.CopyFrom(h.from_array(-1.5 * a, t.name))\n' +
    'onnx.save(m, sys.argv[1])', join(otherAudio, 'audio.onnx')]);
  const apart = spawnSync(python, ['training/muvis/ensemble.py', '--base', bundle, '--add', otherAudio,
    '--out', join(work, 'never'), '--no-eval'], { cwd: root, encoding: 'utf8' });
  assert.notEqual(apart.status, 0);
  assert.match(apart.stderr, /the audio towers differ/);
  for (const [args, message] of [
    [['--base', ensemble, '--add', imageTuned], /already an ensemble; combine its members instead/],
    [['--base', bundle, '--add', imageTuned, '--weight', '1'], /--weight 1.0 must lie strictly between 0 and 1/],
  ] as const) {
    const refused = spawnSync(python, ['training/muvis/ensemble.py', ...args, '--out', join(work, 'never'), '--no-eval'],
      { cwd: root, encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, message);
  }
  const restart = spawnSync(python, ['training/muvis/train.py', '--corpus', corpus, '--out', join(work, 'never'), '--config', 'tiny',
    '--epochs', '1', '--cache', join(work, 'cache'), '--no-eval', '--init-from', ensemble], { cwd: root, encoding: 'utf8' });
  assert.notEqual(restart.status, 0);
  assert.match(restart.stderr, /is an ensemble of 2 image towers .* fine-tune its audio tower with --freeze image, or start from one of its members/);
  assert.ok(!existsSync(join(work, 'never')), 'nothing exported');

  // its audio tower can be fine-tuned against the frozen ensemble, which stays the same ensemble
  const audioTuned = join(work, 'muvis-tiny-ensemble-audio');
  run(python, ['training/muvis/train.py', '--corpus', corpus, '--out', audioTuned, '--config', 'tiny', '--epochs', '1',
    '--cache', join(work, 'cache'), '--no-eval', '--init-from', ensemble, '--freeze', 'image', '--anchor-weight', '1']);
  assert.deepEqual(JSON.parse(readFileSync(join(audioTuned, 'manifest.json'), 'utf8')).architecture.image, manifest.architecture.image);
  const retuned = embedded(audioTuned);
  assert.ok(maxAbsDiff(retuned.image[png], mixed.image[png]) < 1e-5, 'the frozen ensemble embeds as before');
  assert.ok(maxAbsDiff(retuned.audio[wav], mixed.audio[wav]) > 1e-5, 'the audio tower trained');
});

test('basic-pitch read into PyTorch matches the tfjs graph it is read from, and its chroma hears a C major triad', () => {
  const printed = run(python, ['training/common/check_basic_pitch.py']);
  assert.match(printed, /basic-pitch checks passed/);
  for (const output of ['contour', 'note', 'onset']) assert.match(printed, new RegExp(`basic-pitch ${output} .*max \\|torch - tfjs\\|`));
});

test('the real-material adapter trains beside a bundle on corpus and real pairs, and the joined bundle embeds in Node as in Python', async () => {
  assert.ok(existsSync(join(bundle, 'manifest.json')), 'the tiny bundle of an earlier test');
  // a stand-in real set in the real set's shape: corpus items grouped into three "games", one per split
  const real = join(work, 'real');
  const items = manifestItems().slice(0, 24);
  const lines = items.map((it, n) => {
    const game = ['game-a', 'game-b', 'game-c'][n % 3];
    for (const file of [it.files.audio, it.files.image]) cpSync(join(corpus, file), join(real, file));
    return JSON.stringify({ index: n, game, split: { 'game-a': 'train', 'game-b': 'val', 'game-c': 'test' }[game],
      files: { audio: it.files.audio, image: it.files.image, hum: [] } });
  });
  writeFileSync(join(real, 'manifest.jsonl'), lines.join('\n') + '\n');

  run(python, ['training/muvis/check_adapter.py']);
  const joined = join(work, 'muvis-tiny-real');
  const printed = run(python, ['training/muvis/train_adapter.py', '--base', bundle, '--corpus', corpus, '--real', real, '--out', joined,
    '--cache', join(work, 'adapter-cache'), '--mobilenet-cache', join(work, 'npm'), '--dim', '16', '--hidden', '32',
    '--steps', '20', '--eval-every', '10', '--batch', '16', '--real-batch', '8', '--alpha', '0.8',
    '--category-weight', '1', '--tag-weight', '2', '--bundle-version', '3', '--val-report', '0', '0.8']);
  // --val-report: eval.py's figures on the val split, one line per alpha; at alpha 0 the heads play no part
  const reports = printed.split('\n').filter((l) => l.startsWith('{"valReport"')).map((l) => JSON.parse(l));
  assert.deepEqual(reports.map((r) => r.alpha), [0, 0.8]);
  for (const r of reports) {
    for (const key of ['a_image_tagging_AUROC', 'b_AP', 'c_AP', 'music_to_image_R@10']) assert.equal(typeof r.valReport[key], 'number', key);
  }
  const manifest = JSON.parse(readFileSync(join(joined, 'manifest.json'), 'utf8'));
  assert.equal(manifest.embeddingDim, 128 + 16);
  assert.equal(manifest.version, '3');
  assert.match(manifest.architecture.adapter.audio.reader, /modulation/, 'the default audio reader is the fbank and rhythm descriptor');
  assert.equal(manifest.architecture.adapter.base.bundle, 'muvis-tiny');
  assert.deepEqual(manifest.training.adapter.realTrainGames, ['game-a']);
  assert.deepEqual(manifest.training.adapter.realValGames, ['game-b']);
  assert.deepEqual(Object.keys(manifest.training.adapter.validation.realGameMRR).sort(), ['game-a', 'game-b'], 'the test game is never looked at');

  const item = firstTestItem();
  const wav = join(corpus, item.files.audio);
  const png = join(corpus, item.files.image);
  const py = JSON.parse(run(python, ['training/muvis/embed.py', '--bundle', joined, '--audio', wav, '--image', png]));
  const base = JSON.parse(run(python, ['training/muvis/embed.py', '--bundle', bundle, '--audio', wav, '--image', png]));
  // the first 128 values are the base embedding, scaled (a picture, one window: by 1 / sqrt(1 + alpha^2);
  // a clip of several windows is pooled after joining, so only its direction is the base's)
  const scale = 1 / Math.sqrt(1 + 0.8 ** 2);
  const unit = (v: number[]) => v.map((x) => x / norm(v));
  assert.ok(maxAbsDiff(py.image[png].slice(0, 128), base.image[png].map((x: number) => x * scale)) < 1e-4, 'base part of the image embedding');
  assert.ok(maxAbsDiff(unit(py.audio[wav].slice(0, 128)), base.audio[wav]) < 1e-4, 'base part of the audio embedding');
  const muvis = await loadBundle(joined);
  try {
    for (const [path, node] of [[wav, await muvis.embedAudio(readFileSync(wav))], [png, await muvis.embedImage(readFileSync(png))]] as const) {
      const reference: number[] = py.audio[path] ?? py.image[path];
      assert.equal(node.length, 144, `${path}: dimension`);
      assert.ok(Math.abs(norm(node) - 1) < 1e-4, `${path}: unit norm`);
      assert.ok(maxAbsDiff(node, reference) < 1e-3, `${path}: Node and Python embeddings differ by ${maxAbsDiff(node, reference)}`);
    }
  } finally {
    await muvis.close();
  }

  const out = join(work, 'real-eval.json');
  run(python, ['training/muvis/eval.py', '--real', real, '--bundle', joined, '--out', out]);
  const evaluated = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(Object.keys(evaluated.games), ['game-c']);
  assert.equal(typeof evaluated.metrics.image_to_music.overall.game.MRR.value, 'number');
});
