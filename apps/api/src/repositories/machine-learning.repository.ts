import { decodeMedia, loadBundle, resolveBundleDir, sniffMedia, type DecodedMedia, type MuvisBundle } from '@muse/embeddings';
import type { AssetKind } from '../generated/prisma/enums.js';

/** What the stored asset row records about a decoded file. */
export interface MediaInfo {
  kind: AssetKind;
  mime: string;
  ext: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  sampleRate?: number;
  channels?: number;
}

export interface DecodeLimits {
  maxImagePixels: number;
  maxAudioSeconds: number;
}

export interface DecodedUpload {
  media: MediaInfo;
  decoded: DecodedMedia;
}

/**
 * The MuVis model bundle from models/ (as Immich's machine-learning repository is its model
 * server): recognise and decode a file within limits, and encode it into the joint space.
 */
export class MachineLearningRepository {
  private constructor(private readonly model: MuvisBundle) {}

  static async open(modelsDir: string, name: string | undefined, intraOpThreads = 1): Promise<MachineLearningRepository> {
    const dir = await resolveBundleDir(modelsDir, name);
    return new MachineLearningRepository(await loadBundle(dir, { intraOpThreads }));
  }

  get bundle(): string {
    return this.model.name;
  }
  get bundleVersion(): string {
    return String(this.model.version);
  }
  get dim(): number {
    return this.model.dim;
  }

  /** The format from the magic bytes alone (UNSUPPORTED_MEDIA otherwise); nothing is decoded. */
  recognise(bytes: Uint8Array): { kind: AssetKind; ext: string; mime: string } {
    const { kind, ext, mime } = sniffMedia(bytes);
    return { kind: kind === 'image' ? 'IMAGE' : 'AUDIO', ext, mime };
  }

  /** Sniffs once (a wrong kind is refused before decoding) and decodes within limits. */
  async decode(bytes: Uint8Array, limits: DecodeLimits, expect?: AssetKind): Promise<DecodedUpload> {
    const decoded = await decodeMedia(bytes, {
      expect: expect && (expect === 'IMAGE' ? 'image' : 'audio'),
      image: { maxPixels: limits.maxImagePixels },
      audio: { maxSeconds: limits.maxAudioSeconds },
    });
    const { mime, ext } = decoded.sniffed;
    if (decoded.kind === 'image') {
      return { decoded, media: { kind: 'IMAGE', mime, ext, width: decoded.image.width, height: decoded.image.height } };
    }
    const { durationSeconds, sampleRate, channels } = decoded.audio;
    return { decoded, media: { kind: 'AUDIO', mime, ext, durationSeconds, sampleRate, channels } };
  }

  /** The L2-normalised joint-space vector of a decoded file. */
  encode(decoded: DecodedMedia): Promise<Float32Array> {
    return decoded.kind === 'image'
      ? this.model.embedImagePixels(decoded.image)
      : this.model.embedAudioSamples(decoded.audio.samples, decoded.audio.sampleRate);
  }

  close(): Promise<void> {
    return this.model.close();
  }
}
