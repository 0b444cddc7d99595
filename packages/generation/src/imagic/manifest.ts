// The Imagic bundle's manifest.json (docs/architecture.md, "Imagic bundle"): what the runtime reads, checked once
// with every problem listed, and the vocabulary pin compared with this package's tokenizer.
import { VOCAB_HASH, VOCAB_SIZE, VOCAB_VERSION } from '../tokenizer/vocabulary.js';
import { GenerationError } from './errors.js';

/** The MuVis bundle a generator was trained on: its embeddings are the only ones it understands. */
export interface EncoderPin {
  name: string;
  version: string;
  dim: number;
  /** ONNX file name → sha256 (hex) */
  files: Record<string, string>;
}

export interface DecoderShape {
  onnx: string;
  layers: number;
  heads: number;
  headDim: number;
  dModel: number;
  /** positions the model attends over; longer pieces continue in windows */
  maxContext: number;
}

export interface ImagicManifest {
  name: string;
  version: string;
  kind: 'imagic';
  vocab: { version: string; hash: string; size: number };
  encoder: EncoderPin;
  decoder: DecoderShape;
  training?: unknown;
  metrics?: unknown;
}

/** The attribute prefix is at most 24 tokens; a window needs room for it and a few bars. */
export const MIN_CONTEXT = 64;

export const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const SHA256 = /^[0-9a-f]{64}$/;

/** What is wrong with a generator manifest's `encoder` block (the pinned MuVis bundle): none when it is whole. */
export function encoderPinProblems(e: any): string[] {
  const problems: string[] = [];
  if (!(isText(e?.name) && isText(e?.version) && isCount(e?.dim))) problems.push('encoder must name the pinned MuVis bundle: name, version, dim');
  const files = e?.files;
  if (!(typeof files === 'object' && files !== null && Object.keys(files).length > 0
    && Object.values(files).every((h) => typeof h === 'string' && SHA256.test(h)))) {
    problems.push('encoder.files must map each ONNX file of the MuVis bundle to its sha256 (64 hex digits)');
  }
  return problems;
}

/** Validates a parsed manifest.json. Throws BUNDLE_INVALID listing every problem, or VOCAB_MISMATCH. */
export function parseImagicManifest(json: unknown, source = 'manifest.json'): ImagicManifest {
  if (typeof json !== 'object' || json === null) throw new GenerationError('BUNDLE_INVALID', `${source}: not a JSON object`);
  const m = json as Record<string, any>;
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => { if (!ok) problems.push(what); };
  need(isText(m.name), 'name must be a non-empty string');
  need(isText(m.version), 'version must be a non-empty string');
  need(m.kind === 'imagic', `kind must be 'imagic', got ${JSON.stringify(m.kind)}`);
  need(isText(m.vocab?.version) && isText(m.vocab?.hash) && isCount(m.vocab?.size), 'vocab must hold version, hash and size');
  problems.push(...encoderPinProblems(m.encoder));
  const d = m.decoder;
  need(isText(d?.onnx), 'decoder.onnx must name the decoder file');
  for (const key of ['layers', 'heads', 'headDim', 'dModel', 'maxContext']) need(isCount(d?.[key]), `decoder.${key} must be a positive integer`);
  if (isCount(d?.maxContext)) need(d.maxContext >= MIN_CONTEXT, `decoder.maxContext must be at least ${MIN_CONTEXT}, got ${d.maxContext}`);
  if (problems.length) throw new GenerationError('BUNDLE_INVALID', `${source} is not a valid Imagic manifest: ${problems.join('; ')}`);
  const v = m.vocab;
  if (v.version !== VOCAB_VERSION || v.hash !== VOCAB_HASH || v.size !== VOCAB_SIZE) {
    throw new GenerationError('VOCAB_MISMATCH',
      `${source}: bundle '${m.name}' was trained on vocabulary ${v.version} (hash ${v.hash}, ${v.size} tokens), but this @muse/generation `
      + `speaks ${VOCAB_VERSION} (hash ${VOCAB_HASH}, ${VOCAB_SIZE} tokens): retrain the bundle (npm run train:imagic) or use the release it was made with`);
  }
  return json as ImagicManifest;
}
