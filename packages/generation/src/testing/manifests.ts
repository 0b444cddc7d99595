// An Imagic manifest for tests: valid, with this tokenizer's vocabulary pin.
import { VOCAB_HASH, VOCAB_SIZE, VOCAB_VERSION } from '../tokenizer/vocabulary.js';

export const validManifest = (): Record<string, any> => ({
  name: 'imagic-test', version: '1', kind: 'imagic',
  vocab: { version: VOCAB_VERSION, hash: VOCAB_HASH, size: VOCAB_SIZE },
  encoder: { name: 'muvis-small', version: '1', dim: 128, files: { 'audio.onnx': 'a'.repeat(64), 'image.onnx': 'b'.repeat(64) } },
  decoder: { onnx: 'decoder.onnx', layers: 2, heads: 4, headDim: 32, dModel: 128, maxContext: 256 },
});
