// Every GraphQL operation the web app sends, in one place, so they can be checked against
// apps/api/schema.graphql at a glance. The types of their results and variables are generated
// from this file and the schema into lib/generated/graphql.ts (codegen.ts): a fragment or
// operation named X here has the type XFragment, XQuery or XMutation there. Fragments are
// separate definitions (not pasted-in selections) so that the generator can read every document.

export const ASSET_FIELDS = /* GraphQL */ `
  fragment AssetFields on Asset {
    id kind title caption url mime durationSeconds width height source createdAt
    tags { name score origin }
  }
`;

const HIT_FIELDS = /* GraphQL */ `
  fragment HitFields on SearchHit {
    score asset { ...AssetFields }
  }
`;

export const JOB_FIELDS = /* GraphQL */ `
  fragment JobFields on Job { id type status progress message error result preview }
`;

/** How a GENERATED asset was made; its sources are whole assets, so "same seed again" can put them back. */
const GENERATION_FIELDS = /* GraphQL */ `
  fragment GenerationFields on Generation {
    engine bundle encoder seed parameters midiUrl createdAt
    sources { role asset { ...AssetFields } }
  }
`;

const GENERATED_ASSET_FIELDS = /* GraphQL */ `
  fragment GeneratedAssetFields on Asset {
    ...AssetFields
    generation { ...GenerationFields }
  }
`;

export const SEARCH_MUSIC_BY_IMAGE = /* GraphQL */ `
  query SearchMusicByImage($image: Upload!, $first: Int, $filter: AssetFilter) {
    searchMusicByImage(image: $image, first: $first, filter: $filter) { ...HitFields }
  }
  ${HIT_FIELDS}
  ${ASSET_FIELDS}
`;

export const SEARCH_IMAGES_BY_AUDIO = /* GraphQL */ `
  query SearchImagesByAudio($audio: Upload!, $first: Int, $filter: AssetFilter) {
    searchImagesByAudio(audio: $audio, first: $first, filter: $filter) { ...HitFields }
  }
  ${HIT_FIELDS}
  ${ASSET_FIELDS}
`;

export const SEARCH_MUSIC_BY_AUDIO = /* GraphQL */ `
  query SearchMusicByAudio($audio: Upload!, $first: Int, $filter: AssetFilter) {
    searchMusicByAudio(audio: $audio, first: $first, filter: $filter) { ...HitFields }
  }
  ${HIT_FIELDS}
  ${ASSET_FIELDS}
`;

export const SIMILAR = /* GraphQL */ `
  query Similar($assetId: ID!, $kind: AssetKind!, $first: Int, $filter: AssetFilter) {
    similar(assetId: $assetId, kind: $kind, first: $first, filter: $filter) { ...HitFields }
  }
  ${HIT_FIELDS}
  ${ASSET_FIELDS}
`;

export const ASSETS = /* GraphQL */ `
  query Assets($filter: AssetFilter, $first: Int, $after: String) {
    assets(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { ...AssetFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${ASSET_FIELDS}
`;

export const ASSET = /* GraphQL */ `
  query Asset($id: ID!) {
    asset(id: $id) { ...AssetFields }
  }
  ${ASSET_FIELDS}
`;

export const LIBRARIES = /* GraphQL */ `
  query Libraries {
    libraries { id name description assetCount }
  }
`;

export const TAGS = /* GraphQL */ `
  query Tags {
    tags { name count }
  }
`;

export const STATS = /* GraphQL */ `
  query Stats {
    stats { images audio tags libraries bundle { name version dim } }
  }
`;

export const CREATE_LIBRARY = /* GraphQL */ `
  mutation CreateLibrary($name: String!, $description: String) {
    createLibrary(name: $name, description: $description) { id name description assetCount }
  }
`;

export const ADD_TO_LIBRARY = /* GraphQL */ `
  mutation AddToLibrary($libraryId: ID!, $assetIds: [ID!]!) {
    addAssetsToLibrary(libraryId: $libraryId, assetIds: $assetIds) { id name assetCount }
  }
`;

export const REMOVE_FROM_LIBRARY = /* GraphQL */ `
  mutation RemoveFromLibrary($libraryId: ID!, $assetIds: [ID!]!) {
    removeAssetsFromLibrary(libraryId: $libraryId, assetIds: $assetIds) { id name assetCount }
  }
`;

