// A track's clip: decoded with the project's decoders (@muse/embeddings: OGG Vorbis, Opus, MP3,
// FLAC, WAV), tracker modules rendered first by libopenmpt's openmpt123 (Debian package
// `openmpt123`), then mono, CLIP_SECONDS from CLIP_START_FRACTION into the track, resampled to
// 16 kHz and written as PCM16 WAV (the corpus's audio format).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { decodeAudio, resample } from '@muse/embeddings';
import { encodeWav } from '@muse/immute';

export const CLIP_SECONDS = 10;
export const CLIP_START_FRACTION = 0.2;
export const CLIP_RATE = 16000;
/** Longest track accepted (the decoder's limit; game tracks run up to ~15 min). */
const MAX_TRACK_SECONDS = 1800;
const TRACKER_EXTS = new Set(['.mod', '.xm', '.s3m', '.it']);
const TRACKER_RATE = 48000;

export class AudioToolError extends Error {}

export interface ClipInfo {
  startSeconds: number;
  trackSeconds: number;
  sourceRate: number;
  /** `decoder` (audio-decode) or `openmpt123 <version>` then the decoder. */
  renderedWith: string;
}

export function isTrackerModule(path: string): boolean {
  return TRACKER_EXTS.has(extname(path).toLowerCase());
}

/** Start of the clip: CLIP_START_FRACTION into the track, moved earlier so the clip fits (0 when
 * the track is shorter than a clip), rounded to 10 ms. */
export function clipStart(trackSeconds: number): number {
  const start = Math.min(trackSeconds * CLIP_START_FRACTION, trackSeconds - CLIP_SECONDS);
  return Math.max(0, Math.round(start * 100) / 100);
}

export function openmptVersion(): string {
  const r = spawnSync('openmpt123', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new AudioToolError('openmpt123 is not installed: tracker modules need it (apt-get install openmpt123)');
  }
  return /openmpt123\s+v?([\d.]+)/.exec(r.stdout)?.[0] ?? 'openmpt123';
}

/** The module rendered whole (no repeats) to a 48 kHz stereo PCM16 WAV at `out`, once. */
export function renderTracker(modulePath: string, out: string): void {
  if (existsSync(out)) return;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp.wav`;
  const r = spawnSync('nice', ['-n', '10', 'openmpt123', '--batch', '--quiet', '--force', '--no-float', '--repeat', '0',
    '--samplerate', String(TRACKER_RATE), '--channels', '2', '-o', tmp, modulePath], { encoding: 'utf8' });
  if (r.error || r.status !== 0 || !existsSync(tmp)) {
    throw new AudioToolError(`openmpt123 failed on ${modulePath}: ${r.error?.message ?? (r.stderr + r.stdout).slice(-500)}`);
  }
  renameSync(tmp, out);
}

export interface Clip {
  wav: Uint8Array;
  info: ClipInfo;
}

/** The clip of the decodable track at `path` (a tracker module's rendered WAV, or the track itself). */
export async function clipTrack(path: string, renderedWith: string): Promise<Clip> {
  const decoded = await decodeAudio(new Uint8Array(readFileSync(path)), { maxSeconds: MAX_TRACK_SECONDS });
  const rate = decoded.sampleRate;
  const trackSeconds = decoded.samples.length / rate;
  const startSeconds = clipStart(trackSeconds);
  const from = Math.round(startSeconds * rate);
  const piece = decoded.samples.subarray(from, Math.min(decoded.samples.length, from + Math.round(CLIP_SECONDS * rate)));
  const at16k = rate === CLIP_RATE ? piece : resample(piece, rate, CLIP_RATE);
  const clip = new Float32Array(CLIP_SECONDS * CLIP_RATE);
  clip.set(at16k.subarray(0, clip.length));
  return {
    wav: encodeWav(clip, CLIP_RATE),
    info: { startSeconds, trackSeconds: Math.round(trackSeconds * 1000) / 1000, sourceRate: rate, renderedWith },
  };
}
