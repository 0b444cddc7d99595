import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { MusicControls } from '@muse/generation';
import type { GenerationLimits } from '../config/config.js';
import type { AssetRepository, AssetRow, NewGeneration } from '../repositories/asset.repository.js';
import type { GenerationRepository, GenerationRow } from '../repositories/generation.repository.js';
import type { Job } from '../repositories/job.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import type { GeneratedPiece, GeneratorIdentity, MusicGenerator } from '../repositories/music-generator.repository.js';
import { BadUserInputException, ForbiddenException, PayloadTooLargeException, UnauthenticatedException } from '../errors/app.exception.js';
import { requireCount } from './count-limit.util.js';
import { GenerationInputs, latestWins, MAX_SEED, seedAndTitle, sha256Hex, type Progress, type UploadedFile } from './generation-inputs.js';
import { MIDI_EXT, type AssetService } from './asset.service.js';
import { GENERATE_IMAGE_JOB } from './image-generation.service.js';
import type { IngestService } from './ingest.service.js';
import type { JobService } from './job.service.js';

/** The job type of `generateMusic`, under which its handler is registered. */
export const GENERATE_MUSIC_JOB = 'GENERATE_MUSIC';
/** Seconds of music when a request names none (within the configured limits). */
export const DEFAULT_SECONDS = 10;
/** An uploaded MIDI prompt travels in the job's row; a larger file is refused. */
export const MAX_MIDI_PROMPT_BYTES = 1024 * 1024;
/** Shares of a job's progress at the end of each stage; generation (per bar, across variations) is most of it. */
const PROGRESS = { prepared: 0.02, transcribed: 0.15, generated: 0.9, rendered: 0.97 } as const;

/** generateMusic's input, uploads read. */
/** the most past generations myGenerations returns at once */
export const MAX_PAST_GENERATIONS = 100;

export interface GenerateMusicRequest {
  /** the key asking (the job's owner); mutations always have one */
  apiKeyId: string | null;
  image?: UploadedFile;
  imageAssetId?: string;
  prompt?: UploadedFile;
  promptAssetId?: string;
  guide?: UploadedFile;
  guideAssetId?: string;
  guideWeight?: number;
  seconds?: number;
  tempo?: number;
  key?: string;
  mode?: string;
  meter?: string;
  style?: string;
  instruments?: string[];
  density?: number;
  loop?: boolean;
  temperature?: number;
  topP?: number;
  guidanceScale?: number;
  seed?: number;
  count?: number;
  libraryId?: string;
  title?: string;
}

/** What a job continues: an uploaded MIDI file, a generated asset's stored MIDI, or an audio asset, transcribed. */
export type PromptRef =
  | { kind: 'midi-upload'; midiBase64: string; sha256: string }
  | { kind: 'generated'; assetId: string }
  | { kind: 'audio'; assetId: string };

/** A GENERATE_MUSIC job's input: sources by asset id, so that any process can run it. */
export interface GenerateMusicJobInput {
  imageAssetId: string;
  prompt?: PromptRef;
  guide?: { assetId: string; weight: number };
  seconds: number;
  count: number;
  seed: number;
  temperature?: number;
  topP?: number;
  guidanceScale?: number;
  controls: MusicControls;
  loop: boolean;
  libraryId?: string;
  title?: string;
}

export interface GenerateMusicResult {
  /** the GENERATED audio assets, in variation order */
  assetIds: string[];
}

export interface GenerationServiceDeps {
  assets: AssetRepository;
  generations: GenerationRepository;
  libraries: LibraryRepository;
  media: MediaStore;
  ingest: IngestService;
  assetService: AssetService;
  jobs: JobService;
  generator: MusicGenerator;
  limits: GenerationLimits;
  logger: Logger;
}

/**
 * Music from an image (Imagic), as a job. The request is checked whole before a job exists —
 * inputs, ranges, asset ids and kinds, a MIDI prompt against the controls, the engine's
 * availability, the key's and the server's job limits — and its uploads are stored as UPLOAD
 * assets (undone if the request fails after all). The job embeds the condition with the
 * generator's pinned encoder, continues the prompt (an audio one transcribed), generates per bar
 * (progress and cancellation between decoder calls), renders, and only then stores each piece —
 * its MIDI, then the WAV through the ingest path with its generation record in the asset's
 * transaction — undoing what it stored if any piece fails.
 */
