import type { Logger } from 'pino';
import type { AudioTranscriber, ImagicBundle, MusicControls } from '@muse/generation';
import type { MuvisBundle } from '@muse/embeddings';
import { EngineLoader, engineModule, namedBundleDir, pinnedEncoderOf } from './engine-loader.js';
import type { PinnedEncoders } from './pinned-encoders.js';

/** What a generation is made with, as the generations table records it. */
export interface GeneratorIdentity {
  engine: 'imagic';
  /** name@version of the Imagic bundle */
  bundle: string;
  /** name@version of the MuVis bundle it pins */
  encoder: string;
  /** the engine's own defaults for what a request leaves unset */
  defaults: { temperature: number; topP: number; guidanceScale: number };
}

export interface SamplingRequest {
  controls: MusicControls;
  temperature?: number;
  topP?: number;
  guidanceScale?: number;
}

export interface PieceRequest extends SamplingRequest {
  condition: Float32Array;
  seconds: number;
  seed: number;
  count: number;
  loop: boolean;
  /** a MIDI file to continue */
  promptMidi?: Uint8Array;
}

export interface PieceProgress {
  variation: number;
  count: number;
  bars: number;
  seconds: number;
  targetSeconds: number;
}

export interface GeneratedPiece {
  seed: number;
  midi: Uint8Array;
  bars: number;
  /** the whole piece (prompt included) and the prompt, in seconds */
  seconds: number;
  promptSeconds: number;
  tokens: number;
  loop: boolean;
  decodeMs: number;
}

export interface MidiPromptFacts {
  bars: number;
  bpm: number;
  meter: string;
}

/** The music generator as the generation service sees it (a fake stands in for it in specs). */
export interface MusicGenerator {
  /** Loads the engine once; SERVICE_UNAVAILABLE (saying how to get a bundle) when it cannot. */
  identity(): Promise<GeneratorIdentity>;
  /** Refuses (BAD_USER_INPUT) controls and sampling settings the engine would refuse. */
  checkRequest(request: SamplingRequest): Promise<void>;
  /** Reads a MIDI prompt and refuses it (BAD_USER_INPUT) when unreadable, empty, or contradicting the controls. */
  checkMidiPrompt(midi: Uint8Array, controls: MusicControls): Promise<MidiPromptFacts>;
  /** The MuVis condition, with the pinned encoder: the image, blended with a guide track's audio when given. */
  condition(image: Uint8Array, guide?: { audio: Uint8Array; weight: number }): Promise<Float32Array>;
  /** Audio file → MIDI file (basic-pitch); BAD_USER_INPUT when nothing can be transcribed. */
  transcribe(audio: Uint8Array, onProgress: (fraction: number) => void): Promise<Uint8Array>;
  /** 1–4 variations; rejects with the signal's reason when it aborts (checked between decoder calls). */
  generate(request: PieceRequest, hooks: { onProgress(progress: PieceProgress): void; signal: AbortSignal }): Promise<GeneratedPiece[]>;
  /** MIDI → loudness-normalised 44.1 kHz WAV */
  render(midi: Uint8Array, loop: boolean): Promise<{ wav: Uint8Array; seconds: number }>;
  close(): Promise<void>;
}

/**
 * Engine codes that mean "this server cannot generate" rather than "this request is wrong", as told to
 * clients (the engine's own message, with server paths, goes to the log).
 */
const UNAVAILABLE_REASONS: Record<string, string> = {
  BUNDLE_MISSING: 'no Imagic bundle is installed',
  BUNDLE_INVALID: 'the Imagic bundle is incomplete or malformed',
  VOCAB_MISMATCH: 'the Imagic bundle was trained on another token vocabulary than this server speaks',
  ENCODER_MISMATCH: 'the MuVis encoder bundle that the Imagic bundle pins is missing or differs from it',
  ENGINE_LOAD_FAILED: 'the engine could not be loaded',
};

const HOW_TO_GET_A_BUNDLE =
  'Train and export one with `npm run train:imagic` (it writes models/<name>/ and the models/default-imagic pointer), ' +
  'or set MUSE_IMAGIC_BUNDLE to an Imagic bundle folder (e.g. one exported by training/imagic/export.py), then retry';

export interface ImagicGeneratorOptions {
  modelsDir: string;
  /** MUSE_IMAGIC_BUNDLE: a folder path, or a folder name under modelsDir; unset → models/default-imagic */
  bundle?: string;
  threads: number;
  /** the MuVis bundles generators pin, opened once per process */
  encoders: PinnedEncoders;
  /** audio prompts longer than this are refused by the transcriber */
  maxPromptSeconds: number;
}

interface Loaded {
  bundle: ImagicBundle;
  encoder: MuvisBundle;
  identity: GeneratorIdentity;
}

