// npm run generate -- music --image shot.png --out DIR [options]
// Image → music with an Imagic bundle: embeds the image with the bundle's pinned MuVis encoder, samples 1–4
// variations and writes <name>.wav, <name>.mid and <name>.json (every parameter, the seed, bundle and encoder).
// An audio prompt is transcribed to MIDI first (basic-pitch) and written beside them as <stem>.prompt.mid.
// npm run generate -- image --audio track.wav --out DIR [options]
// Music → image with a MusIm bundle: embeds the track with the bundle's pinned MuVis audio tower, samples 1–4
// variations (optionally from a guide image) and writes <seed>.png and <seed>.json.
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImagicBundle, resolveImagicBundleDir } from '../imagic/bundle.js';
import { embedCondition, loadPinnedEncoder } from '../imagic/condition.js';
import type { MusicControls } from '../imagic/controls.js';
import { pinnedEncoderDir, sha256File } from '../imagic/encoder-pin.js';
import { GenerationError } from '../imagic/errors.js';
import { numberFlag, parseFlags, UsageError } from './flags.js';
import { DEFAULTS, generateImagic, LIMITS, type GenerationProgress, type ImagicRequest } from '../imagic/generate.js';
import { midiPrompt, type PreparedPrompt } from '../imagic/prompt.js';
import { RENDER_SAMPLE_RATE, renderMidi } from '../render/render-midi.js';
import { LOUDNESS_TARGET_DB, PEAK_CEILING_DB } from '../render/loudness.js';
import { AUDIO_PROMPT_MAX_SECONDS } from '../transcribe/audio-input.js';
import type { Mode, StyleName } from '../tokenizer/vocabulary.js';
import { BasicPitchTranscriber, type Transcription } from '../transcribe/transcriber.js';
import { loadMusimBundle, readMusimManifest, resolveMusimBundleDir } from '../musim/bundle.js';
import { embedMusicCondition } from '../musim/condition.js';
import { generateMusim, type MusimProgress } from '../musim/generate.js';
import { checkMusimRequest, MUSIM_DEFAULTS, MUSIM_LIMITS, type MusimRequest } from '../musim/request.js';
import { SAMPLERS, type SamplerName } from '../musim/samplers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const USAGE = `usage: npm run generate -- music --image FILE --out DIR [options]
  --seconds N        music to generate, 5–120 (default 30)
  --seed N           0–4294967295 (default: random, written to the JSON)
  --count N          variations 1–4, seeds seed, seed+1, … (default 1)
  --temperature T    (default ${DEFAULTS.temperature})    --top-p P (default ${DEFAULTS.topP})    --guidance G (default ${DEFAULTS.guidanceScale})
  --tempo BPM --key D --mode major|minor --meter 3/4 --style jazz --instruments 0,33,drums --density 0–9
  --loop             end on a bar line so the piece repeats seamlessly
  --prompt-midi FILE continue this MIDI file
  --prompt-audio FILE continue this recording (WAV, MP3, FLAC, Ogg; at most ${AUDIO_PROMPT_MAX_SECONDS} s), transcribed to MIDI
  --guide-audio FILE steer towards this track (its MuVis audio embedding)   --guide-weight W (0–1, default 0.5)
  --bundle DIR       Imagic bundle (default: models/<name in models/default-imagic>)
  --encoder DIR      the pinned MuVis bundle (default: models/<the name the Imagic manifest pins>)
  --threads N        onnxruntime intra-op threads (default 2)
  --name NAME        output file name (default: <image name>-<seed>)
