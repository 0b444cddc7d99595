import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav, encodeWav } from '@muse/immute';
import { readMidi } from '../midi/read-midi.js';
import { gradientPng } from '../testing/png.js';
import { testMelodyWav } from '../transcribe/test-melody.js';

const CLI = fileURLToPath(new URL('./generate.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false : `no Imagic bundle at ${BUNDLE} (training/imagic/export.py --untrained writes one)`;
const MUSIM_BUNDLE = process.env.MUSIM_TEST_BUNDLE ?? join(ROOT, 'data/musim/bundles/musim-untrained');
const skipImage = existsSync(join(MUSIM_BUNDLE, 'manifest.json')) ? false : `no MusIm bundle at ${MUSIM_BUNDLE} (training/musim/export.py --untrained writes one)`;

let dir: string;
let image: string;
let track: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'generate-cli-'));
  image = join(dir, 'shot.png');
  writeFileSync(image, gradientPng(48, 32, 3));
  track = join(dir, 'track.wav');
  writeFileSync(track, encodeWav(Float32Array.from({ length: 32000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / 16000)), 16000));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: ROOT });

test('music: WAV, MIDI and the JSON of every parameter per variation, the same bytes for the same seed', { skip }, () => {
  const args = ['music', '--image', image, '--seconds', '5', '--seed', '11', '--count', '2', '--loop', '--tempo', '100', '--key', 'D', '--mode', 'minor', '--bundle', BUNDLE, '--threads', '1'];
  const first = run(...args, '--out', join(dir, 'a'));
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /variation 2\/2 \[#+\] 100%/);
  for (const seed of [11, 12]) {
    const record = JSON.parse(readFileSync(join(dir, 'a', `shot-${seed}.json`), 'utf8'));
    assert.equal(record.seed, seed);
    assert.equal(record.engine, 'imagic');
    assert.deepEqual([record.encoder.name, typeof record.encoder.files['image.onnx']], ['muvis-small', 'string']);
    assert.deepEqual(record.parameters.controls, { tempo: 100, key: 'D', mode: 'minor' });
    assert.equal(record.parameters.loop, true);
    assert.equal(record.render.sampleRate, 44100);
    const song = readMidi(new Uint8Array(readFileSync(join(dir, 'a', `shot-${seed}.mid`))));
    assert.equal(Math.round(song.tempos[0].bpm), 100);
    const wav = decodeWav(new Uint8Array(readFileSync(join(dir, 'a', `shot-${seed}.wav`))));
    assert.ok(Math.abs(wav.samples.length / wav.sampleRate - record.result.seconds) < 1e-3, 'a loop WAV is the loop\'s length');
  }
  const second = run(...args, '--out', join(dir, 'b'));
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(readFileSync(join(dir, 'b', 'shot-11.mid')), readFileSync(join(dir, 'a', 'shot-11.mid')));
  assert.deepEqual(readFileSync(join(dir, 'b', 'shot-12.wav')), readFileSync(join(dir, 'a', 'shot-12.wav')));
});

test('bad calls exit 2 with the usage; a bad value names its rule', () => {
  const missing = run('music', '--image', image);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--image and --out are required[\s\S]*usage: npm run generate/);
  assert.equal(run('paint', '--image', image).status, 2);
  const short = run('music', '--image', image, '--out', dir, '--seconds', '3');
  assert.equal(short.status, 2);
  assert.match(short.stderr, /5–120/);
  const absent = run('music', '--image', image, '--out', dir, '--bundle', join(dir, 'nothing'));
  assert.equal(absent.status, 1);
  assert.match(absent.stderr, /BUNDLE_INVALID/);
});

test('music --prompt-audio: the recording is transcribed (with progress), written as MIDI and continued', { skip }, async () => {
  const prompt = join(dir, 'melody.wav');
  writeFileSync(prompt, await testMelodyWav(100));
  const result = run('music', '--image', image, '--prompt-audio', prompt, '--seconds', '5', '--seed', '3', '--bundle', BUNDLE, '--threads', '1', '--out', join(dir, 'audio'));
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /transcribing the audio prompt \[#+\] 100%/);
  assert.match(result.stderr, /audio prompt: \d+ notes in 11\.1 s at 100 BPM, basic-pitch on onnxruntime/);
  const record = JSON.parse(readFileSync(join(dir, 'audio', 'shot-3.json'), 'utf8'));
  assert.equal(record.sources.promptMidi, undefined);
  assert.equal(record.sources.promptAudio.engine, 'basic-pitch');
  assert.equal(record.sources.promptAudio.bpm, 100);
  assert.ok(record.sources.promptAudio.notes >= 13, `${record.sources.promptAudio.notes} notes`);
  assert.ok(record.result.promptSeconds > 9, 'the prompt\'s bars come first');
  const transcribed = readMidi(new Uint8Array(readFileSync(join(dir, 'audio', record.sources.promptAudio.transcribedMidi))));
  assert.equal(transcribed.notes.length, record.sources.promptAudio.notes);
  const generated = readMidi(new Uint8Array(readFileSync(join(dir, 'audio', 'shot-3.mid'))));
  assert.equal(Math.round(generated.tempos[0].bpm), 100, 'the continuation keeps the prompt\'s tempo');
});

test('--prompt-audio and --prompt-midi exclude each other; a silent prompt is refused before any model loads', () => {
  const both = run('music', '--image', image, '--out', dir, '--prompt-midi', 'a.mid', '--prompt-audio', 'a.wav');
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--prompt-midi and --prompt-audio .* pass one of them/);
  const silent = join(dir, 'silent.wav');
  writeFileSync(silent, encodeWav(new Float32Array(22050), 22050));
  const refused = run('music', '--image', image, '--out', dir, '--prompt-audio', silent, '--bundle', join(dir, 'no-bundle-here'));
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /error \(BAD_USER_INPUT\): the audio prompt is silent/);
});

