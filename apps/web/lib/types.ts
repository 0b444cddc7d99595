// The names the web app gives to the shapes its GraphQL operations return. Nothing here lists a
// field: each is a type generated from apps/api/schema.graphql and the operations in
// lib/operations.ts (see codegen.ts), so a shape has exactly the fields its operation selects.
import type {
  AssetFieldsFragment,
  AssetFilter,
  EmbeddingMapQuery,
  HitFieldsFragment,
  JobFieldsFragment,
  LibrariesQuery,
  SuggestTagsForFileQuery,
} from './generated/graphql';

export type { AssetFilter, AssetKind } from './generated/graphql';

export type Asset = AssetFieldsFragment;
export type AssetTag = Asset['tags'][number];
export type SearchHit = HitFieldsFragment;
export type Job = JobFieldsFragment;
export type Library = LibrariesQuery['libraries'][number];
export type SuggestedTag = SuggestTagsForFileQuery['suggestTags'][number];
export type MapPoint = EmbeddingMapQuery['embeddingMap'][number];

/** Searches take the library and tag parts of AssetFilter (their target kind is fixed). */
export type SearchFilter = Pick<AssetFilter, 'tags' | 'libraryId'>;
