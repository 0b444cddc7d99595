import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** Parses a PNG's IHDR and inflates its IDAT stream, checking the CRC-framed chunk layout. */
export function readPng(path: string): { width: number; height: number; colourType: number; bitDepth: number; rawBytes: number } {
  const b = readFileSync(path);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((v, i) => b[i] === v)) throw new Error(`${path}: not a PNG`);
  let o = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  while (o < b.length) {
    const len = b.readUInt32BE(o);
    const type = b.toString('ascii', o + 4, o + 8);
    const data = b.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    o += 12 + len;
    if (type === 'IEND') break;
  }
  if (!ihdr) throw new Error(`${path}: no IHDR`);
  const raw = inflateSync(Buffer.concat(idat));
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), bitDepth: ihdr[8], colourType: ihdr[9], rawBytes: raw.length };
}

/** Checks SMF framing: MThd then N MTrk chunks, each ending in End-of-Track; counts note-ons. */
export function readMidi(path: string): { tracks: number; ppq: number; noteOns: number } {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'MThd') throw new Error('no MThd');
  const tracks = b.readUInt16BE(10);
  const ppq = b.readUInt16BE(12);
  let o = 14;
  let noteOns = 0;
  for (let t = 0; t < tracks; t++) {
    if (b.toString('ascii', o, o + 4) !== 'MTrk') throw new Error(`track ${t}: no MTrk`);
    const len = b.readUInt32BE(o + 4);
    const body = b.subarray(o + 8, o + 8 + len);
    if (!(body[len - 3] === 0xff && body[len - 2] === 0x2f && body[len - 1] === 0)) throw new Error(`track ${t}: no end of track`);
    let p = 0;
    let status = 0;
    while (p < body.length) {
      while (body[p] & 0x80) p++;
      p++;
      if (body[p] & 0x80) status = body[p++];
      if (status === 0xff) { p++; let l = 0; while (body[p] & 0x80) l = (l << 7) | (body[p++] & 0x7f); l = (l << 7) | body[p++]; p += l; }
      else if ((status & 0xf0) === 0xc0 || (status & 0xf0) === 0xd0) p += 1;
      else { if ((status & 0xf0) === 0x90 && body[p + 1] > 0) noteOns++; p += 2; }
    }
    o += 8 + len;
  }
  return { tracks, ppq, noteOns };
}

/** YIN pitch (de Cheveigné & Kawahara) of voiced frames, as fractional MIDI numbers. */
export function framePitches(x: Float32Array, sampleRate: number): number[] {
  const W = 1024;
  const tauMin = 6;
  const tauMax = Math.ceil(sampleRate / 70);
  const threshold = 0.15;
  const out: number[] = [];
  const d = new Float64Array(tauMax + 2);
  for (let s = 0; s + W + tauMax + 2 < x.length; s += 800) {
    let energy = 0;
    for (let i = 0; i < W; i++) energy += x[s + i] * x[s + i];
    if (Math.sqrt(energy / W) < 0.05) continue;
    for (let tau = 0; tau < d.length; tau++) {
      let sum = 0;
      for (let i = 0; i < W; i++) { const diff = x[s + i] - x[s + i + tau]; sum += diff * diff; }
      d[tau] = sum;
    }
    // cumulative-mean-normalised difference
    const cm = new Float64Array(d.length);
    cm[0] = 1;
    let running = 0;
    for (let tau = 1; tau < d.length; tau++) { running += d[tau]; cm[tau] = (d[tau] * tau) / Math.max(running, 1e-12); }
    for (let tau = tauMin; tau < tauMax; tau++) {
      if (cm[tau] >= threshold) continue;
      while (tau + 1 < tauMax && cm[tau + 1] < cm[tau]) tau++;
      const a = cm[tau - 1], b = cm[tau], c = cm[tau + 1];
      const denom = a - 2 * b + c;
      const shift = denom !== 0 ? (a - c) / (2 * denom) : 0;
      out.push(69 + 12 * Math.log2(sampleRate / (tau + shift) / 440));
      break;
    }
  }
  return out;
}
