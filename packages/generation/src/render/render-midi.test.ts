import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWav } from '@muse/immute';
import { writeMidiFile } from '../midi/write-midi.js';
import { songOf } from '../testing/songs.js';
import { gatedLoudness } from './loudness.js';
import { RENDER_SAMPLE_RATE, renderMidi } from './render-midi.js';

// two bars at 120 BPM: 4 s; a chord that holds to the end
const song = songOf([
  { beat: 0, beats: 8, pitch: 48, program: 0 },
  { beat: 0, beats: 8, pitch: 55, program: 0 },
  { beat: 1, beats: 1, pitch: 36, drums: true },
  { beat: 4, beats: 4, pitch: 64, program: 48 },
], { endTick: 8 * 480 });
const midi = writeMidiFile(song);

test('a piece renders at 44.1 kHz through the SoundFont, with a 1.5 s release, loudness-normalised', async () => {
  const audio = await renderMidi(midi);
  const wav = decodeWav(audio.wav);
  assert.equal(wav.sampleRate, RENDER_SAMPLE_RATE);
  assert.equal(wav.channels, 1);
  assert.equal(wav.samples.length, Math.round(5.5 * RENDER_SAMPLE_RATE));
  assert.ok(Math.abs(audio.loudness.loudnessDb - -16) < 0.01 || Math.abs(audio.loudness.peakDb - -1) < 0.01, JSON.stringify(audio.loudness));
  assert.ok(gatedLoudness(audio.samples, RENDER_SAMPLE_RATE) > -30, 'not silent');
  assert.ok(Math.abs(audio.samples[audio.samples.length - 1]) < 1e-3, 'faded out');
});

test('a loop is exactly its length, the release folded onto its start', async () => {
  const loop = await renderMidi(midi, { loop: true });
  assert.equal(loop.samples.length, 4 * RENDER_SAMPLE_RATE);
  const plain = await renderMidi(midi, { loop: true, tailSeconds: 0 });
  // the fold adds the release of the held chord to the first samples
  let differs = 0;
  for (let i = 0; i < RENDER_SAMPLE_RATE / 2; i++) if (Math.abs(loop.samples[i] - plain.samples[i] * 10 ** ((loop.loudness.gainDb - plain.loudness.gainDb) / 20)) > 1e-3) differs++;
  assert.ok(differs > 1000, `${differs} samples carry the folded tail`);
});