export class GenerationService {
  private readonly inputs: GenerationInputs;

  constructor(private readonly deps: GenerationServiceDeps) {
    this.inputs = new GenerationInputs(deps);
    // myGenerations lists a key's generations from their SUCCEEDED jobs: pruning keeps those
    deps.jobs.register(GENERATE_MUSIC_JOB, (input, progress, signal) => this.run(input as GenerateMusicJobInput, progress, signal), { keepSucceeded: true });
  }

  /** Checks a request, stores its uploads and queues a GENERATE_MUSIC job. */
  async start(r: GenerateMusicRequest): Promise<Job> {
    const { generator, jobs } = this.deps;
    if (!r.apiKeyId) throw new ForbiddenException('generating music needs an API key with the "write" scope');
    const plan = this.checkParameters(r);
    await generator.checkRequest(plan);
    const admission = await this.inputs.admit(GENERATE_MUSIC_JOB, r.apiKeyId, r.libraryId, () => generator.identity());

    // stored sources are checked before any upload is stored
    const imageAsset = r.imageAssetId ? await this.inputs.sourceAsset(r.imageAssetId, 'IMAGE', 'imageAssetId') : null;
    const guideAsset = r.guideAssetId ? await this.inputs.sourceAsset(r.guideAssetId, 'AUDIO', 'guideAssetId') : null;
    let prompt: PromptRef | undefined;
    if (r.promptAssetId) prompt = await this.promptOfAsset(r.promptAssetId, plan.controls);
    else if (r.prompt && isMidiFile(r.prompt.bytes)) prompt = await this.promptOfMidiUpload(r.prompt.bytes, plan.controls);
    else if (r.prompt) checkAudioPromptControls(plan.controls);

    const created: string[] = [];
    try {
      const imageAssetId = imageAsset?.id ?? (await this.inputs.storeUpload(r.image!, 'IMAGE', created)).id;
      const guideAssetId = guideAsset?.id ?? (r.guide ? (await this.inputs.storeUpload(r.guide, 'AUDIO', created)).id : undefined);
      if (r.prompt && !prompt) {
        const audio = await this.inputs.storeUpload(r.prompt, 'AUDIO', created);
        this.checkAudioPromptLength(audio);
        prompt = { kind: 'audio', assetId: audio.id };
      }
      const input: GenerateMusicJobInput = {
        imageAssetId,
        ...(prompt && { prompt }),
        ...(guideAssetId && { guide: { assetId: guideAssetId, weight: plan.guideWeight } }),
        seconds: plan.seconds,
        count: plan.count,
        seed: plan.seed,
        ...(plan.temperature !== undefined && { temperature: plan.temperature }),
        ...(plan.topP !== undefined && { topP: plan.topP }),
        ...(plan.guidanceScale !== undefined && { guidanceScale: plan.guidanceScale }),
        controls: plan.controls,
        loop: plan.loop,
        ...(r.libraryId && { libraryId: r.libraryId }),
        ...(plan.title && { title: plan.title }),
      };
      return await jobs.enqueue(GENERATE_MUSIC_JOB, input as object, { apiKeyId: r.apiKeyId, admission });
    } catch (err) {
      await this.inputs.discard(created);
      throw err;
    }
  }

  /**
   * The calling key's past generations, newest first: the results of its SUCCEEDED generateMusic and
   * generateImage jobs (a result two keys made alike is in both histories; a deleted one in neither).
   */
  async pastForKey(apiKeyId: string | null, first: number): Promise<AssetRow[]> {
    if (!apiKeyId) throw new UnauthenticatedException('myGenerations lists the calling key\'s generations: send an API key');
    requireCount('first', first, MAX_PAST_GENERATIONS);
    const jobs = await this.deps.jobs.succeededByKey([GENERATE_MUSIC_JOB, GENERATE_IMAGE_JOB], apiKeyId, first);
    const ids = [...new Set(jobs.flatMap((job) => (job.result as Partial<GenerateMusicResult> | null)?.assetIds ?? []))];
    return (await this.deps.assets.findManyByIds(ids)).slice(0, first);
  }