usage: npm run generate -- image --audio FILE --out DIR [options]
  --guide FILE       start from this picture (SDEdit)   --strength S (0–1, default ${MUSIM_DEFAULTS.strength}: 0 keeps the guide, 1 ignores it)
  --steps N          denoiser steps ${MUSIM_LIMITS.minSteps}–${MUSIM_LIMITS.maxSteps} (default ${MUSIM_DEFAULTS.steps})    --sampler ${SAMPLERS.join('|')} (default ${MUSIM_DEFAULTS.sampler})
  --guidance G       classifier-free guidance 0–${MUSIM_LIMITS.maxGuidance} (default ${MUSIM_DEFAULTS.guidanceScale})
  --seed N           0–4294967295 (default: random, written to the JSON)
  --count N          variations 1–${MUSIM_LIMITS.maxCount}, seeds seed, seed+1, … (default 1); each is written as <seed>.png and <seed>.json
  --upscale          2× Lanczos3 upscale (512×512)
  --bundle DIR       MusIm bundle (default: models/<name in models/default-musim>)
  --encoder DIR      the pinned MuVis bundle (default: models/<the name the MusIm manifest pins>)
  --threads N        onnxruntime intra-op threads (default 2)`;

const IMAGE_VALUED = ['audio', 'out', 'guide', 'strength', 'steps', 'sampler', 'guidance', 'seed', 'count', 'bundle', 'encoder', 'threads'];
const IMAGE_SWITCHES = ['upscale'];

const VALUED = ['image', 'out', 'seconds', 'seed', 'count', 'temperature', 'top-p', 'guidance', 'tempo', 'key', 'mode', 'meter', 'style', 'instruments',
  'density', 'prompt-midi', 'prompt-audio', 'guide-audio', 'guide-weight', 'bundle', 'encoder', 'threads', 'name'];
const SWITCHES = ['loop'];


function controlsOf(flags: Record<string, string>): MusicControls {
  const c: MusicControls = {};
  if (flags.tempo !== undefined) c.tempo = numberFlag(flags, 'tempo');
  if (flags.key !== undefined) c.key = flags.key;
  if (flags.mode !== undefined) c.mode = flags.mode as Mode;
  if (flags.meter !== undefined) c.meter = flags.meter;
  if (flags.style !== undefined) c.style = flags.style as StyleName;
  if (flags.instruments !== undefined) c.instruments = flags.instruments.split(',').map((s) => s.trim()).filter(Boolean);
  if (flags.density !== undefined) c.density = numberFlag(flags, 'density');
  return c;
}

/** a progress line on stderr, redrawn in place on a terminal, every tenth otherwise */
function progressLine(): (fraction: number, label: string, after: string, done: boolean) => void {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (fraction, label, after, done) => {
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(100 * fraction).toFixed(0).padStart(3)}%${after}`;
    if (tty) process.stderr.write(`\r${line}${done ? '\n' : ''}`);
    else if (done || Math.floor(fraction * 10) > lastTenth) process.stderr.write(`${line}\n`);
    lastTenth = done ? -1 : Math.floor(fraction * 10);
  };
}

function progressBar(): (p: GenerationProgress) => void {
  const draw = progressLine();
  return (p) => draw(Math.min(1, p.done ? 1 : p.seconds / p.targetSeconds), `variation ${p.variation + 1}/${p.count}`, `  bar ${p.bars}, ${p.seconds.toFixed(1)} of ${p.targetSeconds} s`, p.done);
}

/** the audio prompt → MIDI, with its own progress line and a summary of what was heard */
async function transcribePrompt(path: string): Promise<Transcription> {
  const draw = progressLine();
  const transcriber = new BasicPitchTranscriber({ onProgress: (f) => draw(f, 'transcribing the audio prompt', '', f >= 1) });
  const t = await transcriber.transcribe(new Uint8Array(readFileSync(path)));
  await transcriber.dispose();
  process.stderr.write(`audio prompt: ${t.notes.length} notes in ${t.audioSeconds.toFixed(1)} s at ${t.timeline.bpm} BPM, basic-pitch on ${t.model.runtime} `
    + `in ${(t.timings.totalMs / 1000).toFixed(1)} s (model load ${(t.timings.modelLoadMs / 1000).toFixed(1)} s)\n`);
  return t;
}

function stepBar(): (p: MusimProgress) => void {
  const draw = progressLine();
  return (p) => draw(p.steps === 0 ? 1 : p.step / p.steps, `variation ${p.variation + 1}/${p.count}`, `  step ${p.step} of ${p.steps}`, p.done);
}

