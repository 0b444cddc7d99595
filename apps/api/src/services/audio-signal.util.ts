import { AudioSilentException, AudioTooShortException } from '../errors/app.exception.js';

/** RMS level of samples in [-1, 1], in dBFS (-Infinity for digital silence). */
export function rmsDbfs(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = samples.length ? Math.sqrt(sum / samples.length) : 0;
  return rms > 0 ? 20 * Math.log10(rms) : -Infinity;
}

/** Refuses audio too short to mean anything, and silence (every silent clip embeds to the same point). */
export function assertAudibleAudio(samples: Float32Array, durationSeconds: number, limits: { minAudioSeconds: number; silenceRmsDbfs: number }): void {
  if (durationSeconds < limits.minAudioSeconds) {
    throw new AudioTooShortException(
      `the audio is ${round(durationSeconds, 3)} s long; at least ${limits.minAudioSeconds} s is needed`,
      { durationSeconds: round(durationSeconds, 3), minSeconds: limits.minAudioSeconds },
    );
  }
  const level = rmsDbfs(samples);
  if (level < limits.silenceRmsDbfs) {
    const shown = Number.isFinite(level) ? `${round(level, 1)} dBFS` : 'digital silence';
    throw new AudioSilentException(
      `the audio is silent (${shown}, below the ${limits.silenceRmsDbfs} dBFS threshold); use a clip with audible sound`,
      { rmsDbfs: Number.isFinite(level) ? round(level, 1) : null, thresholdDbfs: limits.silenceRmsDbfs },
    );
  }
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}