  /** How these GENERATED assets were made, by asset id (one query; any other asset has no entry). */
  forAssets(assetIds: string[]): Promise<Map<string, GenerationRow>> {
    return this.deps.generations.findByAssetIds(assetIds);
  }

  /** Where a generated asset's MIDI file is (for GET /media/:assetId/midi). */
  async midiLocation(assetId: string): Promise<{ path: string; mime: string } | null> {
    const sha256 = await this.deps.generations.midiOf(assetId);
    const path = sha256 && (await this.deps.media.locate(sha256, MIDI_EXT));
    return path ? { path, mime: 'audio/midi' } : null;
  }

  // ---- the request ----

  private checkParameters(r: GenerateMusicRequest) {
    const { limits } = this.deps;
    if (Boolean(r.image) === Boolean(r.imageAssetId)) throw new BadUserInputException('give exactly one of image (an upload) or imageAssetId');
    if (r.prompt && r.promptAssetId) throw new BadUserInputException('give at most one of prompt (an upload) or promptAssetId');
    if (r.guide && r.guideAssetId) throw new BadUserInputException('give at most one of guide (an upload) or guideAssetId');
    const guided = Boolean(r.guide || r.guideAssetId);
    if (r.guideWeight !== undefined && !guided) throw new BadUserInputException('guideWeight needs a guide (guide or guideAssetId)');
    const guideWeight = r.guideWeight ?? 0.5;
    if (!(guideWeight >= 0 && guideWeight <= 1)) throw new BadUserInputException(`guideWeight must lie in 0–1, got ${guideWeight}`);
    const seconds = r.seconds ?? Math.min(limits.maxSeconds, Math.max(limits.minSeconds, DEFAULT_SECONDS));
    if (!(seconds >= limits.minSeconds && seconds <= limits.maxSeconds)) {
      throw new BadUserInputException(`seconds must lie in ${limits.minSeconds}–${limits.maxSeconds} on this server, got ${seconds}`, { min: limits.minSeconds, max: limits.maxSeconds });
    }
    const count = r.count ?? 1;
    if (!(Number.isInteger(count) && count >= 1 && count <= limits.maxCount)) {
      throw new BadUserInputException(`count (variations) must be 1–${limits.maxCount} on this server, got ${count}`, { max: limits.maxCount });
    }
    const { seed, title } = seedAndTitle(r.seed, r.title, () => randomInt(0, MAX_SEED + 1));
    const controls: MusicControls = {
      ...(r.tempo !== undefined && { tempo: r.tempo }),
      ...(r.key !== undefined && { key: r.key }),
      ...(r.mode !== undefined && { mode: r.mode as MusicControls['mode'] }),
      ...(r.meter !== undefined && { meter: r.meter }),
      ...(r.style !== undefined && { style: r.style as MusicControls['style'] }),
      ...(r.instruments !== undefined && { instruments: r.instruments }),
      ...(r.density !== undefined && { density: r.density }),
    };
    return { seconds, count, seed, title, controls, guideWeight, loop: r.loop ?? false, temperature: r.temperature, topP: r.topP, guidanceScale: r.guidanceScale };
  }

  /** A GENERATED asset continues from its stored MIDI; any other audio asset is transcribed. */
  private async promptOfAsset(id: string, controls: MusicControls): Promise<PromptRef> {
    const asset = await this.inputs.sourceAsset(id, 'AUDIO', 'promptAssetId');
    const midi = asset.source === 'GENERATED' ? await this.storedMidi(id) : null;
    if (midi) {
      await this.deps.generator.checkMidiPrompt(midi, controls);
      return { kind: 'generated', assetId: id };
    }
    checkAudioPromptControls(controls);
    this.checkAudioPromptLength(asset);
    return { kind: 'audio', assetId: id };
  }

  private async promptOfMidiUpload(bytes: Uint8Array, controls: MusicControls): Promise<PromptRef> {
    if (bytes.byteLength > MAX_MIDI_PROMPT_BYTES) throw new PayloadTooLargeException(`a MIDI prompt may be at most ${MAX_MIDI_PROMPT_BYTES} bytes; this one has ${bytes.byteLength}`);
    await this.deps.generator.checkMidiPrompt(bytes, controls);
    return { kind: 'midi-upload', midiBase64: Buffer.from(bytes).toString('base64'), sha256: sha256Hex(bytes) };
  }

