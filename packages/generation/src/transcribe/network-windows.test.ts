import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASIC_PITCH_SAMPLE_RATE, FFT_HOP, WINDOW_HOP_SAMPLES, WINDOW_SAMPLES } from './basic-pitch.constants.js';
import { frameSeconds, KEPT_FRAMES_PER_WINDOW, outputFrameCount, windowCount, windowSamples } from './network-windows.js';

test('windows cover every output frame of a clip, the first after half an overlap of silence', () => {
  for (const seconds of [0.01, 1, 2, 10, 30]) {
    const samples = Math.round(seconds * BASIC_PITCH_SAMPLE_RATE);
    assert.ok(windowCount(samples) * KEPT_FRAMES_PER_WINDOW >= outputFrameCount(samples));
    assert.ok((windowCount(samples) - 1) * KEPT_FRAMES_PER_WINDOW < Math.max(1, outputFrameCount(samples)));
  }
  const clip = Float32Array.from({ length: 3 * BASIC_PITCH_SAMPLE_RATE }, (_, i) => i + 1);
  const first = windowSamples(clip, 0);
  assert.equal(first.length, WINDOW_SAMPLES);
  assert.equal(first[3839], 0);
  assert.equal(first[3840], 1);
  const second = windowSamples(clip, 1);
  assert.equal(second[0], WINDOW_HOP_SAMPLES - 3840 + 1);
  assert.equal(second[WINDOW_SAMPLES - 1], 0, 'zero past the end of the clip');
});

test('a frame\'s time: FFT_HOP apart within a window, the window hop at its first kept frame', () => {
  assert.equal(frameSeconds(0), 0);
  assert.equal(frameSeconds(1), FFT_HOP / BASIC_PITCH_SAMPLE_RATE);
  assert.equal(frameSeconds(KEPT_FRAMES_PER_WINDOW), WINDOW_HOP_SAMPLES / BASIC_PITCH_SAMPLE_RATE);
  assert.equal(frameSeconds(3 * KEPT_FRAMES_PER_WINDOW + 5), (3 * WINDOW_HOP_SAMPLES + 5 * FFT_HOP) / BASIC_PITCH_SAMPLE_RATE);
  // A window hop is 141.27 frames, not the 142 a window contributes: by 30 s, frame × hop runs 0.15 s late.
  const frames = outputFrameCount(30 * BASIC_PITCH_SAMPLE_RATE);
  for (let f = 1; f < frames; f++) assert.ok(frameSeconds(f) > frameSeconds(f - 1));
  const windows = Math.floor((frames - 1) / KEPT_FRAMES_PER_WINDOW);
  const late = ((frames - 1) * FFT_HOP) / BASIC_PITCH_SAMPLE_RATE - frameSeconds(frames - 1);
  assert.ok(Math.abs(late - (windows * (KEPT_FRAMES_PER_WINDOW * FFT_HOP - WINDOW_HOP_SAMPLES)) / BASIC_PITCH_SAMPLE_RATE) < 1e-9);
  assert.ok(late > 0.14 && late < 0.16, `${late}`);
});
