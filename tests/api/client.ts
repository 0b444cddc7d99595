// The client side of the API tests and benches: GraphQL over HTTP (JSON and the multipart request
// spec), distinct generated media per seed, and job polling. No server and no test runner here, so
// benches import it too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng, encodeWav } from '@muse/immute';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, opts: { key?: string } = {}): Promise<GqlResult<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return parseReply(res.status, await res.text());
}

export interface UploadFile {
  bytes: Uint8Array;
  name: string;
  type: string;
}

/** GraphQL multipart request: `files` maps a variable path ("variables.image") to a file. */
export async function gqlUpload<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  files: Record<string, UploadFile>,
  opts: { key?: string; preflight?: boolean } = {},
): Promise<GqlResult<T>> {
  const form = new FormData();
  const map: Record<string, string[]> = {};
  Object.keys(files).forEach((path, i) => (map[String(i)] = [path]));
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify(map));
  Object.values(files).forEach((f, i) => form.append(String(i), new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name));
  const headers: Record<string, string> = {};
  if (opts.preflight !== false) headers['apollo-require-preflight'] = 'true';
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  const res = await fetch(`${url}/graphql`, { method: 'POST', body: form, headers });
  return parseReply(res.status, await res.text());
}

/** A reply that is not JSON (a proxy's HTML page, a cut connection) becomes an error with its text. */
function parseReply<T>(status: number, text: string): GqlResult<T> {
  try {
    return { status, ...(JSON.parse(text) as object) };
  } catch {
    return { status, errors: [{ message: text.slice(0, 2000) }] };
  }
}

export function codeOf(result: GqlResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

// ---- media ----

/** A distinct RGB picture per seed: bands of seed-derived colours at a seed-derived angle. */
export function pictureRgb(seed: number, width = 96, height = 96): Buffer {
  const px = Buffer.alloc(width * height * 3);
  const rnd = createRng(seed).next;
  const colours = Array.from({ length: 4 }, () => [rnd() * 255, rnd() * 255, rnd() * 255]);
  const angle = rnd() * Math.PI;
  const period = 8 + rnd() * 40;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x * Math.cos(angle) + y * Math.sin(angle)) / period;
      const c = colours[Math.floor(Math.abs(t)) % 4];
      const o = (y * width + x) * 3;
      px[o] = c[0];
      px[o + 1] = c[1];
      px[o + 2] = c[2];
    }
  }
  return px;
}

export async function image(seed: number, format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png', width = 96, height = 96): Promise<UploadFile> {
  const s = sharp(pictureRgb(seed, width, height), { raw: { width, height, channels: 3 } });
  const bytes = await (format === 'png' ? s.png() : format === 'jpeg' ? s.jpeg() : format === 'webp' ? s.webp() : s.gif()).toBuffer();
  const type = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' }[format];
  return { bytes: new Uint8Array(bytes), name: `picture-${seed}.${format}`, type };
}

/** A distinct tune per seed: a few seed-derived notes with harmonics, PCM16 mono WAV. */
export function tune(seed: number, seconds = 3, sampleRate = 16000): UploadFile {
  const rnd = createRng(seed * 7919 + 1).next;
  const notes = Array.from({ length: 6 }, () => 220 * 2 ** (Math.floor(rnd() * 24) / 12));
  const n = Math.round(seconds * sampleRate);
  const samples = new Float32Array(n);
  const noteLen = Math.ceil(n / notes.length);
  for (let i = 0; i < n; i++) {
    const f = notes[Math.floor(i / noteLen)];
    const t = i / sampleRate;
    samples[i] = 0.4 * Math.sin(2 * Math.PI * f * t) + 0.2 * Math.sin(4 * Math.PI * f * t) + 0.1 * Math.sin(6 * Math.PI * f * t);
  }
  return { bytes: wav(samples, sampleRate), name: `tune-${seed}.wav`, type: 'audio/wav' };
}

/** Mono PCM16 WAV, the corpus renderer's own encoder. */
export const wav = encodeWav;

export function fixtureFile(name: string, type: string): UploadFile {
  return { bytes: new Uint8Array(readFileSync(join(FIXTURES, name))), name, type };
}

export async function pollJob(url: string, id: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const r = await gql(url, 'query($id: ID!){ job(id: $id) { id type status progress message error result attempts } }', { id });
    const job = r.data?.job;
    if (job) seen.push(job.progress);
    if (job && (job.status === 'SUCCEEDED' || job.status === 'FAILED' || job.status === 'CANCELLED')) return { ...job, seenProgress: seen };
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish: ${JSON.stringify(r)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