test('image: <seed>.png and <seed>.json per variation, the same bytes for the same seed; a guide at strength 0 is kept', { skip: skipImage }, () => {
  const args = ['image', '--audio', track, '--seed', '5', '--count', '2', '--steps', '4', '--sampler', 'ddim', '--guidance', '2', '--bundle', MUSIM_BUNDLE, '--threads', '1'];
  const first = run(...args, '--out', join(dir, 'img-a'));
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /variation 2\/2 \[#+\] 100%  step 4 of 4/);
  for (const seed of [5, 6]) {
    const record = JSON.parse(readFileSync(join(dir, 'img-a', `${seed}.json`), 'utf8'));
    assert.deepEqual([record.engine, record.seed, record.parameters.steps, record.parameters.sampler, record.parameters.guidanceScale], ['musim', seed, 4, 'ddim', 2]);
    assert.equal(record.encoder.name, 'muvis-small');
    assert.equal(record.timing.denoiserCalls, 4);
    assert.deepEqual([...readFileSync(join(dir, 'img-a', `${seed}.png`)).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  }
  const second = run(...args, '--out', join(dir, 'img-b'));
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(readFileSync(join(dir, 'img-b', '6.png')), readFileSync(join(dir, 'img-a', '6.png')));
  assert.notDeepEqual(readFileSync(join(dir, 'img-a', '5.png')), readFileSync(join(dir, 'img-a', '6.png')));
  const kept = run('image', '--audio', track, '--guide', image, '--strength', '0', '--seed', '1', '--count', '2', '--bundle', MUSIM_BUNDLE, '--out', join(dir, 'img-c'));
  assert.equal(kept.status, 0, kept.stderr);
  assert.deepEqual(readFileSync(join(dir, 'img-c', '1.png')), readFileSync(join(dir, 'img-c', '2.png')), 'strength 0: the guide\'s reconstruction whatever the seed');
  const big = run('image', '--audio', track, '--seed', '1', '--steps', '1', '--upscale', '--bundle', MUSIM_BUNDLE, '--out', join(dir, 'img-d'));
  assert.equal(big.status, 0, big.stderr);
  assert.equal(readFileSync(join(dir, 'img-d', '1.png')).readUInt32BE(16), 512, 'the PNG header\'s width');
});

test('image: bad calls exit 2 naming the rule before any model loads; a missing bundle is BUNDLE_INVALID', () => {
  const missing = run('image', '--audio', track);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--audio and --out are required[\s\S]*usage: npm run generate -- image/);
  for (const [flag, value, rule] of [['--steps', '60', /steps must be an integer 1–50/], ['--count', '5', /count must be 1–4/], ['--sampler', 'euler', /sampler must be one of dpmpp-2m, ddim/],
    ['--guidance', '30', /guidanceScale must lie in 0–20/], ['--seed', '-1', /seed must be an integer/]] as const) {
    const bad = run('image', '--audio', track, '--out', dir, flag, value, '--bundle', join(dir, 'nothing'));
    assert.equal(bad.status, 2, `${flag} ${value}`);
    assert.match(bad.stderr, rule);
  }
  const lonely = run('image', '--audio', track, '--out', dir, '--strength', '0.5');
  assert.equal(lonely.status, 2);
  assert.match(lonely.stderr, /--strength needs --guide/);
  const wrong = run('image', '--audio', track, '--out', dir, '--guide', image, '--strength', '2');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /strength must lie in 0–1/);
  const absent = run('image', '--audio', track, '--out', dir, '--bundle', join(dir, 'nothing'));
  assert.equal(absent.status, 1);
  assert.match(absent.stderr, /error \(BUNDLE_INVALID\): No MusIm bundle/);
});
