// Imagic's sampling loop: condition in, seed in → token sequences → MIDI. Tokens that the rules leave no choice
// about (forced attributes, the prompt, grammar-determined steps) are collected and run through the decoder in one
// call; a sampled token needs the logits after everything before it. Past the context the loop starts a new window.
import { createRng } from '@muse/immute';
import { decodeTokens } from '../tokenizer/codec.js';
import { BAR } from '../tokenizer/vocabulary.js';
import type { Decoder } from './decoder.js';
import { DecodeSession, type SessionStats } from './decode-session.js';
import { forcedPrefix, type MusicControls } from './controls.js';
import { badInput } from './errors.js';
import { PieceState } from './piece-state.js';
import { promptPrefix, type PreparedPrompt } from './prompt.js';
import { sampleToken, type SamplingOptions } from './sampler.js';
import { windowTokens } from './window.js';

/** What a request may ask for (the CLI and the API hold users to these). */
export const LIMITS = { minSeconds: 5, maxSeconds: 120, maxCount: 4, maxTemperature: 5, maxGuidance: 20 } as const;
/** The engine itself also makes shorter pieces, for smoke tests (2 s in CI). */
export const ENGINE_MIN_SECONDS = 1;
export const DEFAULTS = { temperature: 1, topP: 0.95, guidanceScale: 3, count: 1 } as const;

export interface ImagicRequest {
  /** the MuVis embedding to condition on (image, or a blend: blendCondition), L2-normalised */
  condition: Float32Array;
  /** seconds of music to generate (after the prompt): LIMITS for users, ENGINE_MIN_SECONDS–120 here */
  seconds: number;
  /** 0 … 2^32 − 1; variation i uses seed + i */
  seed: number;
  /** variations, 1–4 */
  count?: number;
  temperature?: number;
  topP?: number;
  /** classifier-free guidance; 1 runs the conditioned row alone */
  guidanceScale?: number;
  controls?: MusicControls;
  loop?: boolean;
  prompt?: PreparedPrompt;
}

export interface GenerationProgress {
  /** 0-based variation */
  variation: number;
  count: number;
  /** bars finished and their seconds (after the prompt) */
  bars: number;
  seconds: number;
  targetSeconds: number;
  done: boolean;
}

export interface GenerateHooks {
  /** after every bar of every variation, and when a variation ends */
  onProgress?: (progress: GenerationProgress) => void;
  /** cancels between decoder calls; the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface ImagicPiece {
  seed: number;
  tokens: number[];
  /** Standard MIDI File bytes */
  midi: Uint8Array;
  bars: number;
  /** the whole piece (prompt included), and the prompt, in seconds */
  seconds: number;
  promptSeconds: number;
  loop: boolean;
  stats: SessionStats & { sampled: number; windows: number; wallMs: number };
}

interface Settings {
  sampling: SamplingOptions;
  guidanceScale: number;
  count: number;
}

/**
 * The sampling settings' ranges, with their defaults filled in; exported so that a service refuses a bad
 * request before it queues a job, with the engine's own rules and messages.
 */
