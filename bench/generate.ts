// `npm run bench -- generate [--only music|image] [--bundle DIR] [--musim-bundle DIR] [--threads 1,2] [--guidance 3] [--repeats 3] [--quick] [--note TEXT]`
// Imagic on this CPU: wall time to decode 10 s and 60 s of music (the sampling loop over decoder.onnx) and to
// render it (MIDI → 44.1 kHz WAV through the SoundFont), timed apart; tokens per second and milliseconds per
// decoder step at B = 1 (guidance 1) and B = 2 (classifier-free guidance), at 1 and 2 intra-op threads.
// MusIm (the `image` part): wall time per 256×256 picture at 10 and 20 steps with guidance (B = 2) and without
// (B = 1), milliseconds per denoiser step and for the final decode, at 1 and 2 intra-op threads.
// Writes bench/results/generate.json; `--only` runs one part and keeps the other's figures from the last run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  embedCondition, embedMusicCondition, generateImagic, generateMusim, loadImagicBundle, loadMusimBundle, loadPinnedEncoder, pinnedEncoderDir, readMusimManifest,
  renderMidi, resolveImagicBundleDir, resolveMusimBundleDir, type ImagicBundle, type MusimImage,
} from '@muse/generation';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UNTRAINED = join(ROOT, 'data/imagic/bundles/imagic-untrained');
const UNTRAINED_MUSIM = join(ROOT, 'data/musim/bundles/musim-untrained');
const RESULT = join(ROOT, 'bench/results/generate.json');
/** tokens per second of music in the ImMuTe corpus (packages/generation/README.md): mean 65, p90 108 */
const CORPUS_TOKENS_PER_SECOND = { mean: 65, p90: 108 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
const guided = Number(arg('guidance') ?? 3);
const repeats = Number(arg('repeats') ?? (quick ? 1 : 3));
const lengths = quick ? [10] : [10, 60];
const only = arg('only');
if (only !== undefined && only !== 'music' && only !== 'image') throw new Error(`--only must be music or image, got ${only}`);

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function bundleDir(): Promise<string> {
  if (arg('bundle')) return arg('bundle')!;
  try {
    return await resolveImagicBundleDir(join(ROOT, 'models'));
  } catch {
    if (existsSync(join(UNTRAINED, 'manifest.json'))) return UNTRAINED;
    throw new Error(`no Imagic bundle: pass --bundle DIR, train one (npm run train:imagic), or export the untrained one to ${UNTRAINED}`);
  }
}

/** the MuVis embedding of a corpus image through the pinned encoder when both are here, else a fixed unit vector */
async function condition(bundle: ImagicBundle): Promise<{ vector: Float32Array; source: string }> {
  const pin = bundle.manifest.encoder;
  const image = join(ROOT, 'data/corpus/images/00000.png');
  const encoderDir = pinnedEncoderDir(pin, join(ROOT, 'models'));
  if (existsSync(image) && existsSync(encoderDir)) {
    const encoder = await loadPinnedEncoder(pin, encoderDir);
    const vector = await embedCondition(encoder, { image: new Uint8Array(readFileSync(image)) });
    await encoder.close();
    return { vector, source: `${pin.name} embedding of data/corpus/images/00000.png` };
  }
  const v = Float32Array.from({ length: pin.dim }, (_, i) => Math.sin(i + 1));
  const n = Math.hypot(...v);
  return { vector: v.map((x) => x / n), source: 'a fixed unit vector (no corpus image or pinned encoder here)' };
}

interface Run {
  seconds: number;
  musicSeconds: number;
  decodeMs: number;
  tokens: number;
  decoderRuns: number;
  decoderMs: number;
  windows: number;
  midi: Uint8Array;
}

async function benchMusic(): Promise<Record<string, unknown>> {
  const load = loadavg()[0];
  const dir = await bundleDir();
  let bundle = await loadImagicBundle(dir, { intraOpThreads: threadCounts[0] });
  const cond = await condition(bundle);
  console.log(`bundle ${bundle.name} v${bundle.version} (${dir}), condition: ${cond.source}, load ${load.toFixed(2)}`);
  const decode: object[] = [];
  const firstRuns = new Map<number, Run[]>();
  for (const [i, threads] of threadCounts.entries()) {
    if (i > 0) {
      await bundle.close();
      bundle = await loadImagicBundle(dir, { intraOpThreads: threads });
    }
    for (const guidanceScale of [1, guided]) {
      await generateImagic(bundle.decoder, { condition: cond.vector, seconds: 5, seed: 999, guidanceScale }); // warm-up
      for (const seconds of lengths) {
        const runs: Run[] = [];
        for (let r = 0; r < repeats; r++) {
          const started = performance.now();
          const [piece] = await generateImagic(bundle.decoder, { condition: cond.vector, seconds, seed: 1 + r, guidanceScale });
          runs.push({
            seconds, musicSeconds: piece.seconds, decodeMs: performance.now() - started, tokens: piece.tokens.length,
            decoderRuns: piece.stats.runs, decoderMs: piece.stats.ms, windows: piece.stats.windows, midi: piece.midi,
          });
        }
        if (i === 0 && guidanceScale === guided) firstRuns.set(seconds, runs);
        const msPerToken = median(runs.map((r) => r.decodeMs / r.tokens));
        const row = {
          threads, guidanceScale, rows: guidanceScale === 1 ? 1 : 2, seconds, repeats,
          decodeMs: round(median(runs.map((r) => r.decodeMs)), 1),
          musicSeconds: round(median(runs.map((r) => r.musicSeconds)), 2),
          tokens: median(runs.map((r) => r.tokens)),
          tokensPerSecond: round(median(runs.map((r) => (1000 * r.tokens) / r.decodeMs)), 1),
          msPerToken: round(msPerToken),
          msPerDecoderRun: round(median(runs.map((r) => r.decoderMs / r.decoderRuns))),
          shareInDecoder: round(median(runs.map((r) => r.decoderMs / r.decodeMs)), 2),
          windows: median(runs.map((r) => r.windows)),
          projectedDecodeMsAtCorpusDensity: { mean: Math.round(seconds * CORPUS_TOKENS_PER_SECOND.mean * msPerToken), p90: Math.round(seconds * CORPUS_TOKENS_PER_SECOND.p90 * msPerToken) },
        };
        decode.push(row);
        console.log(`decode ${seconds} s, ${threads} thread(s), B=${row.rows}: ${row.decodeMs} ms for ${row.tokens} tokens (${row.musicSeconds} s of music), `
          + `${row.tokensPerSecond} tokens/s, ${row.msPerToken} ms/token, ${row.msPerDecoderRun} ms/decoder run; at the corpus's 65 tokens/s: ${row.projectedDecodeMsAtCorpusDensity.mean} ms`);
      }
    }
  }
  await bundle.close();

  const render: object[] = [];
  await renderMidi(firstRuns.get(lengths[0])![0].midi); // loads the SoundFont
  for (const [seconds, runs] of firstRuns) {
    const times: number[] = [];
    let audioSeconds = 0;
    for (const r of runs) {
      const started = performance.now();
      const audio = await renderMidi(r.midi);
      times.push(performance.now() - started);
      audioSeconds = audio.seconds;
    }
    const row = { seconds, renderMs: round(median(times), 1), audioSeconds: round(audioSeconds, 2), sampleRate: 44100, realtimeFactor: round(audioSeconds / (median(times) / 1000), 1) };
    render.push(row);
    console.log(`render ${seconds} s: ${row.renderMs} ms for ${row.audioSeconds} s of 44.1 kHz audio (${row.realtimeFactor}× real time)`);
  }

  return {
    benchmark: 'generate',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: round(load, 2), node: process.version },
    mode: quick ? 'quick (one run, 10 s only)' : 'full',
    note: arg('note') ?? null,
    bundle: { name: bundle.name, version: bundle.version, dir, decoder: bundle.manifest.decoder, training: bundle.manifest.training ?? null },
    condition: cond.source,
    method: 'generateImagic, one variation, temperature 1, top-p 0.95, seeds 1…repeats, median over repeats, after a 5 s warm-up; '
      + 'decode = the whole sampling loop (grammar masks, sampling, decoder runs); render = renderMidi (spessasynth, FluidR3Mono, 44.1 kHz, loudness normalisation) of the guided runs, single-threaded JS. '
      + 'An untrained bundle writes sparse noise, so the music seconds per token differ from a trained one: projectedDecodeMsAtCorpusDensity scales ms/token to the corpus (65 tokens per second of music on average, 108 at p90).',
    targets: { tenSecondsMs: 1000, sixtySecondsMs: 5000, cores: 2 },
    decode,
    render,
  };
}

