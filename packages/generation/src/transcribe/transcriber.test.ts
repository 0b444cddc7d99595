import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@muse/immute';
import { readMidi } from '../midi/read-midi.js';
import { preparePrompt } from '../imagic/prompt.js';
import { gradientPng } from '../testing/png.js';
import { AUDIO_PROMPT_MAX_SECONDS } from './audio-input.js';
import { noteAgreement, testMelodyNotes, testMelodyWav } from './test-melody.js';
import { BasicPitchModel, BASIC_PITCH_MODEL_DIR } from './basic-pitch-model.js';
import { BasicPitchTranscriber, createBasicPitchTranscriber } from './transcriber.js';

const BPM = 100;
const ONSET_TOLERANCE_SECONDS = 0.07;
/**
 * Measured on this melody rendered through FluidR3Mono at 84, 100, 132 and 150 BPM: F1 1.00 at each, onsets within
 * 31 ms (most within 15 ms), tempo within 0.2 %. 0.8 leaves room for three wrong or missed notes of 16 (another
 * CPU's float rounding moves activations near a threshold), far above what a broken pipeline scores.
 */
const MIN_F1 = 0.8;
const TEMPO_TOLERANCE = 0.04;

// One transcriber (one model load) for the whole file, as a server keeps one.
const transcriber = new BasicPitchTranscriber();

test('a rendered piano melody comes back note for note, on its tempo, as MIDI that becomes a prompt', async () => {
  const wav = await testMelodyWav(BPM);
  const fractions: number[] = [];
  const t = await new BasicPitchTranscriber({ onProgress: (f) => fractions.push(f) }).transcribe(wav);
  const truth = testMelodyNotes(BPM);
  const score = noteAgreement(truth, t.notes, ONSET_TOLERANCE_SECONDS);
  const worstMs = Math.max(...score.onsetErrors.map((e) => Math.abs(e) * 1000));
  console.log(`basic-pitch on ${t.model.runtime}: F1 ${score.f1.toFixed(3)} (P ${score.precision.toFixed(3)}, R ${score.recall.toFixed(3)}, ${t.notes.length} notes for ${truth.length}), `
    + `worst onset ${worstMs.toFixed(0)} ms, tempo ${t.tempo.bpm.toFixed(2)} for ${BPM}; ${t.audioSeconds.toFixed(1)} s in ${(t.timings.totalMs / 1000).toFixed(2)} s `
    + `(model load ${(t.timings.modelLoadMs / 1000).toFixed(2)} s, network ${(t.timings.networkMs / 1000).toFixed(2)} s)`);
  assert.ok(score.f1 >= MIN_F1, `F1 ${score.f1} < ${MIN_F1}`);
  assert.ok(Math.abs(t.tempo.bpm / BPM - 1) <= TEMPO_TOLERANCE, `tempo ${t.tempo.bpm} is not within 4 % of ${BPM}`);
  assert.equal(t.model.runtime, 'onnxruntime');
  assert.equal(fractions[0], 0);
  assert.equal(fractions[fractions.length - 1], 1);
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), 'progress only grows');
  assert.ok(fractions.length > 5, 'progress per network window');

  // The MIDI is the notes on the estimated beat: tick 0 at the first beat, the tempo in whole BPM.
  const song = readMidi(t.midi);
  assert.equal(Math.round(song.tempos[0].bpm), t.timeline.bpm);
  assert.equal(t.timeline.bpm, BPM);
  assert.equal(song.notes.length, t.notes.length);
  assert.ok(song.notes.every((n) => n.program === 0 && !n.drums));
  const beats = song.notes.map((n) => n.tick / song.ppq).sort((a, b) => a - b);
  const trueBeats = truth.map((n) => (n.onsetSeconds * BPM) / 60);
  const onGrid = beats.filter((b) => trueBeats.some((tb) => Math.abs(tb - b) < 0.1)).length;
  assert.ok(onGrid >= MIN_F1 * truth.length, `${onGrid} of ${beats.length} MIDI notes sit on the melody's beats`);

  const prompt = await preparePrompt({ kind: 'audio', bytes: wav }, { transcribe: async () => t.midi });
  assert.ok(prompt.bars >= 4 && prompt.body.length > 3 * truth.length, `a 4-bar prompt of ${prompt.bars} bars and ${prompt.body.length} tokens`);
  assert.equal(prompt.attributes.bpm, BPM);
  assert.deepEqual(prompt.attributes.instruments, [0]);
});

