// Public entry point of @muse/embeddings. Other packages import only from here.
export {
  EmbeddingsError, UnsupportedMediaError, InvalidMediaError, MediaLimitError, IndexCorruptError, BundleError,
  type EmbeddingsErrorCode,
} from './errors.js';
export { sniffMedia, type SniffedMedia, type MediaKind, type MediaFormat } from './media/sniff.js';
export { decodeImage, DEFAULT_IMAGE_LIMITS, type DecodedImage, type ImageLimits } from './image/decode.js';
export { imageTensor, resizeAndCrop, normalizeToChw, resizedDimensions, type ImagePreprocessOptions } from './image/preprocess.js';
export { resizeBilinearRgb } from './image/bilinear-resize.js';
export { decodeAudio, DEFAULT_AUDIO_LIMITS, type DecodedAudio, type AudioLimits } from './audio/decode.js';
export { resample } from './audio/resample.js';
export { fbank, normalizeFbank, fbankFrameCount, AST_FBANK_OPTIONS, FLOAT32_EPSILON, type Fbank, type FbankOptions } from './audio/fbank.js';
export { windowStarts, hopFrames, meanPoolNormalized } from './audio/windows.js';
export { RealFft } from './audio/fft.js';
export { OnnxTower, type OnnxTowerOptions } from './onnx-tower.js';
export { validateManifest, type MuvisManifest } from './manifest.js';
export { loadBundle, resolveBundleDir, MuvisBundle, type LoadBundleOptions, type ImagePixels } from './bundle.js';
export {
  VectorIndex, HnswIndex, ExactIndex, sidecarPath, indexExists, DEFAULT_HNSW_OPTIONS,
  type SearchHit, type LabelFilter, type IndexSidecar, type HnswOptions,
} from './index/vector-index.js';
