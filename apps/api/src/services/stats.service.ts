import type { AssetRepository } from '../repositories/asset.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { TagRepository } from '../repositories/tag.repository.js';
import type { EmbedService } from './embed.service.js';
import { MODALITIES, type VectorIndexRepository } from '../repositories/vector-index.repository.js';

export class StatsService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly libraries: LibraryRepository,
    private readonly tags: TagRepository,
    private readonly embed: EmbedService,
    private readonly index: VectorIndexRepository,
  ) {}

  async stats() {
    const [byKind, libraries, tags] = await Promise.all([this.assets.countByKind(), this.libraries.countAll(), this.tags.inUse()]);
    return {
      images: byKind.IMAGE,
      audio: byKind.AUDIO,
      libraries,
      tags: tags.length,
      bundle: { name: this.embed.bundleKey.bundle, version: this.embed.bundleKey.bundleVersion, dim: this.embed.dim },
      indexes: MODALITIES.map((modality) => ({ modality, size: this.index.size(modality) })),
    };
  }

  tagCounts() {
    return this.tags.inUse();
  }
}
