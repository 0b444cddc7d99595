// Public entry point of @muse/embeddings: what the API, the benchmarks and the training smoke
// test use. Other packages import only from here; this package's unit tests may reach inside.
export {
  EmbeddingsError, UnsupportedMediaError, InvalidMediaError, MediaLimitError, IndexCorruptError, BundleError,
  type EmbeddingsErrorCode,
} from './errors.js';
export { sniffMedia, type SniffedMedia, type MediaKind, type MediaFormat } from './formats/sniff.js';
export { decodeMedia, type DecodedMedia, type DecodeMediaOptions } from './decode-media.js';
export { decodeImage, type DecodedImage, type ImageLimits } from './image/decode.js';
export { decodeAudio, type DecodedAudio, type AudioLimits } from './audio/decode.js';
export { resample } from './audio/resample.js';
export { openOnnxSession } from './onnx-session.js';
export { loadBundle, resolveBundleDir, MuvisBundle, type LoadBundleOptions, type ImagePixels } from './bundle.js';
export { type MuvisManifest } from './manifest.js';
export { HnswIndex, type VectorIndex, type SearchHit, type HnswOptions } from './vector-index/vector-index.js';
