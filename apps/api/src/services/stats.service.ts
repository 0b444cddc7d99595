import type { AssetRepository } from '../repositories/asset.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { TagRepository } from '../repositories/tag.repository.js';
import type { MediaEmbedder } from '../search/ann-index.js';
import { MODALITIES, type VectorIndexService } from '../search/vector-index.service.js';

export class StatsService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly libraries: LibraryRepository,
    private readonly tags: TagRepository,
    private readonly embedder: MediaEmbedder,
    private readonly index: VectorIndexService,
  ) {}

  async stats() {
    const [byKind, libraries, tags] = await Promise.all([this.assets.countByKind(), this.libraries.countAll(), this.tags.inUse()]);
    return {
      images: byKind.IMAGE,
      audio: byKind.AUDIO,
      libraries,
      tags: tags.length,
      bundle: { name: this.embedder.bundle, version: this.embedder.bundleVersion, dim: this.embedder.dim },
      indexes: MODALITIES.map((modality) => ({ modality, size: this.index.size(modality) })),
    };
  }

  tagCounts() {
    return this.tags.inUse();
  }
}