test('the exported AudioTranscriber plugs into preparePrompt', async () => {
  const prompt = await preparePrompt({ kind: 'audio', bytes: await testMelodyWav(120) }, { transcribe: createBasicPitchTranscriber() });
  assert.ok(prompt.body.length > 0 && prompt.bars > 0);
  assert.equal(prompt.attributes.bpm, 120);
});

const refused = { name: 'GenerationError', code: 'BAD_USER_INPUT' };
const tone = (seconds: number, rate = 22050, amplitude = 0.3) => Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / rate));

test('refusals: empty, undecodable, not audio, too long, silent, no notes', async () => {
  const transcribe = createBasicPitchTranscriber();
  await assert.rejects(transcribe(new Uint8Array()), { ...refused, message: /empty/ });
  await assert.rejects(transcribe(new TextEncoder().encode('these are not the audio bytes you are looking for')), { ...refused, message: /cannot be decoded/ });
  await assert.rejects(transcribe(gradientPng(8, 8, 1)), { ...refused, message: /cannot be decoded.*image\/png/ });
  const truncated = encodeWav(tone(1), 22050).subarray(0, 30);
  await assert.rejects(transcribe(truncated), { ...refused, message: /cannot be decoded/ });
  await assert.rejects(transcribe(encodeWav(tone(AUDIO_PROMPT_MAX_SECONDS + 1, 8000), 8000)), { ...refused, message: new RegExp(`31\\.0 s long; the limit is ${AUDIO_PROMPT_MAX_SECONDS} s`) });
  await assert.rejects(createBasicPitchTranscriber({ maxSeconds: 2 })(encodeWav(tone(3), 22050)), { ...refused, message: /3\.0 s long; the limit is 2 s/ });
  await assert.rejects(transcribe(encodeWav(new Float32Array(22050), 22050)), { ...refused, message: /silent \(digital silence/ });
  await assert.rejects(transcribe(encodeWav(tone(1, 22050, 0.0005), 22050)), { ...refused, message: /silent \(-69 dBFS/ });
  // Clicks (a drum machine without pitch) are loud but hold no note.
  let seed = 7;
  const noise = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32 - 0.5; };
  const clicks = Float32Array.from({ length: 3 * 22050 }, (_, i) => (i % 5000 < 20 ? 0.8 * noise() : 0));
  await assert.rejects(transcriber.transcribe(encodeWav(clicks, 22050)), { ...refused, message: /no notes were found/ });
  assert.throws(() => createBasicPitchTranscriber({ maxSeconds: 0 }), RangeError);
});

test('the shipped model carries its licence and its source; a folder without a usable model is refused as BUNDLE_INVALID', async () => {
  assert.match(readFileSync(join(BASIC_PITCH_MODEL_DIR, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  const manifest = JSON.parse(readFileSync(join(BASIC_PITCH_MODEL_DIR, 'manifest.json'), 'utf8'));
  assert.match(manifest.source, /@spotify\/basic-pitch@1\.0\.1 \(Apache-2\.0\)/);
  const empty = mkdtempSync(join(tmpdir(), 'basic-pitch-'));
  try {
    await assert.rejects(BasicPitchModel.load(empty), { code: 'BUNDLE_INVALID', message: /Cannot load the basic-pitch transcription model/ });
    writeFileSync(join(empty, 'manifest.json'), JSON.stringify({ ...manifest, windowFrames: 173 }));
    copyFileSync(join(BASIC_PITCH_MODEL_DIR, 'model.onnx'), join(empty, 'model.onnx'));
    await assert.rejects(BasicPitchModel.load(empty), { code: 'BUNDLE_INVALID', message: /window geometry/ });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
