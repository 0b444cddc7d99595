import type { AssetKind } from '../generated/prisma/enums.js';
import type { Limits } from '../config/config.js';
import type { MachineLearningRepository, MediaInfo } from '../repositories/machine-learning.repository.js';
import { assertAudibleAudio } from './audio-signal.util.js';

export interface EmbeddedMedia {
  media: MediaInfo;
  vector: Float32Array;
}

/** The embedding step of every upload path: validate → decode → refuse inaudible audio → encode. */
export class EmbedService {
  constructor(
    private readonly ml: MachineLearningRepository,
    private readonly limits: Limits,
  ) {}

  get bundleKey() {
    return { bundle: this.ml.bundle, bundleVersion: this.ml.bundleVersion };
  }

  get dim(): number {
    return this.ml.dim;
  }

  /** What kind of file the bytes are, from their magic bytes: cheap, and refuses an unsupported format (UNSUPPORTED_MEDIA). */
  recognise(bytes: Uint8Array): { kind: AssetKind; ext: string } {
    return this.ml.recognise(bytes);
  }

  /** New bytes from a client, under the configured limits; `expect` refuses the other kind. */
  async embedUpload(bytes: Uint8Array, expect?: AssetKind): Promise<EmbeddedMedia> {
    const { media, decoded } = await this.ml.decode(bytes, this.limits, expect);
    if (decoded.kind === 'audio') assertAudibleAudio(decoded.audio.samples, decoded.audio.durationSeconds, this.limits);
    return { media, vector: await this.ml.encode(decoded) };
  }

  /**
   * A file accepted once (re-embedding for a new bundle): limits lowered or checks added since
   * then must not drop it, so its own size is allowed and the audibility checks are skipped.
   */
  async embedStored(bytes: Uint8Array, stored: { width: number | null; height: number | null; durationSeconds: number | null }): Promise<EmbeddedMedia> {
    const limits = {
      maxImagePixels: Math.max(this.limits.maxImagePixels, (stored.width ?? 0) * (stored.height ?? 0)),
      maxAudioSeconds: Math.max(this.limits.maxAudioSeconds, Math.ceil(stored.durationSeconds ?? 0) + 1),
    };
    const { media, decoded } = await this.ml.decode(bytes, limits);
    return { media, vector: await this.ml.encode(decoded) };
  }
}
