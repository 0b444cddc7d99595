import { isAbsolute, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { MuvisBundle } from '@muse/embeddings';
import type { EncoderPin } from '@muse/generation';
import { ServiceUnavailableException } from '../errors/app.exception.js';
import type { PinnedEncoders } from './pinned-encoders.js';

export type GenerationModule = typeof import('@muse/generation');

let generationModule: Promise<GenerationModule> | undefined;
/** @muse/generation, imported on first use: an API that never generates does not load it. */
export function engineModule(): Promise<GenerationModule> {
  generationModule ??= import('@muse/generation');
  return generationModule;
}

/** What a generator tells clients when it cannot load: its name, the engine codes it knows, how to get a bundle. */
export interface EngineDescription {
  /** "music generation", "image generation" */
  what: string;
  /** engine codes that mean "this server cannot generate", with what each means */
  reasons: Record<string, string>;
  howToGetABundle: string;
}

/**
 * A generation engine loaded on first use and kept. A failed load is not kept, so a bundle installed
 * later is found by the next request; it reaches clients as SERVICE_UNAVAILABLE with the engine's code in
 * `extensions.reason` (the engine's own message, with server paths, goes to the log only).
 */
export class EngineLoader<Loaded extends { bundle: { close(): Promise<void> } }> {
  private loading?: Promise<Loaded>;
  private closed = false;

  constructor(
    private readonly open: () => Promise<Loaded>,
    private readonly description: EngineDescription,
    private readonly logger: Logger,
  ) {}

  get(): Promise<Loaded> {
    const { what, reasons, howToGetABundle } = this.description;
    if (this.closed) return Promise.reject(new ServiceUnavailableException(`${what} is shutting down`));
    this.loading ??= this.open().catch((err: unknown) => {
      this.loading = undefined;
      const unavailable = engineUnavailable(err, what, reasons, howToGetABundle);
      this.logger.warn({ err, reason: unavailable.details?.reason }, `${what} unavailable`);
      throw unavailable;
    });
    return this.loading;
  }

  /** Closes the bundle; the pinned encoder is the shared PinnedEncoders' to close. */
  async close(): Promise<void> {
    this.closed = true;
    const loading = this.loading;
    this.loading = undefined;
    const loaded = await loading?.catch(() => undefined);
    await loaded?.bundle.close();
  }
}

/** A load failure as the client sees it: SERVICE_UNAVAILABLE, the engine's code (one of `reasons`, else ENGINE_LOAD_FAILED). */
export function engineUnavailable(err: unknown, what: string, reasons: Record<string, string>, howToGetABundle: string): ServiceUnavailableException {
  if (err instanceof ServiceUnavailableException) return err;
  const code = (err as { code?: unknown }).code;
  const reason = typeof code === 'string' && code in reasons ? code : 'ENGINE_LOAD_FAILED';
  return new ServiceUnavailableException(`${what} is unavailable (${reason}): ${reasons[reason] ?? 'the engine could not be loaded'}. ${howToGetABundle}`, { reason });
}

/**
 * The bundle folder a setting names (MUSE_IMAGIC_BUNDLE, MUSE_MUSIM_BUNDLE): a path (absolute, or with a
 * slash, or starting with "."), or a folder name under `modelsDir`; unset → the engine's default pointer.
 */
export function namedBundleDir(named: string | undefined, modelsDir: string, byDefault: () => Promise<string>): Promise<string> {
  if (!named) return byDefault();
  const isPath = isAbsolute(named) || named.includes('/') || named.includes('\\') || named.startsWith('.');
  return Promise.resolve(isPath ? resolve(named) : join(modelsDir, named));
}

/** The bundle's pinned MuVis encoder from the shared set; the bundle is closed again if it cannot be had. */
export async function pinnedEncoderOf(bundle: { manifest: { encoder: EncoderPin }; close(): Promise<void> }, encoders: PinnedEncoders): Promise<MuvisBundle> {
  try {
    return await encoders.get(bundle.manifest.encoder);
  } catch (err) {
    await bundle.close();
    throw err;
  }
}