/** the MusIm bundle models/default-musim names, else the untrained one; and which it was */
async function musimBundleDir(): Promise<{ dir: string; source: string }> {
  if (arg('musim-bundle')) return { dir: arg('musim-bundle')!, source: '--musim-bundle' };
  try {
    return { dir: await resolveMusimBundleDir(join(ROOT, 'models')), source: 'models/default-musim' };
  } catch {
    if (existsSync(join(UNTRAINED_MUSIM, 'manifest.json'))) return { dir: UNTRAINED_MUSIM, source: 'the untrained bundle (no models/default-musim): random weights, the shipped architecture' };
    throw new Error(`no MusIm bundle: pass --musim-bundle DIR, train one (npm run train:musim), or export the untrained one to ${UNTRAINED_MUSIM}`);
  }
}

/** the pinned MuVis audio embedding of a corpus clip when both are here, else a fixed unit vector */
async function musicCondition(dir: string): Promise<{ vector: Float32Array; source: string }> {
  const pin = (await readMusimManifest(dir)).encoder;
  const audio = join(ROOT, 'data/corpus/audio/00000.wav');
  const encoderDir = pinnedEncoderDir(pin, join(ROOT, 'models'));
  if (existsSync(audio) && existsSync(encoderDir)) {
    const encoder = await loadPinnedEncoder(pin, encoderDir);
    const vector = await embedMusicCondition(encoder, new Uint8Array(readFileSync(audio)));
    await encoder.close();
    return { vector, source: `${pin.name} audio embedding of data/corpus/audio/00000.wav` };
  }
  const v = Float32Array.from({ length: pin.dim }, (_, i) => Math.sin(i + 1));
  const n = Math.hypot(...v);
  return { vector: v.map((x) => x / n), source: 'a fixed unit vector (no corpus clip or pinned encoder here)' };
}

