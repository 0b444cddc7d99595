// `npm run bench -- embed [--bundle DIR] [--corpus DIR] [--threads 1,2] [--quick] [--note TEXT]`
// Embedding throughput of each MuVis tower at batch 1 and 32 on this CPU, preprocessing
// (decode + features) timed apart, and the projected time to embed the ImMuTe corpus.
// Writes bench/results/embed.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRng, encodeWav, readCorpusManifest, MANIFEST_FILE } from '@muse/immute';
import { decodeAudio, decodeImage, loadBundle, resolveBundleDir, HnswIndex, type MuvisBundle } from '@muse/embeddings';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS_ITEMS = 5521; // ImMuTe: one 10 s clip and one image per MusicCaps item

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
// Tower rates are measured for each thread count in one run, so their ratio is comparable.
const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
const corpusDir = arg('corpus') ?? join(ROOT, 'data', 'corpus');

interface Sample {
  audio: Uint8Array;
  image: Uint8Array;
}

/** Up to `count` real corpus items when a built corpus exists, else generated stand-ins of the same shape. */
async function loadSamples(count: number): Promise<{ source: string; samples: Sample[] }> {
  if (existsSync(join(corpusDir, MANIFEST_FILE))) {
    const samples = readCorpusManifest(corpusDir).slice(0, count).map((item) => {
      return { audio: new Uint8Array(readFileSync(join(corpusDir, item.files.audio))), image: new Uint8Array(readFileSync(join(corpusDir, item.files.image))) };
    });
    if (samples.length > 0) return { source: `corpus ${corpusDir} (${samples.length} items)`, samples };
  }
  const samples: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const rate = 16000;
    const pcm = new Int16Array(rate * 10);
    for (let i = 0; i < pcm.length; i++) {
      const t = i / rate;
      pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * (220 + 30 * n) * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 2 * t)) + 1000 * Math.sin(i * 12.9898 + n));
    }
    const audio = encodeWav(Float32Array.from(pcm, (v) => v / 32767), rate);
    const pixels = Buffer.alloc(256 * 256 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * (n + 3) + ((i / 768) | 0) * 7) & 0xff;
    const image = new Uint8Array(await sharp(pixels, { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer());
    samples.push({ audio, image });
  }
  return { source: `generated (${count} × 10 s 16 kHz mono PCM16 WAV + 256×256 PNG, as the corpus)`, samples };
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Items per second of one tower at a batch size, after a warm-up run. */
async function towerRate(run: (batch: Float32Array[]) => Promise<unknown>, inputs: Float32Array[], batchSize: number, minItems: number) {
  const batch = Array.from({ length: batchSize }, (_, i) => inputs[i % inputs.length]);
  await run(batch);
  let items = 0;
  const start = performance.now();
  while (items < minItems) {
    await run(batch);
    items += batchSize;
  }
  const seconds = (performance.now() - start) / 1000;
  return { batch: batchSize, items, seconds: round(seconds), itemsPerSecond: round(items / seconds), msPerItem: round((1000 * seconds) / items) };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function towerRates(bundle: MuvisBundle, audioInputs: Float32Array[], imageInputs: Float32Array[]) {
  const minItems = quick ? 32 : 256;
  const minSingles = quick ? 8 : 64;
  const audio1 = await towerRate((b) => bundle.runAudioTower(b), audioInputs, 1, minSingles);
  const audio32 = await towerRate((b) => bundle.runAudioTower(b), audioInputs, 32, minItems);
  const image1 = await towerRate((b) => bundle.runImageTower(b), imageInputs, 1, minSingles);
  const image32 = await towerRate((b) => bundle.runImageTower(b), imageInputs, 32, minItems);
  for (const [name, r] of [['audio b1', audio1], ['audio b32', audio32], ['image b1', image1], ['image b32', image32]] as const) {
    console.log(`  ${name}: ${r.itemsPerSecond} items/s (${r.msPerItem} ms/item)`);
  }
  return { audio: { batch1: audio1, batch32: audio32, unit: 'windows (one 512-frame model input)' }, image: { batch1: image1, batch32: image32, unit: 'images' } };
}

/**
 * The corpus-sized index: build time, query latency (plain and with a 10 % filter) and
 * recall@10 against brute force. Random unit vectors are the hardest case for HNSW.
 */
function indexBench(dim: number, count: number) {
  const random = createRng(42).next;
  const unit = () => {
    const v = Float32Array.from({ length: dim }, () => random() + random() + random() - 1.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const vectors = Array.from({ length: count }, unit);
  const queries = Array.from({ length: quick ? 50 : 200 }, unit);
  const build = performance.now();
  const hnsw = HnswIndex.create(dim, count);
  vectors.forEach((v, i) => hnsw.add(i, v));
  const buildMs = performance.now() - build;
  // a 10 % filter (552 of the corpus) is under the index's exact-scan threshold, so it is scanned exactly
  const filter = new Set(vectors.map((_, i) => i).filter((label) => label % 10 === 3));
  const measure = (exact: boolean, withFilter: boolean) => {
    const allowed = withFilter ? filter : undefined;
    const start = performance.now();
    const results = queries.map((q) => (exact ? hnsw.exactSearch(q, 10, allowed) : hnsw.search(q, 10, allowed)).map((h) => h.label));
    return { msPerQuery: round((performance.now() - start) / queries.length, 4), results };
  };
  const plain = measure(false, false);
  const filtered = measure(false, true);
  const exactPlain = measure(true, false);
  const exactFiltered = measure(true, true);
  const recall = (got: number[][], truth: number[][]) =>
    round(got.reduce((n, g, i) => n + g.filter((l) => truth[i].includes(l)).length, 0) / (10 * got.length));
  const result = {
    items: count, dim, data: 'uniform random unit vectors', buildSeconds: round(buildMs / 1000),
    hnsw: { msPerQuery: plain.msPerQuery, filtered10PercentMsPerQuery: filtered.msPerQuery, recallAt10: recall(plain.results, exactPlain.results), filteredRecallAt10: recall(filtered.results, exactFiltered.results) },
    exact: { msPerQuery: exactPlain.msPerQuery, filtered10PercentMsPerQuery: exactFiltered.msPerQuery },
    speedupOverExact: round(exactPlain.msPerQuery / plain.msPerQuery, 1),
  };
  console.log(`index (${count} × ${dim}): build ${result.buildSeconds} s, ${result.hnsw.msPerQuery} ms/query, recall@10 ${result.hnsw.recallAt10}, filtered recall@10 ${result.hnsw.filteredRecallAt10}, ${result.speedupOverExact}× faster than exact`);
  return result;
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const bundleDir = arg('bundle') ?? (await resolveBundleDir(join(ROOT, 'models')));
  const { source, samples } = await loadSamples(quick ? 4 : 16);
  let bundle: MuvisBundle = await loadBundle(bundleDir, { intraOpThreads: threadCounts[0], maxBatch: 32 });
  console.log(`bundle ${bundle.name} (${bundleDir}), inputs: ${source}, load ${load.toFixed(2)}`);

  // Preprocessing, per item: decode + resample + fbank + windows; decode + resize + tensor.
  const audioInputs: Float32Array[] = [];
  let windows = 0;
  const audioPre = await timed(async () => {
    for (const s of samples) {
      const decoded = await decodeAudio(s.audio);
      const inputs = bundle.audioInputs(decoded.samples, decoded.sampleRate);
      windows += inputs.length;
      audioInputs.push(...inputs);
    }
  });
  const imageInputs: Float32Array[] = [];
  const imagePre = await timed(async () => {
    for (const s of samples) imageInputs.push(bundle.imageInput(await decodeImage(s.image)));
  });
  const windowsPerClip = windows / samples.length;
  const audioPreMs = audioPre.ms / samples.length;
  const imagePreMs = imagePre.ms / samples.length;
  console.log(`preprocess: audio ${audioPreMs.toFixed(1)} ms/clip (${windowsPerClip} windows), image ${imagePreMs.toFixed(1)} ms/image`);

  const byThreads: Record<string, Awaited<ReturnType<typeof towerRates>>> = {};
  for (const [i, threads] of threadCounts.entries()) {
    if (i > 0) {
      await bundle.close();
      bundle = await loadBundle(bundleDir, { intraOpThreads: threads, maxBatch: 32 });
    }
    console.log(`towers, ${threads} intra-op thread(s):`);
    byThreads[threads] = await towerRates(bundle, audioInputs, imageInputs);
  }
  await bundle.close();

  const index = indexBench(bundle.dim, CORPUS_ITEMS * 2);

  // Projection: the best measured configuration, end to end per corpus item at batch 32.
  const best = Object.entries(byThreads).reduce((a, b) =>
    b[1].audio.batch32.itemsPerSecond * windowsPerClip + b[1].image.batch32.itemsPerSecond > a[1].audio.batch32.itemsPerSecond * windowsPerClip + a[1].image.batch32.itemsPerSecond ? b : a);
  const [bestThreads, towers] = best;
  const audioMsPerClip = audioPreMs + windowsPerClip * towers.audio.batch32.msPerItem;
  const imageMsPerImage = imagePreMs + towers.image.batch32.msPerItem;
  const projectedSeconds = (CORPUS_ITEMS * (audioMsPerClip + imageMsPerImage)) / 1000;
  const result = {
    benchmark: 'embed',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: round(load, 2), node: process.version },
    mode: quick ? 'quick (short run)' : 'full',
    note: arg('note') ?? null,
    bundle: { name: bundle.name, version: bundle.version, dir: bundleDir, architecture: (bundle.manifest.architecture as any) ?? null },
    inputs: source,
    preprocessing: {
      audioMsPerClip: round(audioPreMs), windowsPerClip, imageMsPerImage: round(imagePreMs),
      note: 'single-threaded JS; audio: WAV decode + resample (none at 16 kHz) + fbank + windows; image: PNG decode + Pillow-exact resize + normalise',
    },
    towersByIntraOpThreads: byThreads,
    index,
    endToEnd: {
      intraOpThreads: Number(bestThreads),
      audioClipsPerSecond: round(1000 / audioMsPerClip), imagesPerSecond: round(1000 / imageMsPerImage),
      audioMsPerClip: round(audioMsPerClip), imageMsPerImage: round(imageMsPerImage),
    },
    projection: {
      corpusItems: CORPUS_ITEMS,
      seconds: round(projectedSeconds, 1),
      minutes: round(projectedSeconds / 60, 2),
      assumes: 'one 10 s clip + one image per item, batch 32, one process, preprocessing not overlapped with inference; hums not included',
    },
    ratios: {
      audioBatch32OverBatch1: round(towers.audio.batch32.itemsPerSecond / towers.audio.batch1.itemsPerSecond),
      imageBatch32OverBatch1: round(towers.image.batch32.itemsPerSecond / towers.image.batch1.itemsPerSecond),
      audioPreprocessShareOfClip: round(audioPreMs / audioMsPerClip),
      ...(byThreads[1] && byThreads[2]
        ? {
            audioBatch32TwoThreadsOverOne: round(byThreads[2].audio.batch32.itemsPerSecond / byThreads[1].audio.batch32.itemsPerSecond),
            imageBatch32TwoThreadsOverOne: round(byThreads[2].image.batch32.itemsPerSecond / byThreads[1].image.batch32.itemsPerSecond),
          }
        : {}),
    },
  };
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'embed.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`projected corpus embedding: ${result.projection.minutes} min for ${CORPUS_ITEMS} clips + images (${bestThreads} thread(s)); wrote bench/results/embed.json`);
}

await main();