  private checkAudioPromptLength(asset: AssetRow): void {
    const max = this.deps.limits.maxPromptSeconds;
    if ((asset.durationSeconds ?? 0) > max) {
      throw new BadUserInputException(`an audio prompt may be at most ${max} s long (it is transcribed to notes); this one has ${asset.durationSeconds!.toFixed(1)} s: trim it to a few bars`);
    }
  }

  private async storedMidi(assetId: string): Promise<Uint8Array | null> {
    const sha256 = await this.deps.generations.midiOf(assetId);
    return sha256 ? this.deps.media.read(sha256, MIDI_EXT) : null;
  }

  // ---- the job ----

  /** The body of a GENERATE_MUSIC job. */
  async run(input: GenerateMusicJobInput, progress: Progress, signal: AbortSignal): Promise<GenerateMusicResult> {
    const { generator } = this.deps;
    const identity = await generator.identity();
    await progress(0, 'embedding the image');
    const image = await this.inputs.readSource(input.imageAssetId, 'image');
    const guide = input.guide && { audio: (await this.inputs.readSource(input.guide.assetId, 'guide')).bytes, weight: input.guide.weight };
    const condition = await generator.condition(image.bytes, guide);
    signal.throwIfAborted();

    let promptMidi: Uint8Array | undefined;
    let generationStart: number = PROGRESS.prepared;
    if (input.prompt?.kind === 'midi-upload') promptMidi = new Uint8Array(Buffer.from(input.prompt.midiBase64, 'base64'));
    else if (input.prompt?.kind === 'generated') {
      promptMidi = (await this.storedMidi(input.prompt.assetId)) ?? undefined;
      if (!promptMidi) throw new Error(`the prompt asset ${input.prompt.assetId} or its MIDI was deleted before the job ran`);
    } else if (input.prompt?.kind === 'audio') {
      const audio = await this.inputs.readSource(input.prompt.assetId, 'prompt');
      await progress(PROGRESS.prepared, 'transcribing the audio prompt');
      const transcribing = latestWins(progress);
      promptMidi = await generator.transcribe(audio.bytes, (f) =>
        transcribing.report(PROGRESS.prepared + f * (PROGRESS.transcribed - PROGRESS.prepared), `transcribing the audio prompt (${Math.round(100 * f)} %)`),
      );
      await transcribing.settle();
      generationStart = PROGRESS.transcribed;
    }
    signal.throwIfAborted();

    const generating = latestWins(progress);
    const pieces = await generator.generate(
      {
        condition, seconds: input.seconds, seed: input.seed, count: input.count, loop: input.loop, controls: input.controls,
        temperature: input.temperature, topP: input.topP, guidanceScale: input.guidanceScale, promptMidi,
      },
      {
        signal,
        onProgress: (p) => {
          const done = (p.variation + Math.min(1, p.seconds / p.targetSeconds)) / p.count;
          const variation = `variation ${p.variation + 1} of ${p.count}`;
          // the whole piece's bars, estimated from those so far (a bar's length is set by tempo and meter)
          const bars = Math.max(p.bars, Math.round((p.bars * p.targetSeconds) / p.seconds));
          generating.report(generationStart + done * (PROGRESS.generated - generationStart), p.bars > 0 && p.seconds > 0 ? `bar ${p.bars} of ${bars}, ${variation}` : `starting ${variation}`);
        },
      },
    );
    await generating.settle();

    const rendered: { wav: Uint8Array; seconds: number }[] = [];
    for (const [i, piece] of pieces.entries()) {
      await progress(PROGRESS.generated + ((PROGRESS.rendered - PROGRESS.generated) * i) / pieces.length, `rendering variation ${i + 1} of ${pieces.length}`);
      rendered.push(await generator.render(piece.midi, piece.loop));
    }
    await progress(PROGRESS.rendered, `storing ${pieces.length === 1 ? 'the piece' : `${pieces.length} pieces`}`);
    // the last point where a cancel stops the job: what follows is stored whole, or undone
    signal.throwIfAborted();
    return { assetIds: await this.store(input, identity, image.asset, pieces, rendered) };
  }