async function benchImage(): Promise<Record<string, unknown>> {
  const load = loadavg()[0];
  const { dir, source } = await musimBundleDir();
  const cond = await musicCondition(dir);
  const stepCounts = quick ? [20] : [10, 20];
  const rows: Record<string, unknown>[] = [];
  let described: Record<string, unknown> = {};
  for (const threads of threadCounts) {
    const bundle = await loadMusimBundle(dir, { intraOpThreads: threads });
    const { manifest } = bundle;
    described = {
      name: bundle.name, version: bundle.version, dir, source, prediction: manifest.denoiser.prediction, trainSteps: manifest.denoiser.trainSteps,
      image: manifest.image, latent: manifest.latent, training: manifest.training ?? null,
    };
    console.log(`MusIm bundle ${bundle.name} v${bundle.version} (${source}), ${threads} thread(s), condition: ${cond.source}`);
    await generateMusim(bundle, { condition: cond.vector, seed: 999, steps: 2 }); // warm-up
    for (const guidanceScale of [guided, 1]) {
      for (const steps of stepCounts) {
        const runs: MusimImage['stats'][] = [];
        for (let r = 0; r < repeats; r++) {
          const [image] = await generateMusim(bundle, { condition: cond.vector, seed: 1 + r, steps, guidanceScale, sampler: 'dpmpp-2m' });
          runs.push(image.stats);
        }
        const row = {
          threads, steps, guidanceScale, rows: guidanceScale === 1 ? 1 : 2, repeats,
          wallMs: round(median(runs.map((s) => s.wallMs)), 1),
          msPerDenoiserStep: round(median(runs.map((s) => s.denoiserMs / s.denoiserCalls))),
          denoiserMs: round(median(runs.map((s) => s.denoiserMs)), 1),
          decoderMs: round(median(runs.map((s) => s.decoderMs)), 1),
          restMs: round(median(runs.map((s) => s.wallMs - s.denoiserMs - s.decoderMs)), 1),
        };
        rows.push(row);
        console.log(`image ${steps} steps, ${threads} thread(s), B=${row.rows}: ${row.wallMs} ms (${row.msPerDenoiserStep} ms/denoiser step, decode ${row.decoderMs} ms, sampler + PNG ${row.restMs} ms)`);
      }
    }
    await bundle.close();
  }
  const target = rows.find((r) => r.threads === 2 && r.steps === 20 && r.rows === 2) as { wallMs: number } | undefined;
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: round(load, 2), node: process.version },
    mode: quick ? 'quick (one run, 20 steps only)' : 'full',
    bundle: described,
    condition: cond.source,
    method: 'generateMusim, one 256×256 picture, DPM-Solver++ (2M), trailing steps, seeds 1…repeats, median over repeats, after a 2-step warm-up; '
      + 'wall = noise to PNG (denoiser steps, sampler arithmetic, the final decode, PNG encoding); msPerDenoiserStep = one denoiser.onnx call (both guidance rows in one batch when B = 2); '
      + 'decoderMs = decoder.onnx on the clean latent; restMs = everything else (sampler arithmetic, PNG)',
    targets: { twentyStepsMs: 1000, cores: 2, met: target ? target.wallMs <= 1000 : null },
    runs: rows,
  };
}

async function main(): Promise<void> {
  const previous = only && existsSync(RESULT) ? JSON.parse(readFileSync(RESULT, 'utf8')) as Record<string, unknown> : {};
  const music = only === 'image' ? previous : await benchMusic();
  const image = only === 'music' ? previous.image ?? null : await benchImage();
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULT, `${JSON.stringify({ ...music, benchmark: 'generate', image }, null, 2)}\n`);
  console.log('wrote bench/results/generate.json');
}

await main();
