import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function fixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, ...parts)));
}

export function readF32(...parts: string[]): Float32Array {
  const bytes = readFileSync(join(FIXTURES, ...parts));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export function golden(): any {
  return JSON.parse(readFileSync(join(FIXTURES, 'golden', 'golden.json'), 'utf8'));
}

/** PCM16 WAV, channels interleaved from per-channel float arrays in [-1, 1]. */
export function makeWav(channels: Float32Array[], sampleRate: number): Uint8Array {
  const frames = channels[0].length;
  const blockAlign = 2 * channels.length;
  const data = frames * blockAlign;
  const bytes = new Uint8Array(44 + data);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => (bytes[offset + i] = c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + data, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, data, true);
  for (let i = 0; i < frames; i++) {
    channels.forEach((ch, c) => {
      view.setInt16(44 + i * blockAlign + 2 * c, Math.max(-32768, Math.min(32767, Math.round(ch[i] * 32768))), true);
    });
  }
  return bytes;
}

export function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5, phase = 0): Float32Array {
  const n = Math.round(sampleRate * seconds);
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin(2 * Math.PI * frequency * (i / sampleRate) + phase));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