/** npm run generate -- image: the request is checked (exit 2 naming the rule) before any file or model is read */
async function generateImage(args: string[]): Promise<void> {
  const flags = parseFlags(args, IMAGE_VALUED, IMAGE_SWITCHES);
  if (!flags.audio || !flags.out) throw new UsageError('--audio and --out are required');
  if (flags.strength !== undefined && !flags.guide) throw new UsageError('--strength needs --guide');
  const seed = numberFlag(flags, 'seed') ?? randomInt(0, 2 ** 32 - 1);
  const options = {
    seed,
    count: numberFlag(flags, 'count'),
    steps: numberFlag(flags, 'steps'),
    sampler: flags.sampler as SamplerName | undefined,
    guidanceScale: numberFlag(flags, 'guidance'),
    upscale: flags.upscale === 'true',
  };
  const strength = numberFlag(flags, 'strength');
  let settings: ReturnType<typeof checkMusimRequest>;
  try {
    settings = checkMusimRequest({ ...options, guide: flags.guide ? { strength } : undefined });
  } catch (error) {
    if (error instanceof GenerationError) throw new UsageError(error.message);
    throw error;
  }
  const audioPath = resolve(flags.audio);
  const guidePath = flags.guide ? resolve(flags.guide) : undefined;
  const audio = new Uint8Array(readFileSync(audioPath));
  const guide = guidePath ? new Uint8Array(readFileSync(guidePath)) : undefined;

  const modelsDir = join(ROOT, 'models');
  const bundleDir = flags.bundle ? resolve(flags.bundle) : await resolveMusimBundleDir(modelsDir);
  const pin = (await readMusimManifest(bundleDir)).encoder;
  const encoderDir = flags.encoder ? resolve(flags.encoder) : pinnedEncoderDir(pin, modelsDir);
  const threads = numberFlag(flags, 'threads') ?? 2;
  const bundle = await loadMusimBundle(bundleDir, { intraOpThreads: threads, encoderDir });
  try {
    const condition = await embedMusicCondition(bundle.encoder!, audio);
    const request: MusimRequest = { ...options, condition, ...(guide && { guide: { image: guide, strength } }) };
    const images = await generateMusim(bundle, request, { onProgress: stepBar() });
    const outDir = resolve(flags.out);
    mkdirSync(outDir, { recursive: true });
    const sources = {
      audio: { path: audioPath, sha256: await sha256File(audioPath) },
      ...(guidePath && { guide: { path: guidePath, sha256: await sha256File(guidePath), strength: settings.strength } }),
    };
    for (const image of images) {
      writeFileSync(join(outDir, `${image.seed}.png`), image.png);
      const record = {
        engine: 'musim',
        bundle: { name: bundle.name, version: bundle.version, dir: bundle.dir },
        encoder: { name: pin.name, version: pin.version, dir: encoderDir, files: pin.files },
        seed: image.seed,
        parameters: {
          steps: settings.steps, sampler: settings.sampler, guidanceScale: settings.guidanceScale, count: settings.count, upscale: settings.upscale,
          baseSeed: seed, threads, prediction: bundle.schedule.prediction, spacing: 'trailing',
        },
        sources,
        result: { width: image.width, height: image.height, file: `${image.seed}.png` },
        timing: {
          wallMs: Math.round(image.stats.wallMs), denoiserCalls: image.stats.denoiserCalls, denoiserMs: Math.round(image.stats.denoiserMs), decoderMs: Math.round(image.stats.decoderMs),
        },
      };
      writeFileSync(join(outDir, `${image.seed}.json`), `${JSON.stringify(record, null, 2)}\n`);
      console.log(`${join(outDir, `${image.seed}.png`)}  seed ${image.seed}, ${image.width}×${image.height}, ${image.stats.denoiserCalls} steps in ${Math.round(image.stats.wallMs)} ms`);
    }
  } finally {
    await bundle.close();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'image') return generateImage(rest);
  if (command !== 'music') throw new UsageError(command ? `unknown command "${command}" (music or image)` : 'which command? (music or image)');
  const flags = parseFlags(rest, VALUED, SWITCHES);
  if (!flags.image || !flags.out) throw new UsageError('--image and --out are required');
  if (flags['prompt-midi'] && flags['prompt-audio']) throw new UsageError('--prompt-midi and --prompt-audio are two kinds of one prompt: pass one of them');
  const seconds = numberFlag(flags, 'seconds') ?? 30;
  if (seconds < LIMITS.minSeconds || seconds > LIMITS.maxSeconds) throw new UsageError(`--seconds must lie in ${LIMITS.minSeconds}–${LIMITS.maxSeconds}, got ${seconds}`);
  // The prompt first: a prompt that cannot be read fails before any model loads.
  const promptPath = flags['prompt-midi'] ? resolve(flags['prompt-midi']) : flags['prompt-audio'] ? resolve(flags['prompt-audio']) : undefined;
  const transcription = flags['prompt-audio'] ? await transcribePrompt(promptPath!) : undefined;
  let prompt: PreparedPrompt | undefined;
  if (transcription) prompt = midiPrompt(transcription.midi);
  else if (promptPath) prompt = midiPrompt(new Uint8Array(readFileSync(promptPath)));
  const modelsDir = join(ROOT, 'models');
  const bundleDir = flags.bundle ? resolve(flags.bundle) : await resolveImagicBundleDir(modelsDir);
  const threads = numberFlag(flags, 'threads') ?? 2;
  const bundle = await loadImagicBundle(bundleDir, { intraOpThreads: threads });
  const pin = bundle.manifest.encoder;
  const encoderDir = flags.encoder ? resolve(flags.encoder) : pinnedEncoderDir(pin, modelsDir);
  const encoder = await loadPinnedEncoder(pin, encoderDir);
  const imagePath = resolve(flags.image);
  const guidePath = flags['guide-audio'] ? resolve(flags['guide-audio']) : undefined;
  const guideWeight = numberFlag(flags, 'guide-weight');
  const condition = await embedCondition(encoder, {
    image: new Uint8Array(readFileSync(imagePath)),
    reference: guidePath ? new Uint8Array(readFileSync(guidePath)) : undefined,
    referenceWeight: guideWeight,
  });
  await encoder.close();
  const seed = numberFlag(flags, 'seed') ?? randomInt(0, 2 ** 32 - 1);
  const request: ImagicRequest = {
    condition,
    seconds,
    seed,
    count: numberFlag(flags, 'count'),
    temperature: numberFlag(flags, 'temperature'),
    topP: numberFlag(flags, 'top-p'),
    guidanceScale: numberFlag(flags, 'guidance'),
    controls: controlsOf(flags),
    loop: flags.loop === 'true',
    prompt,
  };
  const pieces = await generateImagic(bundle.decoder, request, { onProgress: progressBar() });
  await bundle.close();

  const outDir = resolve(flags.out);
  mkdirSync(outDir, { recursive: true });
  const stem = flags.name ?? basename(imagePath, extname(imagePath));
  if (transcription) writeFileSync(join(outDir, `${stem}.prompt.mid`), transcription.midi);
  const sources = {
    image: { path: imagePath, sha256: await sha256File(imagePath) },
    ...(promptPath && !transcription && { promptMidi: { path: promptPath, sha256: await sha256File(promptPath) } }),
    ...(promptPath && transcription && {
      promptAudio: {
        path: promptPath, sha256: await sha256File(promptPath), seconds: transcription.audioSeconds, transcribedMidi: `${stem}.prompt.mid`,
        notes: transcription.notes.length, bpm: transcription.timeline.bpm, engine: 'basic-pitch', runtime: transcription.model.runtime,
        transcribeMs: Math.round(transcription.timings.totalMs),
      },
    }),
    ...(guidePath && { guideAudio: { path: guidePath, sha256: await sha256File(guidePath), weight: guideWeight ?? 0.5 } }),
  };
  for (const piece of pieces) {
    const name = pieces.length > 1 || !flags.name ? `${stem}-${piece.seed}` : stem;
    const started = performance.now();
    const audio = await renderMidi(piece.midi, { loop: piece.loop });
    const renderMs = performance.now() - started;
    writeFileSync(join(outDir, `${name}.mid`), piece.midi);
    writeFileSync(join(outDir, `${name}.wav`), audio.wav);
    const record = {
      engine: 'imagic',
      bundle: { name: bundle.name, version: bundle.version, dir: bundle.dir },
      encoder: { name: pin.name, version: pin.version, dir: encoderDir, files: pin.files },
      seed: piece.seed,
      parameters: {
        seconds: request.seconds, count: request.count ?? DEFAULTS.count, temperature: request.temperature ?? DEFAULTS.temperature,
        topP: request.topP ?? DEFAULTS.topP, guidanceScale: request.guidanceScale ?? DEFAULTS.guidanceScale, loop: piece.loop, controls: request.controls,
        baseSeed: seed, threads,
      },
      sources,
      result: { seconds: piece.seconds, promptSeconds: piece.promptSeconds, bars: piece.bars, tokens: piece.tokens.length },
      render: { sampleRate: RENDER_SAMPLE_RATE, seconds: audio.seconds, loudness: audio.loudness, targetDb: LOUDNESS_TARGET_DB, peakCeilingDb: PEAK_CEILING_DB },
      timing: { decodeMs: Math.round(piece.stats.wallMs), renderMs: Math.round(renderMs), sampled: piece.stats.sampled, decoderRuns: piece.stats.runs, windows: piece.stats.windows },
      files: { wav: `${name}.wav`, midi: `${name}.mid` },
    };
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    console.log(`${join(outDir, name)}.{wav,mid,json}  seed ${piece.seed}, ${piece.bars} bars, ${audio.seconds.toFixed(1)} s`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof GenerationError || (err instanceof Error && 'code' in err)) {
    console.error(`error (${String((err as { code: unknown }).code)}): ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error(err instanceof Error ? `error: ${err.stack ?? err.message}` : err);
    process.exitCode = 1;
  }
});