export const INGEST_ASSET = /* GraphQL */ `
  mutation IngestAsset($file: Upload!, $title: String, $tags: [String!], $libraryId: ID) {
    ingestAsset(file: $file, title: $title, tags: $tags, libraryId: $libraryId) { ...AssetFields }
  }
  ${ASSET_FIELDS}
`;

export const DELETE_ASSET = /* GraphQL */ `
  mutation DeleteAsset($id: ID!) {
    deleteAsset(id: $id)
  }
`;

export const SUGGEST_TAGS_FOR_FILE = /* GraphQL */ `
  query SuggestTagsForFile($file: Upload!, $first: Int) {
    suggestTags(file: $file, first: $first) { name score }
  }
`;

export const SUGGEST_TAGS_FOR_ASSET = /* GraphQL */ `
  query SuggestTagsForAsset($assetId: ID!, $first: Int) {
    suggestTags(assetId: $assetId, first: $first) { name score }
  }
`;

export const ADD_TAGS = /* GraphQL */ `
  mutation AddTags($assetId: ID!, $tags: [String!]!) {
    addTags(assetId: $assetId, tags: $tags) { ...AssetFields }
  }
  ${ASSET_FIELDS}
`;

export const REMOVE_TAGS = /* GraphQL */ `
  mutation RemoveTags($assetId: ID!, $tags: [String!]!) {
    removeTags(assetId: $assetId, tags: $tags) { ...AssetFields }
  }
  ${ASSET_FIELDS}
`;

export const TAG_ASSETS = /* GraphQL */ `
  mutation TagAssets($assetIds: [ID!], $libraryId: ID, $minScore: Float, $apply: Boolean) {
    tagAssets(assetIds: $assetIds, libraryId: $libraryId, minScore: $minScore, apply: $apply) { ...JobFields }
  }
  ${JOB_FIELDS}
`;

export const JOB = /* GraphQL */ `
  query Job($id: ID!) {
    job(id: $id) { ...JobFields }
  }
  ${JOB_FIELDS}
`;

export const GENERATE_MUSIC = /* GraphQL */ `
  mutation GenerateMusic($input: GenerateMusicInput!) {
    generateMusic(input: $input) { ...JobFields }
  }
  ${JOB_FIELDS}
`;

export const GENERATE_IMAGE = /* GraphQL */ `
  mutation GenerateImage($input: GenerateImageInput!) {
    generateImage(input: $input) { ...JobFields }
  }
  ${JOB_FIELDS}
`;

export const CANCEL_JOB = /* GraphQL */ `
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) { ...JobFields }
  }
  ${JOB_FIELDS}
`;

/** Sent over the websocket (lib/subscription.ts), not POST /graphql. */
export const JOB_UPDATED = /* GraphQL */ `
  subscription JobUpdated($id: ID!) {
    jobUpdated(id: $id) { ...JobFields }
  }
  ${JOB_FIELDS}
`;

export const GENERATED_ASSET = /* GraphQL */ `
  query GeneratedAsset($id: ID!) {
    asset(id: $id) { ...GeneratedAssetFields }
  }
  ${GENERATED_ASSET_FIELDS}
  ${GENERATION_FIELDS}
  ${ASSET_FIELDS}
`;

/** The key's own generated music, newest first (the results of its finished generateMusic jobs). */
export const GENERATIONS = /* GraphQL */ `
  query Generations($first: Int!) {
    myGenerations(first: $first) { ...GeneratedAssetFields }
  }
  ${GENERATED_ASSET_FIELDS}
  ${GENERATION_FIELDS}
  ${ASSET_FIELDS}
`;

export const EMBEDDING_MAP = /* GraphQL */ `
  query EmbeddingMap($first: Int) {
    embeddingMap(first: $first) { assetId kind x y title tags }
  }
`;

/** Which optional parts of the API this server has; the schema is the source of truth. */
export const CAPABILITIES = /* GraphQL */ `
  query Capabilities {
    __schema {
      queryType { fields { name } }
      mutationType {
        fields {
          name
          type { kind name ofType { kind name ofType { kind name } } }
          args {
            name
            defaultValue
            type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
          }
        }
      }
    }
  }
`;
