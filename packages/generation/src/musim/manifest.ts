// The MusIm bundle's manifest.json (docs/architecture.md, "MusIm bundle"): what the runtime reads, checked once with
// every problem listed. The noise schedule is part of the contract, so a broken one is refused here, not at step 12.
import { GenerationError } from '../imagic/errors.js';
import { encoderPinProblems, isCount, isText, type EncoderPin } from '../imagic/manifest.js';

export type Prediction = 'epsilon' | 'v';

export interface MusimManifest {
  name: string;
  version: string;
  kind: 'musim';
  encoder: EncoderPin;
  /** RGB, NCHW, values in [−1, 1] */
  image: { size: number };
  latent: { channels: number; size: number };
  autoencoder: { encoder: string; decoder: string };
  denoiser: { onnx: string; prediction: Prediction; trainSteps: number; alphasCumprod: number[] };
  training?: unknown;
  metrics?: unknown;
}


/** The first problem of ᾱ_t, or undefined: trainSteps finite values in (0, 1), strictly decreasing. */
function scheduleProblem(alphas: unknown, trainSteps: unknown): string | undefined {
  if (!Array.isArray(alphas)) return 'denoiser.alphasCumprod must be an array of numbers';
  if (isCount(trainSteps) && alphas.length !== trainSteps) return `denoiser.alphasCumprod has ${alphas.length} values, trainSteps is ${trainSteps}`;
  for (let t = 0; t < alphas.length; t++) {
    const a = alphas[t];
    if (typeof a !== 'number' || !(a > 0 && a < 1)) return `denoiser.alphasCumprod[${t}] must lie in (0, 1), got ${JSON.stringify(a)}`;
    if (t > 0 && !(a < alphas[t - 1])) return `denoiser.alphasCumprod must decrease strictly: [${t}] = ${a} after ${alphas[t - 1]}`;
  }
  return undefined;
}

/** Validates a parsed manifest.json. Throws BUNDLE_INVALID listing every problem. */
export function parseMusimManifest(json: unknown, source = 'manifest.json'): MusimManifest {
  if (typeof json !== 'object' || json === null) throw new GenerationError('BUNDLE_INVALID', `${source}: not a JSON object`);
  const m = json as Record<string, any>;
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => { if (!ok) problems.push(what); };
  need(isText(m.name), 'name must be a non-empty string');
  need(isText(m.version), 'version must be a non-empty string');
  need(m.kind === 'musim', `kind must be 'musim', got ${JSON.stringify(m.kind)}`);
  problems.push(...encoderPinProblems(m.encoder));
  need(isCount(m.image?.size), 'image.size must be a positive integer');
  need(isCount(m.latent?.channels) && isCount(m.latent?.size), 'latent must hold channels and size, positive integers');
  need(isText(m.autoencoder?.encoder) && isText(m.autoencoder?.decoder), 'autoencoder must name its encoder and decoder ONNX files');
  const d = m.denoiser;
  need(isText(d?.onnx), 'denoiser.onnx must name the denoiser file');
  need(d?.prediction === 'epsilon' || d?.prediction === 'v', `denoiser.prediction must be 'epsilon' or 'v', got ${JSON.stringify(d?.prediction)}`);
  need(isCount(d?.trainSteps) && d.trainSteps >= 2, 'denoiser.trainSteps must be an integer of at least 2');
  const schedule = scheduleProblem(d?.alphasCumprod, d?.trainSteps);
  if (schedule) problems.push(schedule);
  if (problems.length) throw new GenerationError('BUNDLE_INVALID', `${source} is not a valid MusIm manifest: ${problems.join('; ')}`);
  return json as MusimManifest;
}