  /** Each piece: its MIDI, then its WAV as a GENERATED asset with its generation record; all of them, or none. */
  private async store(input: GenerateMusicJobInput, identity: GeneratorIdentity, image: AssetRow, pieces: GeneratedPiece[], rendered: { wav: Uint8Array; seconds: number }[]): Promise<string[]> {
    const { media, ingest } = this.deps;
    const ids: string[] = [];
    const created: string[] = [];
    const base = input.title ?? `Music for ${image.title ?? 'an image'}`;
    try {
      for (const [i, piece] of pieces.entries()) {
        const midiSha256 = sha256Hex(piece.midi);
        const midiCreated = await media.put(midiSha256, MIDI_EXT, piece.midi);
        let stored;
        try {
          stored = await ingest.ingest(rendered[i].wav, {
            source: 'GENERATED',
            expect: 'AUDIO',
            title: pieces.length > 1 ? `${base} (${i + 1} of ${pieces.length})` : base,
            libraryId: input.libraryId ?? null,
            generation: this.record(input, identity, piece, i, rendered[i].seconds, midiSha256),
          });
        } catch (err) {
          if (midiCreated) await media.remove(midiSha256, MIDI_EXT).catch(() => undefined);
          throw inaudible(err) ? new Error(`variation ${i + 1} of ${pieces.length} (seed ${piece.seed}) came out without audible notes (${(err as Error).message}): try another seed`) : err;
        }
        if (stored.created) created.push(stored.asset.id);
        // the very same WAV uploaded earlier: that asset is no generation, so no row keeps the MIDI
        else if (stored.asset.source !== 'GENERATED' && midiCreated) await media.remove(midiSha256, MIDI_EXT);
        ids.push(stored.asset.id);
      }
    } catch (err) {
      await this.inputs.discard(created);
      throw err;
    }
    return ids;
  }

  private record(input: GenerateMusicJobInput, identity: GeneratorIdentity, piece: GeneratedPiece, variation: number, renderedSeconds: number, midiSha256: string): NewGeneration {
    const { defaults } = identity;
    const prompt = input.prompt;
    return {
      engine: identity.engine,
      bundle: identity.bundle,
      encoder: identity.encoder,
      seed: piece.seed,
      midiSha256,
      parameters: {
        seconds: input.seconds,
        count: input.count,
        variation,
        baseSeed: input.seed,
        temperature: input.temperature ?? defaults.temperature,
        topP: input.topP ?? defaults.topP,
        guidanceScale: input.guidanceScale ?? defaults.guidanceScale,
        loop: input.loop,
        controls: input.controls as object,
        ...(input.guide && { guideWeight: input.guide.weight }),
        ...(prompt && { prompt: prompt.kind === 'midi-upload' ? { kind: prompt.kind, sha256: prompt.sha256 } : { kind: prompt.kind } }),
        output: { seconds: piece.seconds, promptSeconds: piece.promptSeconds, bars: piece.bars, tokens: piece.tokens, renderedSeconds, decodeMs: Math.round(piece.decodeMs) },
      },
      sources: [
        { role: 'IMAGE', assetId: input.imageAssetId },
        ...(prompt ? [{ role: 'PROMPT' as const, assetId: prompt.kind === 'midi-upload' ? null : prompt.assetId }] : []),
        ...(input.guide ? [{ role: 'GUIDE' as const, assetId: input.guide.assetId }] : []),
      ],
    };
  }
}

/** The ingest step refuses silent or too short audio: for a generated piece, the model wrote (next to) no notes. */
function inaudible(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'AUDIO_SILENT' || code === 'AUDIO_TOO_SHORT';
}

/** A transcribed audio prompt sets its own tempo (from its onsets) and meter (4/4): the engine refuses controls that differ. */
function checkAudioPromptControls(controls: MusicControls): void {
  if (controls.tempo !== undefined) {
    throw new BadUserInputException('an audio prompt sets the tempo (it is estimated from the notes when the prompt is transcribed): leave tempo unset');
  }
  if (controls.meter !== undefined && controls.meter.replace(/\s+/g, '') !== '4/4') {
    throw new BadUserInputException('a transcribed audio prompt is in 4/4: leave meter unset or set it to 4/4');
  }
}

/** A Standard MIDI File begins "MThd"; anything else is taken for audio (and sniffed as such). */
function isMidiFile(bytes: Uint8Array): boolean {
  return String.fromCharCode(...bytes.subarray(0, 4)) === 'MThd';
}
