// How a clip is cut into the network's fixed 2-second windows and how their outputs are sewn back together, as
// basic-pitch's own inference does: half an overlap of silence in front, windows every WINDOW_HOP_SAMPLES, half
// of the overlapping frames cut from each side of every window's output, the whole trimmed to the clip's length.
import {
  BASIC_PITCH_SAMPLE_RATE, FFT_HOP, OVERLAP_FRAMES, OVERLAP_SAMPLES, WINDOW_FRAMES, WINDOW_HOP_SAMPLES, WINDOW_SAMPLES,
} from './basic-pitch.constants.js';

const LEAD_SAMPLES = OVERLAP_SAMPLES / 2;
/** output frames each window contributes once its overlap is cut */
export const KEPT_FRAMES_PER_WINDOW = WINDOW_FRAMES - OVERLAP_FRAMES;
const CUT_FRAMES = OVERLAP_FRAMES / 2;

/** output frames for a clip of `samples` samples (at 22,050 Hz) */
export function outputFrameCount(samples: number): number {
  return Math.floor(samples / FFT_HOP);
}

/** windows needed to cover the clip's output frames */
export function windowCount(samples: number): number {
  return Math.max(1, Math.ceil(outputFrameCount(samples) / KEPT_FRAMES_PER_WINDOW));
}

/** window `index` of the clip, zero-padded where it runs past either end */
export function windowSamples(samples: Float32Array, index: number): Float32Array {
  const window = new Float32Array(WINDOW_SAMPLES);
  const start = index * WINDOW_HOP_SAMPLES - LEAD_SAMPLES; // in the clip's samples; negative in the lead-in
  const from = Math.max(0, start);
  const to = Math.min(samples.length, start + WINDOW_SAMPLES);
  if (to > from) window.set(samples.subarray(from, to), from - start);
  return window;
}

/** the kept rows of one window's [WINDOW_FRAMES × bins] output */
export function keptRows(output: Float32Array, bins: number): Float32Array {
  return output.subarray(CUT_FRAMES * bins, (CUT_FRAMES + KEPT_FRAMES_PER_WINDOW) * bins);
}

/**
 * Seconds into the clip of output frame `frame` of the sewn output. A window's first kept frame lies exactly at its
 * hop (its lead-in is half an overlap, the cut half an overlap), so frames run at FFT_HOP within a window and jump
 * to the next hop (141.27 frames later, not 142) at each window. basic-pitch's `noteFramesToTime` approximates this
 * jump with a constant per 172 frames and drifts by up to ~20 ms over 30 s; this is exact.
 */
export function frameSeconds(frame: number): number {
  const window = Math.floor(frame / KEPT_FRAMES_PER_WINDOW);
  const within = frame - window * KEPT_FRAMES_PER_WINDOW;
  return (window * WINDOW_HOP_SAMPLES + within * FFT_HOP) / BASIC_PITCH_SAMPLE_RATE;
}
