// The recording character a caption describes, applied to the clean synth mix.
import type { RecordingPlan } from '../plan/music-plan.js';
import type { Rng } from '../rng.js';
import { addCrowd, addHiss, biquad, drive, fade, normalise, room } from './dsp.js';

export function applyRecording(x: Float32Array, sampleRate: number, rec: RecordingPlan, loudness: number, rng: Rng): void {
  normalise(x, 0.7);
  drive(x, rec.drive);
  room(x, sampleRate, rec.room);
  if (rec.bandLow > 40) { biquad(x, sampleRate, 'highpass', rec.bandLow); biquad(x, sampleRate, 'highpass', rec.bandLow); }
  if (rec.bandHigh < 7800) { biquad(x, sampleRate, 'lowpass', rec.bandHigh); biquad(x, sampleRate, 'lowpass', rec.bandHigh); }
  normalise(x, loudness);
  if (rec.crowd) addCrowd(x, sampleRate, rng.fork('crowd'), -30);
  if (Number.isFinite(rec.noiseDb)) addHiss(x, rng.fork('hiss'), rec.noiseDb);
  fade(x, sampleRate, 0.005, 0.15);
  for (let i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, x[i]));
}