export function checkSamplingSettings(r: Pick<ImagicRequest, 'temperature' | 'topP' | 'guidanceScale'>): { temperature: number; topP: number; guidanceScale: number } {
  const temperature = r.temperature ?? DEFAULTS.temperature;
  const topP = r.topP ?? DEFAULTS.topP;
  const guidanceScale = r.guidanceScale ?? DEFAULTS.guidanceScale;
  if (!(temperature >= 0 && temperature <= LIMITS.maxTemperature)) throw badInput(`temperature must lie in 0–${LIMITS.maxTemperature}, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw badInput(`topP must lie in (0, 1], got ${topP}`);
  if (!(guidanceScale >= 0 && guidanceScale <= LIMITS.maxGuidance)) throw badInput(`guidanceScale must lie in 0–${LIMITS.maxGuidance}, got ${guidanceScale}`);
  return { temperature, topP, guidanceScale };
}

function checkRequest(r: ImagicRequest, condDim: number): Settings {
  const count = r.count ?? DEFAULTS.count;
  if (!(r.seconds >= ENGINE_MIN_SECONDS && r.seconds <= LIMITS.maxSeconds)) throw badInput(`seconds must lie in ${ENGINE_MIN_SECONDS}–${LIMITS.maxSeconds}, got ${r.seconds}`);
  if (!(Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffffffff)) throw badInput(`seed must be an integer 0–4294967295, got ${r.seed}`);
  if (!(Number.isInteger(count) && count >= 1 && count <= LIMITS.maxCount)) throw badInput(`count must be 1–${LIMITS.maxCount}, got ${count}`);
  const { temperature, topP, guidanceScale } = checkSamplingSettings(r);
  if (r.condition.length !== condDim || !r.condition.every(Number.isFinite)) throw badInput(`the condition must be ${condDim} finite numbers (the pinned MuVis embedding), got ${r.condition.length}`);
  return { sampling: { temperature, topP }, guidanceScale, count };
}

/** 1 … 4 variations of one request, one after another (seeds seed, seed + 1, …). */
export async function generateImagic(decoder: Decoder, request: ImagicRequest, hooks: GenerateHooks = {}): Promise<ImagicPiece[]> {
  const settings = checkRequest(request, decoder.size.condDim);
  const forced = request.prompt ? promptPrefix(request.prompt, request.controls) : forcedPrefix(request.controls);
  const pieces: ImagicPiece[] = [];
  for (let i = 0; i < settings.count; i++) {
    pieces.push(await generateOne(decoder, request, settings, forced, (request.seed + i) >>> 0, i, hooks));
  }
  return pieces;
}

async function generateOne(
  decoder: Decoder, request: ImagicRequest, settings: Settings, forced: ReturnType<typeof forcedPrefix>, seed: number, variation: number, hooks: GenerateHooks,
): Promise<ImagicPiece> {
  const started = performance.now();
  const { maxContext, vocabSize } = decoder.size;
  const session = new DecodeSession(decoder, request.condition, settings.guidanceScale);
  // the prefix is at most 24 tokens; a window keeps up to half of what follows it, a bar closes before that
  const keep = Math.floor((maxContext - 24) / 2);
  const state = new PieceState({
    forced, seconds: request.seconds, loop: request.loop ?? false, barTokenLimit: Math.max(8, keep - 8), scaleLock: request.controls?.key !== undefined,
  });
  const rng = createRng(seed);
  const mask = new Uint8Array(vocabSize);
  const report = (done: boolean): void => {
    hooks.onProgress?.({ variation, count: settings.count, ...state.progress(), targetSeconds: request.seconds, done });
  };
  let fed = 0;
  let windows = 0;
  let sampled = 0;
  let logits: Float32Array | undefined;

  while (!state.finished) {
    if (state.prefixComplete && !state.generating) {
      for (const id of request.prompt?.body ?? []) state.accept(id);
      state.beginGenerating();
    }
    state.allowed(mask);
    let id = onlyAllowed(mask);
    if (id < 0) {
      if (fed < state.tokens.length || !logits) {
        hooks.signal?.throwIfAborted();
        const pending = state.tokens.slice(fed);
        if (session.length + pending.length > maxContext) {
          logits = await session.restart(windowTokens(state.tokens, state.prefixLength, state.bars, keep, maxContext));
          windows++;
        } else {
          logits = await session.feed(pending);
        }
        fed = state.tokens.length;
      }
      id = sampleToken(logits, mask, settings.sampling, rng.next);
      sampled++;
    }
    state.accept(id);
    if (id === BAR && state.generating) report(false);
  }
  report(true);
  const { seconds, promptSeconds } = state.lengths();
  return {
    seed, tokens: state.tokens, midi: decodeTokens(state.tokens), bars: state.grammar.bars, seconds, promptSeconds, loop: request.loop ?? false,
    stats: { ...session.stats, sampled, windows, wallMs: performance.now() - started },
  };
}

/** the one allowed token, or −1 when there is a choice */
function onlyAllowed(mask: Uint8Array): number {
  let found = -1;
  for (let id = 0; id < mask.length; id++) {
    if (!mask[id]) continue;
    if (found >= 0) return -1;
    found = id;
  }
  if (found < 0) throw new Error('no token is allowed here');
  return found;
}
