// CI smoke test of MusIm's training package: the Python checks (shapes, schedule, null condition, export parity
// against the contract), the untrained export the engine's tests use (deterministic, no data needed), and a tiny
// autoencoder + denoiser trained one epoch and exported (on generated pictures; with MUSE_SMOKE_CORPUS set to a
// built corpus folder, on its images and their MuVis conditions), then sampled in Node by @muse/generation: the same
// seed twice gives byte-identical PNGs, and SDEdit at strength 0 returns the guide's own reconstruction.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { generateMusim, loadMusimBundle } from '@muse/generation';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.PYTHON ?? 'python3';
const work = mkdtempSync(join(tmpdir(), 'musim-smoke-'));
const files = ['encoder.onnx', 'decoder.onnx', 'denoiser.onnx'];

function run(command: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr?.slice(-4000)}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function assertBundle(dir: string): Record<string, any> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.kind, 'musim');
  assert.deepEqual([manifest.latent.channels, manifest.latent.size, manifest.image.size], [4, 32, 256]);
  assert.ok(['epsilon', 'v'].includes(manifest.denoiser.prediction));
  assert.equal(manifest.denoiser.alphasCumprod.length, manifest.denoiser.trainSteps);
  const a: number[] = manifest.denoiser.alphasCumprod;
  assert.ok(a.every((x, i) => x > 0 && x < 1 && (i === 0 || x < a[i - 1])), 'alphasCumprod strictly decreasing in (0, 1)');
  for (const f of files) assert.ok(existsSync(join(dir, f)), f);
  for (const v of Object.values(manifest.metrics.onnxParity) as number[]) assert.ok(v < 1e-4, JSON.stringify(manifest.metrics.onnxParity));
  return manifest;
}

after(() => rmSync(work, { recursive: true, force: true }));

test('the Python checks of the models, the schedule and the export pass', () => {
  assert.match(run(python, ['training/musim/checks.py']).stdout, /musim checks passed/);
});

test('--untrained --config tiny needs no data and writes the same files twice', () => {
  const [a, b] = ['a', 'b'].map((n) => join(work, `untrained-${n}`));
  for (const out of [a, b]) run(python, ['training/musim/export.py', '--untrained', '--config', 'tiny', '--seed', '0', '--out', out]);
  const manifest = assertBundle(a);
  assert.equal(manifest.training.untrained, true);
  for (const f of files) assert.equal(sha(join(a, f)), sha(join(b, f)), f);
});

test('a tiny autoencoder and denoiser train one epoch and export a bundle that matches PyTorch', () => {
  const out = join(work, 'musim-tiny');
  const args = ['training/musim/smoke.py', '--out', out];
  const corpus = process.env.MUSE_SMOKE_CORPUS;
  if (corpus) {
    const cond = join(work, 'cond');
    run(python, ['training/imagic/conditions.py', '--corpus', corpus, '--out', cond, '--limit', '48']);
    args.push('--corpus', corpus, '--cond', cond);
  }
  run(python, args);
  const manifest = assertBundle(out);
  assert.equal(manifest.training.complete, true);
  assert.ok(Number.isFinite(manifest.metrics.denoiserVal.loss.clip) && Number.isFinite(manifest.metrics.denoiserVal.loss.none));
  assert.ok(manifest.metrics.autoencoder.corpusTest.psnr > 0);
});

test('the smoke bundle samples in Node: one seed twice is byte-identical; strength 0 returns the guide re-encoded', async () => {
  const bundle = await loadMusimBundle(join(work, 'musim-tiny'));
  try {
    const condition = new Float32Array(bundle.manifest.encoder.dim);
    condition[3] = 1;
    const request = { condition, seed: 11, steps: 6 };
    const [first] = await generateMusim(bundle, request);
    const [second] = await generateMusim(bundle, request);
    assert.ok(Buffer.from(first.png).equals(Buffer.from(second.png)), 'same seed, same bytes');
    assert.equal(first.stats.denoiserCalls, 6);
    const [other] = await generateMusim(bundle, { ...request, seed: 12 });
    assert.ok(!Buffer.from(other.png).equals(Buffer.from(first.png)), 'another seed, another picture');

    const guide = await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
    const [kept] = await generateMusim(bundle, { ...request, guide: { image: new Uint8Array(guide), strength: 0 } });
    assert.equal(kept.stats.denoiserCalls, 0, 'no denoising at strength 0');
    const size = bundle.manifest.image.size;
    const pixels = new Float32Array(3 * size * size).fill(0).map((_, i) => [200, 40, 90][Math.floor(i / (size * size))] / 127.5 - 1);
    const reconstruction = await bundle.autoencoder.decode(await bundle.autoencoder.encode(pixels, 1), 1);
    const { data } = await sharp(Buffer.from(kept.png)).raw().toBuffer({ resolveWithObject: true });
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < size * size; p += 97) {
        const expected = Math.round((Math.min(1, Math.max(-1, reconstruction[c * size * size + p])) + 1) * 127.5);
        worst = Math.max(worst, Math.abs(data[p * 3 + c] - expected));
      }
    }
    assert.ok(worst <= 1, `the picture is decode(encode(guide)), off by at most one level (worst ${worst})`);
  } finally {
    await bundle.close();
  }
});

