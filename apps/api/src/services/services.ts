import type { Config } from '../config/config.js';
import type { AssetService } from './asset.service.js';
import type { AuthService } from './auth.service.js';
import type { EmbeddingMapService } from './embedding-map.service.js';
import type { GenerationService } from './generation.service.js';
import type { ImageGenerationService } from './image-generation.service.js';
import type { IngestService } from './ingest.service.js';
import type { JobService } from './job.service.js';
import type { LibraryService } from './library.service.js';
import type { SearchService } from './search.service.js';
import type { StatsService } from './stats.service.js';
import type { TaggingService } from './tagging.service.js';
import type { UploadIngestService } from './upload-ingest.service.js';

/** Everything a resolver may call. */
export interface Services {
  config: Config;
  assets: AssetService;
  auth: AuthService;
  embeddingMap: EmbeddingMapService;
  generation: GenerationService;
  imageGeneration: ImageGenerationService;
  ingest: IngestService;
  jobs: JobService;
  libraries: LibraryService;
  search: SearchService;
  stats: StatsService;
  tagging: TaggingService;
  /** ingestAsset and `npm run ingest`: embedded here, or on a worker when there is a job queue */
  uploads: UploadIngestService;
}
