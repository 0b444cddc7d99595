// `npm run bench -- transcribe [--repeats 3] [--quick] [--note TEXT]`
// Audio prompts → MIDI with basic-pitch (@spotify/basic-pitch's network, exported to ONNX, on onnxruntime): the model's
// load time (session and one warm-up window), then the wall time to transcribe 10 s and 30 s of piano (decode +
// resample, the network, notes + tempo + MIDI timed apart) and the notes found against the score.
// Writes bench/results/transcribe.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '@muse/immute';
import { BasicPitchTranscriber, renderMidi, writeMidiFile, type Song, type Transcription } from '@muse/generation';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BPM = 112;
const PPQ = 480;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const repeats = Number(arg('repeats') ?? (quick ? 1 : 3));
const lengths = quick ? [10] : [10, 30];

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** two hands of piano: a melody of quarters and eighths over a scale-wise pattern, a bass note every half bar */
function pianoPiece(seconds: number): Song {
  const beats = Math.ceil((seconds * BPM) / 60);
  const rhythm = [1, 0.5, 0.5, 1, 1, 1.5, 0.5, 1, 1];
  const contour = [0, 4, 7, 12, 11, 9, 5, 2, 7, 16, 14, 19, 17, 10, 3, 0];
  const notes: Song['notes'] = [];
  for (let beat = 0, i = 0; beat < beats; beat += rhythm[i % rhythm.length], i++) {
    notes.push({ tick: Math.round(beat * PPQ), dur: Math.round(rhythm[i % rhythm.length] * PPQ), pitch: 60 + contour[i % contour.length], velocity: 96, program: 0, drums: false });
  }
  const bass = [36, 43, 41, 38];
  for (let beat = 0, i = 0; beat < beats; beat += 2, i++) notes.push({ tick: beat * PPQ, dur: 2 * PPQ, pitch: bass[i % bass.length], velocity: 80, program: 0, drums: false });
  return { ppq: PPQ, notes, tempos: [{ tick: 0, bpm: BPM }], meters: [{ tick: 0, numerator: 4, denominator: 4 }], keys: [], texts: [], endTick: beats * PPQ };
}

/** notes found with the right pitch within 70 ms of a score note's onset (each matched once), as F1 */
function agreement(song: Song, seconds: number, found: Transcription['notes']): { expected: number; found: number; f1: number } {
  const truth = song.notes.map((n) => ({ onset: (n.tick / PPQ) * (60 / BPM), pitch: n.pitch })).filter((n) => n.onset < seconds - 0.1);
  const used = new Set<number>();
  let matched = 0;
  for (const n of found) {
    const i = truth.findIndex((t, k) => !used.has(k) && t.pitch === n.pitch && Math.abs(t.onset - n.onsetSeconds) <= 0.07);
    if (i >= 0) { used.add(i); matched++; }
  }
  const p = found.length ? matched / found.length : 0;
  const r = matched / truth.length;
  return { expected: truth.length, found: found.length, f1: round(p + r ? (2 * p * r) / (p + r) : 0) };
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const clips = new Map<number, { wav: Uint8Array; song: Song }>();
  for (const seconds of lengths) {
    const song = pianoPiece(seconds);
    const audio = await renderMidi(writeMidiFile(song));
    const samples = audio.samples.slice(0, Math.round(seconds * audio.sampleRate)); // exactly `seconds`
    clips.set(seconds, { wav: encodeWav(samples, audio.sampleRate), song });
  }

  const transcriber = new BasicPitchTranscriber();
  const started = performance.now();
  const model = await transcriber.loadModel();
  const loadMs = performance.now() - started;
  const facts = model.facts;
  console.log(`basic-pitch on ${facts.runtime}: model ready in ${(loadMs / 1000).toFixed(2)} s (session + warm-up window), load ${load.toFixed(2)}`);

  const rows: object[] = [];
  for (const [seconds, clip] of clips) {
    const runs: Transcription[] = [];
    for (let r = 0; r < repeats; r++) runs.push(await transcriber.transcribe(clip.wav));
    const wall = median(runs.map((t) => t.timings.totalMs));
    const row = {
      audioSeconds: seconds,
      repeats,
      wallMs: round(wall, 1),
      wallSecondsPer10sOfAudio: round((wall / 1000) * (10 / seconds)),
      realtimeFactor: round(seconds / (wall / 1000), 2),
      decodeMs: round(median(runs.map((t) => t.timings.decodeMs)), 1),
      networkMs: round(median(runs.map((t) => t.timings.networkMs)), 1),
      notesMs: round(median(runs.map((t) => t.timings.notesMs)), 1),
      tempo: { true: BPM, estimated: round(runs[0].tempo.bpm, 2), written: runs[0].timeline.bpm },
      notes: agreement(clip.song, seconds, runs[0].notes),
    };
    rows.push(row);
    console.log(`${seconds} s of piano: ${(wall / 1000).toFixed(2)} s wall (${row.realtimeFactor}× real time; decode ${row.decodeMs} ms, network ${row.networkMs} ms, `
      + `notes + tempo + MIDI ${row.notesMs} ms), ${row.notes.found} notes for ${row.notes.expected} (F1 ${row.notes.f1}), tempo ${row.tempo.estimated} for ${BPM}`);
  }
  await transcriber.dispose();

  const result = {
    benchmark: 'transcribe',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: round(load, 2), node: process.version },
    mode: quick ? 'quick (one run, 10 s only)' : 'full',
    note: arg('note') ?? null,
    engine: { model: '@spotify/basic-pitch 1.0.1 (Apache-2.0), exported to ONNX (packages/generation/models/basic-pitch)', runtime: `onnxruntime-node, 1 thread` },
    method: `BasicPitchTranscriber.transcribe on a two-hand piano piece (melody in quarters and eighths, bass every half bar, ${BPM} BPM) written with writeMidiFile, `
      + 'rendered by renderMidi (FluidR3Mono, 44.1 kHz mono) and cut to exactly 10 s and 30 s; median over repeats after the model load; '
      + 'modelLoad = reading the ONNX file, opening the session and one warm-up window; notes: F1 of pitch and onset (±70 ms) against the score.',
    modelLoadMs: { total: round(loadMs, 1) },
    transcribe: rows,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/transcribe.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('wrote bench/results/transcribe.json');
}

await main();
