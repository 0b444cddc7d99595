import { decodeAudio, decodeImage, loadBundle, resolveBundleDir, sniffMedia, VectorIndex, type MuvisBundle } from '@muse/embeddings';
import { assertAudibleAudio } from './audio-signal.util.js';
import type { AnnIndex, AnnIndexFactory, MediaEmbedder, MediaInfo, MediaLimits } from './ann-index.js';

/** The MuVis bundle from models/ behind the API's MediaEmbedder interface. */
export class MuvisEmbedder implements MediaEmbedder {
  private constructor(private readonly model: MuvisBundle) {}

  static async open(modelsDir: string, name: string | undefined, intraOpThreads = 1): Promise<MuvisEmbedder> {
    const dir = await resolveBundleDir(modelsDir, name);
    return new MuvisEmbedder(await loadBundle(dir, { intraOpThreads }));
  }

  get bundle() {
    return this.model.name;
  }
  get bundleVersion() {
    return String(this.model.version);
  }
  get dim() {
    return this.model.dim;
  }

  sniff(bytes: Uint8Array) {
    const s = sniffMedia(bytes);
    return { kind: s.kind === 'image' ? ('IMAGE' as const) : ('AUDIO' as const), mime: s.mime, ext: s.ext };
  }

  async embed(bytes: Uint8Array, limits: MediaLimits): Promise<{ media: MediaInfo; vector: Float32Array }> {
    const s = this.sniff(bytes);
    const maxBytes = Math.max(bytes.byteLength, 1);
    if (s.kind === 'IMAGE') {
      const img = await decodeImage(bytes, { maxPixels: limits.maxImagePixels, maxBytes });
      const vector = await this.model.embedImagePixels(img);
      return { media: { ...s, width: img.width, height: img.height }, vector };
    }
    const audio = await decodeAudio(bytes, { maxSeconds: limits.maxAudioSeconds, maxBytes });
    assertAudibleAudio(audio.samples, audio.durationSeconds, limits);
    const vector = await this.model.embedAudioSamples(audio.samples, audio.sampleRate);
    return {
      media: { ...s, durationSeconds: audio.durationSeconds, sampleRate: audio.sampleRate, channels: audio.channels },
      vector,
    };
  }

  close(): Promise<void> {
    return this.model.close();
  }
}

export const hnswIndexFactory: AnnIndexFactory = {
  create(dim, capacity): AnnIndex {
    return VectorIndex.create(dim, capacity) as unknown as AnnIndex;
  },
  async load(path, dim): Promise<AnnIndex> {
    return (await VectorIndex.load(path, dim)) as unknown as AnnIndex;
  },
};
