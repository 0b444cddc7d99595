// End to end on a real decoder.onnx: the untrained bundle training/imagic/export.py leaves at
// data/imagic/bundles/imagic-untrained (or IMAGIC_TEST_BUNDLE, which the training smoke test points at the bundle it
// has just trained and exported). Nothing generated is checked in: without a bundle these tests skip, saying so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '@muse/immute';
import { readMidi } from '../midi/read-midi.js';
import { renderMidi } from '../render/render-midi.js';
import { gradientPng } from '../testing/png.js';
import { loadImagicBundle, type ImagicBundle } from './bundle.js';
import { embedCondition, loadPinnedEncoder } from './condition.js';
import { DecodeSession } from './decode-session.js';
import { pinnedEncoderDir } from './encoder-pin.js';
import { generateImagic } from './generate.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false
  : `no Imagic bundle at ${BUNDLE}: run \`python3 training/imagic/export.py --untrained --config tiny --seed 0 --out ${BUNDLE}\` (or set IMAGIC_TEST_BUNDLE)`;

let bundle: ImagicBundle;
let condition: Float32Array;
before(async () => {
  if (skip) return;
  bundle = await loadImagicBundle(BUNDLE, { intraOpThreads: 1 });
  const encoder = await loadPinnedEncoder(bundle.manifest.encoder, pinnedEncoderDir(bundle.manifest.encoder, join(ROOT, 'models')));
  condition = await embedCondition(encoder, { image: gradientPng() });
  await encoder.close();
});
after(async () => { await bundle?.close(); });

test('2 s twice with one seed: byte-identical MIDI, a WAV that decodes', { skip }, async () => {
  const request = { condition, seconds: 2, seed: 7, guidanceScale: 3 };
  const [a] = await generateImagic(bundle.decoder, request);
  const [b] = await generateImagic(bundle.decoder, request);
  assert.deepEqual(Buffer.from(a.midi), Buffer.from(b.midi));
  assert.ok(a.seconds >= 2);
  const song = readMidi(a.midi);
  assert.ok(song.endTick > 0);
  const audio = await renderMidi(a.midi);
  const wav = decodeWav(audio.wav);
  assert.equal(wav.sampleRate, 44100);
  assert.ok(wav.samples.length >= 2 * 44100);
});

test('the cache holds what a whole-prompt run would: one token at a time gives the same logits', { skip }, async () => {
  const tokens = [1, 3, 100, 210, 220, 230, 250, 262, 271, 300, 301, 400];
  for (const scale of [1, 3]) {
    const whole = new DecodeSession(bundle.decoder, condition, scale);
    const expected = Float32Array.from(await whole.feed(tokens));
    const stepwise = new DecodeSession(bundle.decoder, condition, scale);
    await stepwise.feed(tokens.slice(0, 5));
    let last: Float32Array = new Float32Array(0);
    for (const t of tokens.slice(5)) last = await stepwise.feed([t]);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - last[i]));
    assert.ok(worst < 1e-4, `guidance ${scale}: largest difference ${worst}`);
  }
});

test('loop mode and a window past the context on the real decoder', { skip }, async () => {
  const [loop] = await generateImagic(bundle.decoder, { condition, seconds: 5, seed: 3, loop: true, guidanceScale: 1 });
  assert.ok(loop.loop && loop.bars % 2 === 0);
  const maxContext = bundle.manifest.decoder.maxContext;
  const [long] = await generateImagic(bundle.decoder, { condition, seconds: 40, seed: 3, guidanceScale: 1, controls: { density: 9, instruments: [0, 24, 48] } });
  if (long.tokens.length > maxContext) assert.ok(long.stats.windows > 0);
  readMidi(long.midi);
});
