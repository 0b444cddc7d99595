// A MusIm bundle folder (models/<name>/): manifest.json checked, the autoencoder's two ONNX files and the denoiser
// opened, and — when asked — the pinned MuVis encoder that turns a track into the condition. `models/default-musim`
// names the default folder, as `models/default-imagic` does for Imagic.
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MuvisBundle } from '@muse/embeddings';
import { loadPinnedEncoder } from '../imagic/condition.js';
import { GenerationError } from '../imagic/errors.js';
import { parseMusimManifest, type MusimManifest } from './manifest.js';
import type { Autoencoder, LatentDenoiser } from './models.js';
import { OnnxAutoencoder, OnnxDenoiser, type OnnxModelOptions } from './onnx-models.js';
import { noiseSchedule, type NoiseSchedule } from './schedule.js';

export const DEFAULT_MUSIM_POINTER = 'default-musim';

/** What generateMusim samples with: a bundle, or fakes in tests. */
export interface MusimModels {
  denoiser: LatentDenoiser;
  autoencoder: Autoencoder;
  schedule: NoiseSchedule;
}

export interface MusimBundle extends MusimModels {
  dir: string;
  name: string;
  version: string;
  manifest: MusimManifest;
  denoiser: OnnxDenoiser;
  autoencoder: OnnxAutoencoder;
  /** the pinned MuVis bundle, when loadMusimBundle was given `encoderDir` */
  encoder?: MuvisBundle;
  close(): Promise<void>;
}

export interface LoadMusimOptions extends OnnxModelOptions {
  /** open the pinned MuVis bundle from here as `bundle.encoder` (ENCODER_MISMATCH if it is not the pinned one) */
  encoderDir?: string;
}

export async function readMusimManifest(dir: string): Promise<MusimManifest> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GenerationError('BUNDLE_INVALID', `No MusIm bundle at ${dir}: cannot read manifest.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GenerationError('BUNDLE_INVALID', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseMusimManifest(json, path);
}

async function bundleFile(root: string, name: string, role: string): Promise<string> {
  const path = join(root, name);
  try {
    await access(path);
  } catch {
    throw new GenerationError('BUNDLE_INVALID', `MusIm bundle ${root} is missing its ${role}: ${path}`);
  }
  return path;
}

/** Reads and checks `dir/manifest.json` (BUNDLE_INVALID), then opens the three networks (and the pinned encoder if asked). */
export async function loadMusimBundle(dir: string, options: LoadMusimOptions = {}): Promise<MusimBundle> {
  const root = resolve(dir);
  const manifest = await readMusimManifest(root);
  const paths = {
    encoder: await bundleFile(root, manifest.autoencoder.encoder, 'autoencoder encoder'),
    decoder: await bundleFile(root, manifest.autoencoder.decoder, 'autoencoder decoder'),
    denoiser: await bundleFile(root, manifest.denoiser.onnx, 'denoiser'),
  };
  const encoder = options.encoderDir ? await loadPinnedEncoder(manifest.encoder, options.encoderDir) : undefined;
  const opened: { close(): Promise<void> }[] = encoder ? [encoder] : [];
  try {
    const autoencoder = await OnnxAutoencoder.open(paths, manifest.image.size, manifest.latent, options);
    opened.push(autoencoder);
    const denoiser = await OnnxDenoiser.open(paths.denoiser, manifest.latent, manifest.encoder.dim, options);
    opened.push(denoiser);
    return {
      dir: root, name: manifest.name, version: manifest.version, manifest, denoiser, autoencoder, encoder,
      schedule: noiseSchedule(manifest.denoiser.alphasCumprod, manifest.denoiser.prediction),
      close: async () => { await Promise.all(opened.map((o) => o.close())); },
    };
  } catch (error) {
    await Promise.all(opened.map((o) => o.close()));
    throw error;
  }
}

/** `modelsDir/name` when a name is given, else the folder `modelsDir/default-musim` names (BUNDLE_MISSING if none). */
export async function resolveMusimBundleDir(modelsDir: string, name?: string): Promise<string> {
  if (name) return resolve(modelsDir, name);
  const pointer = join(modelsDir, DEFAULT_MUSIM_POINTER);
  let text: string;
  try {
    text = await readFile(pointer, 'utf8');
  } catch (error) {
    throw new GenerationError('BUNDLE_MISSING',
      `No MusIm bundle: ${pointer} does not exist. Install one as models/<name>/ and name it there (train it with \`npm run train:musim\`, see training/musim/README.md), or pass --bundle DIR`, { cause: error });
  }
  const chosen = text.trim();
  if (!chosen || chosen.includes('/') || chosen.includes('\\')) throw new GenerationError('BUNDLE_MISSING', `${pointer} must name a bundle folder in ${modelsDir}, got '${chosen}'`);
  return resolve(modelsDir, chosen);
}
