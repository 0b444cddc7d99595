// Standard MIDI File (format 1) writer: a conductor track then one track per part.
import { PPQ, type Score, type Track } from './score.js';

export function writeMidiFile(score: Score): Uint8Array {
  const chunks: Uint8Array[] = [header(score.tracks.length + 1), conductorTrack(score), ...score.tracks.map(partTrack)];
  return concat(chunks);
}

function header(trackCount: number): Uint8Array {
  const b = new Uint8Array(14);
  const v = new DataView(b.buffer);
  b.set([0x4d, 0x54, 0x68, 0x64]);
  v.setUint32(4, 6);
  v.setUint16(8, 1);
  v.setUint16(10, trackCount);
  v.setUint16(12, PPQ);
  return b;
}

function conductorTrack(score: Score): Uint8Array {
  const usPerBeat = Math.round(60_000_000 / score.bpm);
  const denomPow = Math.round(Math.log2(score.meter[1]));
  const sharps = keySignature(score.tonic, score.mode);
  const events: number[][] = [
    [0, 0xff, 0x51, 0x03, (usPerBeat >> 16) & 0xff, (usPerBeat >> 8) & 0xff, usPerBeat & 0xff],
    [0, 0xff, 0x58, 0x04, score.meter[0], denomPow, 24, 8],
    [0, 0xff, 0x59, 0x02, sharps & 0xff, score.mode === 'minor' ? 1 : 0],
  ];
  return trackChunk(events.map(([delta, ...bytes]) => [...vlq(delta), ...bytes]));
}

function partTrack(track: Track): Uint8Array {
  const ch = track.channel;
  const timed: { tick: number; order: number; bytes: number[] }[] = [];
  const name = [...new TextEncoder().encode(track.name)];
  timed.push({ tick: 0, order: 0, bytes: [0xff, 0x03, ...vlq(name.length), ...name] });
  timed.push({ tick: 0, order: 1, bytes: [0xc0 | ch, track.program & 0x7f] });
  timed.push({ tick: 0, order: 2, bytes: [0xb0 | ch, 7, track.volume] });
  for (const c of track.controls) timed.push({ tick: c.tick, order: 3, bytes: [0xb0 | ch, c.controller, c.value] });
  for (const n of track.notes) {
    timed.push({ tick: n.tick, order: 5, bytes: [0x90 | ch, n.pitch, n.vel] });
    timed.push({ tick: n.tick + n.dur, order: 4, bytes: [0x80 | ch, n.pitch, 0] });
  }
  timed.sort((a, b) => a.tick - b.tick || a.order - b.order);
  let last = 0;
  const events = timed.map((e) => {
    const out = [...vlq(e.tick - last), ...e.bytes];
    last = e.tick;
    return out;
  });
  return trackChunk(events);
}

function trackChunk(events: number[][]): Uint8Array {
  const body = [...events.flat(), 0x00, 0xff, 0x2f, 0x00];
  const b = new Uint8Array(8 + body.length);
  b.set([0x4d, 0x54, 0x72, 0x6b]);
  new DataView(b.buffer).setUint32(4, body.length);
  b.set(body, 8);
  return b;
}

function vlq(value: number): number[] {
  const bytes = [value & 0x7f];
  let v = value >>> 7;
  while (v > 0) {
    bytes.unshift((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  return bytes;
}

function keySignature(tonic: number, mode: 'major' | 'minor'): number {
  const major = mode === 'major' ? tonic : (tonic + 3) % 12;
  const table = [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5];
  return table[major];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
