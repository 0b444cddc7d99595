// Small, real media files made in the test: PNG images (zlib + CRC32, no image library) and
// 16-bit PCM WAV tones. Both are decoded by the API's real decoders.
import { deflateSync } from 'node:zlib';
import { encodeWav } from '@muse/immute';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export type Rgb = [number, number, number];

/** An RGB PNG whose pixels come from `colour(x, y)`. */
export function png(width: number, height: number, colour: (x: number, y: number) => Rgb): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A mono 16-bit PCM WAV of `seconds` at `rate`, samples from `signal(t)` in [-1, 1]. */
export function wav(seconds: number, rate: number, signal: (t: number) => number): Buffer {
  const samples = Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => signal(i / rate));
  return Buffer.from(encodeWav(samples, rate));
}

/** A bright image: warm diagonal gradient with a sun; `seed` varies it. */
export function warmImage(seed: number): Buffer {
  return png(96, 96, (x, y) => {
    const sun = (x - 30 - seed * 5) ** 2 + (y - 30) ** 2 < 300;
    return sun ? [255, 240, 120] : [220 + ((x + seed * 7) % 35), 90 + ((x + y) >> 2), 40 + seed * 6];
  });
}

/** A dark, cool image: blue vertical gradient with a stripe; `seed` varies it. */
export function coolImage(seed: number): Buffer {
  return png(96, 96, (x, y) => {
    const stripe = Math.abs(y - 50 - seed * 4) < 3;
    return stripe ? [180, 200, 255] : [10 + seed * 4, 30 + (y >> 2), 90 + ((y + seed * 9) % 120)];
  });
}

/** A bright major chord with a fast arpeggio. */
export function brightTone(seed: number): Buffer {
  const base = 440 + seed * 30;
  return wav(4, 16000, (t) => {
    const step = Math.floor(t * 8) % 3;
    const f = base * [1, 1.25, 1.5][step];
    return 0.35 * Math.sin(2 * Math.PI * f * t) + 0.15 * Math.sin(2 * Math.PI * 2 * f * t);
  });
}

/** A slow, low drone. */
export function lowTone(seed: number): Buffer {
  const base = 80 + seed * 8;
  return wav(4, 16000, (t) => 0.5 * Math.sin(2 * Math.PI * base * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 0.5 * t)));
}
