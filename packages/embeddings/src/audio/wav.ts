import { InvalidMediaError } from '../errors.js';

export interface WavInfo {
  /** 1 = integer PCM, 3 = IEEE float (WAVE_FORMAT_EXTENSIBLE resolved to its sub-format). */
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  dataOffset: number;
  /** Whole sample frames in the data chunk. */
  frames: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/**
 * Walks the RIFF chunks of a WAVE file. A `data` chunk that claims more bytes than exist is a
 * truncated file (InvalidMediaError); 0 or 0xFFFFFFFF sizes (streaming writers) mean "to the end".
 */
export function readWavInfo(bytes: Uint8Array): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'frames'> | undefined;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      if (offset + 24 > bytes.length || size < 16) throw new InvalidMediaError('Truncated WAV: fmt chunk is cut off');
      let format = view.getUint16(offset + 8, true);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40 && offset + 34 <= bytes.length) format = view.getUint16(offset + 32, true);
      fmt = {
        format,
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        blockAlign: view.getUint16(offset + 20, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.blockAlign === 0 || fmt.sampleRate === 0 || fmt.channels === 0) {
        throw new InvalidMediaError('Malformed WAV: no valid fmt chunk before the data chunk');
      }
      const available = bytes.length - offset - 8;
      const open = size === 0 || size === 0xffffffff;
      if (!open && size > available) {
        throw new InvalidMediaError(`Truncated WAV: data chunk declares ${size} bytes, only ${available} present`);
      }
      return { ...fmt, dataOffset: offset + 8, frames: Math.floor((open ? available : size) / fmt.blockAlign) };
    }
    offset += 8 + size + (size & 1);
  }
  throw new InvalidMediaError('Malformed WAV: no data chunk');
}

/** True for the encodings `readWavPcm` handles: integer PCM 8/16/24/32-bit, float 32/64-bit. */
export function isPlainPcm(info: WavInfo): boolean {
  const bytesPerSample = info.bitsPerSample / 8;
  if (info.blockAlign !== bytesPerSample * info.channels) return false;
  if (info.format === WAVE_FORMAT_PCM) return [8, 16, 24, 32].includes(info.bitsPerSample);
  if (info.format === WAVE_FORMAT_IEEE_FLOAT) return info.bitsPerSample === 32 || info.bitsPerSample === 64;
  return false;
}

/**
 * Reads plain PCM as mono float32, scaled as libsndfile scales it (and so as the Python
 * reference reads it): integers divided by 2^(bits−1), 8-bit unsigned centred at 128,
 * channels averaged in float64.
 */
export function readWavPcmMono(bytes: Uint8Array, info: WavInfo): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { channels, frames, blockAlign, dataOffset, bitsPerSample, format } = info;
  const width = bitsPerSample / 8;
  const read = (at: number): number => {
    if (format === WAVE_FORMAT_IEEE_FLOAT) return width === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
    switch (width) {
      case 1: return (bytes[at] - 128) / 128;
      case 2: return view.getInt16(at, true) / 32768;
      case 3: return ((bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) << 8 >> 8) / 8388608;
      default: return view.getInt32(at, true) / 2147483648;
    }
  };
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    const base = dataOffset + i * blockAlign;
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(base + c * width);
    mono[i] = sum / channels;
  }
  return mono;
}
