// Conditioning arithmetic: classifier-free guidance over the two decoder rows, and the blend of an image embedding
// with a reference track's audio embedding (both live in MuVis's one joint space).
import { badInput } from './errors.js';

/** out = uncond + scale · (cond − uncond); scale 1 is the conditioned logits, 0 the unconditioned ones. */
export function guideLogits(cond: Float32Array, uncond: Float32Array, scale: number, out: Float32Array = new Float32Array(cond.length)): Float32Array {
  for (let i = 0; i < cond.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
  return out;
}

export function l2Normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) throw badInput('the condition embedding is zero or not finite');
  return Float32Array.from(v, (x) => x / norm);
}

/**
 * The condition of a request: normalise((1 − w) · image + w · reference). w = 0 (or no reference) is the image alone,
 * w = 1 the reference track alone.
 */
export function blendCondition(image: Float32Array, reference?: Float32Array, weight = 0): Float32Array {
  if (!(weight >= 0 && weight <= 1)) throw badInput(`the guidance weight must lie in [0, 1], got ${weight}`);
  if (!reference || weight === 0) return l2Normalise(image);
  if (reference.length !== image.length) throw badInput(`the reference embedding has ${reference.length} values, the image's ${image.length}`);
  return l2Normalise(Float32Array.from(image, (x, i) => (1 - weight) * x + weight * reference[i]));
}
