// What a request is conditioned on, embedded with the pinned MuVis bundle: the image, optionally blended with a
// reference track's audio embedding (music guidance).
import { loadBundle, type LoadBundleOptions, type MuvisBundle } from '@muse/embeddings';
import { checkEncoderPin } from './encoder-pin.js';
import { blendCondition } from './guidance.js';
import type { EncoderPin } from './manifest.js';

/** Opens the MuVis bundle in `muvisDir` after checking it is the pinned one (ENCODER_MISMATCH otherwise). */
export async function loadPinnedEncoder(pin: EncoderPin, muvisDir: string, options: LoadBundleOptions = {}): Promise<MuvisBundle> {
  await checkEncoderPin(pin, muvisDir);
  return loadBundle(muvisDir, options);
}

export interface ConditionInputs {
  /** image file bytes (PNG, JPEG, …) */
  image: Uint8Array;
  /** audio file bytes of a reference track to steer towards */
  reference?: Uint8Array;
  /** weight of the reference in [0, 1] (default 0.5 when a reference is given) */
  referenceWeight?: number;
}

/** normalise((1 − w) · image embedding + w · reference audio embedding) */
export async function embedCondition(encoder: MuvisBundle, inputs: ConditionInputs): Promise<Float32Array> {
  const image = await encoder.embedImage(inputs.image);
  if (!inputs.reference) return blendCondition(image);
  return blendCondition(image, await encoder.embedAudio(inputs.reference), inputs.referenceWeight ?? 0.5);
}