/**
 * The Imagic engine of @muse/generation (as the machine-learning repository is MuVis's): the
 * bundle and its pinned MuVis encoder, loaded on first use and kept; the basic-pitch transcriber,
 * loaded on the first audio prompt. The package itself is imported on first use too, so an API
 * that never generates does not load it.
 */
export class ImagicGenerator implements MusicGenerator {
  private readonly engine: EngineLoader<Loaded>;
  private transcriber?: AudioTranscriber;
  private transcribeProgress: ((fraction: number) => void) | null = null;

  constructor(
    private readonly options: ImagicGeneratorOptions,
    private readonly logger: Logger,
  ) {
    this.engine = new EngineLoader(() => this.open(), { what: 'music generation', reasons: UNAVAILABLE_REASONS, howToGetABundle: HOW_TO_GET_A_BUNDLE }, logger);
  }

  async identity(): Promise<GeneratorIdentity> {
    return (await this.engine.get()).identity;
  }

  private async open(): Promise<Loaded> {
    const g = await engineModule();
    const started = performance.now();
    const dir = await namedBundleDir(this.options.bundle, this.options.modelsDir, () => g.resolveImagicBundleDir(this.options.modelsDir));
    const bundle = await g.loadImagicBundle(dir, { intraOpThreads: this.options.threads });
    const encoder = await pinnedEncoderOf(bundle, this.options.encoders);
    const pin = bundle.manifest.encoder;
    const identity: GeneratorIdentity = {
      engine: 'imagic',
      bundle: `${bundle.name}@${bundle.version}`,
      encoder: `${pin.name}@${pin.version}`,
      defaults: { temperature: g.DEFAULTS.temperature, topP: g.DEFAULTS.topP, guidanceScale: g.DEFAULTS.guidanceScale },
    };
    this.logger.info({ ...identity, dir, ms: Math.round(performance.now() - started) }, 'music generator loaded');
    return { bundle, encoder, identity };
  }

  async checkRequest(request: SamplingRequest): Promise<void> {
    const g = await engineModule();
    g.forcedPrefix(request.controls);
    g.checkSamplingSettings(request);
  }

  async checkMidiPrompt(midi: Uint8Array, controls: MusicControls): Promise<MidiPromptFacts> {
    const g = await engineModule();
    const prepared = g.midiPrompt(midi);
    g.promptPrefix(prepared, controls);
    const { bpm, meter } = prepared.attributes;
    return { bars: prepared.bars, bpm, meter: `${meter[0]}/${meter[1]}` };
  }

  async condition(image: Uint8Array, guide?: { audio: Uint8Array; weight: number }): Promise<Float32Array> {
    const [{ encoder }, g] = await Promise.all([this.engine.get(), engineModule()]);
    return g.embedCondition(encoder, { image, reference: guide?.audio, referenceWeight: guide?.weight });
  }

  async transcribe(audio: Uint8Array, onProgress: (fraction: number) => void): Promise<Uint8Array> {
    const g = await engineModule();
    // one transcriber (its model loaded once) for the process; jobs run one at a time per runner
    this.transcriber ??= g.createBasicPitchTranscriber({
      maxSeconds: this.options.maxPromptSeconds,
      onProgress: (fraction) => this.transcribeProgress?.(fraction),
    });
    this.transcribeProgress = onProgress;
    try {
      return await this.transcriber(audio);
    } finally {
      this.transcribeProgress = null;
    }
  }

  async generate(request: PieceRequest, hooks: { onProgress(progress: PieceProgress): void; signal: AbortSignal }): Promise<GeneratedPiece[]> {
    const [{ bundle }, g] = await Promise.all([this.engine.get(), engineModule()]);
    const pieces = await g.generateImagic(
      bundle.decoder,
      {
        condition: request.condition,
        seconds: request.seconds,
        seed: request.seed,
        count: request.count,
        temperature: request.temperature,
        topP: request.topP,
        guidanceScale: request.guidanceScale,
        controls: request.controls,
        loop: request.loop,
        prompt: request.promptMidi ? g.midiPrompt(request.promptMidi) : undefined,
      },
      { onProgress: (p) => hooks.onProgress(p), signal: hooks.signal },
    );
    return pieces.map((p) => ({
      seed: p.seed, midi: p.midi, bars: p.bars, seconds: p.seconds, promptSeconds: p.promptSeconds, tokens: p.tokens.length, loop: p.loop, decodeMs: p.stats.wallMs,
    }));
  }

  async render(midi: Uint8Array, loop: boolean): Promise<{ wav: Uint8Array; seconds: number }> {
    const g = await engineModule();
    const audio = await g.renderMidi(midi, { loop });
    return { wav: audio.wav, seconds: audio.seconds };
  }

  close(): Promise<void> {
    return this.engine.close();
  }

}
