// MusIm's condition: the track's audio embedding from the pinned MuVis bundle (open it with loadPinnedEncoder, or
// loadMusimBundle's `encoderDir`). The audio tower already mean-pools its windows and normalises; normalising again
// keeps the contract (an L2-normalised `cond`) whatever a future tower returns.
import type { MuvisBundle } from '@muse/embeddings';
import { l2Normalise } from '../imagic/guidance.js';

/** audio file bytes (WAV, MP3, FLAC, Ogg, …) → the L2-normalised MuVis audio embedding */
export async function embedMusicCondition(encoder: MuvisBundle, audio: Uint8Array): Promise<Float32Array> {
  return l2Normalise(await encoder.embedAudio(audio));
}
