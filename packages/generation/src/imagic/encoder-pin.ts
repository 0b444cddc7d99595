// The pinned encoder: an Imagic bundle understands only the embeddings of the MuVis bundle it was trained on, so
// generation inputs are embedded with that bundle — name, version and the sha256 of every ONNX file as the manifest
// records them — even where search uses a newer one. Anything else is refused with ENCODER_MISMATCH.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GenerationError } from './errors.js';
import type { EncoderPin } from './manifest.js';

export function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', fail).on('data', (chunk) => hash.update(chunk)).on('end', () => done(hash.digest('hex')));
  });
}

/** where the pinned bundle lives when models are laid out as models/<name>/ */
export function pinnedEncoderDir(pin: EncoderPin, modelsDir: string): string {
  return resolve(modelsDir, pin.name);
}

/** Resolves when the MuVis bundle in `muvisDir` is the pinned one; else throws ENCODER_MISMATCH naming every difference. */
export async function checkEncoderPin(pin: EncoderPin, muvisDir: string): Promise<void> {
  const dir = resolve(muvisDir);
  let manifest: { name?: unknown; version?: unknown; embeddingDim?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new GenerationError('ENCODER_MISMATCH', `The pinned MuVis bundle ${pin.name} v${pin.version} is not at ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const problems: string[] = [];
  if (manifest.name !== pin.name || manifest.version !== pin.version) problems.push(`it is ${String(manifest.name)} v${String(manifest.version)}`);
  if (manifest.embeddingDim !== pin.dim) problems.push(`its embeddings have ${String(manifest.embeddingDim)} dimensions, not ${pin.dim}`);
  for (const [file, expected] of Object.entries(pin.files)) {
    let actual: string;
    try {
      actual = await sha256File(join(dir, file));
    } catch {
      problems.push(`${file} is missing`);
      continue;
    }
    if (actual !== expected) problems.push(`${file} has sha256 ${actual.slice(0, 12)}…, the pin ${expected.slice(0, 12)}…`);
  }
  if (problems.length) {
    throw new GenerationError('ENCODER_MISMATCH',
      `The Imagic bundle was trained on MuVis ${pin.name} v${pin.version}, but the bundle at ${dir} differs: ${problems.join('; ')}. Generation inputs must be embedded with the pinned bundle`);
  }
}
