// An Imagic bundle folder (models/<name>/): manifest.json checked against this tokenizer, decoder.onnx opened.
// `models/default-imagic` names the default folder, as `models/default` does for MuVis.
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OnnxDecoder, type OnnxDecoderOptions } from './decoder.js';
import { GenerationError } from './errors.js';
import { parseImagicManifest, type ImagicManifest } from './manifest.js';

export const DEFAULT_IMAGIC_POINTER = 'default-imagic';

export interface ImagicBundle {
  dir: string;
  name: string;
  version: string;
  manifest: ImagicManifest;
  decoder: OnnxDecoder;
  close(): Promise<void>;
}

export async function readImagicManifest(dir: string): Promise<ImagicManifest> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GenerationError('BUNDLE_INVALID', `No Imagic bundle at ${dir}: cannot read manifest.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GenerationError('BUNDLE_INVALID', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseImagicManifest(json, path);
}

/** Reads and checks `dir/manifest.json` (BUNDLE_INVALID, VOCAB_MISMATCH), then opens the decoder. */
export async function loadImagicBundle(dir: string, options: OnnxDecoderOptions = {}): Promise<ImagicBundle> {
  const root = resolve(dir);
  const manifest = await readImagicManifest(root);
  const path = join(root, manifest.decoder.onnx);
  try {
    await access(path);
  } catch {
    throw new GenerationError('BUNDLE_INVALID', `Imagic bundle ${root} is missing its decoder: ${path}`);
  }
  const { layers, heads, headDim, maxContext } = manifest.decoder;
  const decoder = await OnnxDecoder.open(path, { layers, heads, headDim, maxContext, vocabSize: manifest.vocab.size, condDim: manifest.encoder.dim }, options);
  return { dir: root, name: manifest.name, version: manifest.version, manifest, decoder, close: () => decoder.close() };
}

/** `modelsDir/name` when a name is given, else the folder `modelsDir/default-imagic` names (BUNDLE_MISSING if none). */
export async function resolveImagicBundleDir(modelsDir: string, name?: string): Promise<string> {
  if (name) return resolve(modelsDir, name);
  const pointer = join(modelsDir, DEFAULT_IMAGIC_POINTER);
  let text: string;
  try {
    text = await readFile(pointer, 'utf8');
  } catch (error) {
    throw new GenerationError('BUNDLE_MISSING',
      `No Imagic bundle: ${pointer} does not exist. Train one with \`npm run train:imagic\` (it writes models/<name>/ and ${pointer}), or pass --bundle DIR`, { cause: error });
  }
  const chosen = text.trim();
  if (!chosen || chosen.includes('/') || chosen.includes('\\')) throw new GenerationError('BUNDLE_MISSING', `${pointer} must name a bundle folder in ${modelsDir}, got '${chosen}'`);
  return resolve(modelsDir, chosen);
}
