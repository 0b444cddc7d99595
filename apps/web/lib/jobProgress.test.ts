import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isActive, parseGenerationStep, progressText } from './jobProgress';

test('the bar and the variation are read out of the API message', () => {
  assert.deepEqual(parseGenerationStep('bar 3 of 12, variation 1 of 2'), { bar: 3, bars: 12, variation: 1, variations: 2 });
  assert.deepEqual(parseGenerationStep('Bar 7 of 9'), { bar: 7, bars: 9, variation: null, variations: null });
  assert.deepEqual(parseGenerationStep('rendering variation 2 of 4'), { bar: null, bars: null, variation: 2, variations: 4 });
  assert.equal(parseGenerationStep('embedding the image'), null);
  assert.equal(parseGenerationStep(null), null);
});

test('while sampling: "bar N of M, variation i of n" and the percentage', () => {
  assert.equal(progressText({ status: 'RUNNING', progress: 0.25, message: 'bar 3 of 12, variation 1 of 2' }, 2), 'Bar 3 of 12, variation 1 of 2 · 25%');
  // a message without the variation: the form's count fills it in
  assert.equal(progressText({ status: 'RUNNING', progress: 0.5, message: 'bar 6 of 12' }, 3), 'Bar 6 of 12, variation 1 of 3 · 50%');
  assert.equal(progressText({ status: 'RUNNING', progress: 0.5, message: 'bar 6 of 12' }), 'Bar 6 of 12, variation 1 of 1 · 50%');
});

test('other steps keep the API words; no message is plain work; final states say how it ended', () => {
  assert.equal(progressText({ status: 'RUNNING', progress: 0.9, message: 'rendering variation 2 of 2' }, 2), 'Rendering variation 2 of 2 · 90%');
  assert.equal(progressText({ status: 'RUNNING', progress: 0.031, message: null }), 'Working… · 3%');
  assert.equal(progressText({ status: 'QUEUED', progress: 0 }), 'Waiting in the queue…');
  assert.equal(progressText({ status: 'SUCCEEDED', progress: 1 }, 1), 'Done');
  assert.equal(progressText({ status: 'SUCCEEDED', progress: 1 }, 4), 'Done: 4 variations');
  assert.equal(progressText({ status: 'FAILED', progress: 0.4, error: 'the decoder failed' }), 'Failed: the decoder failed');
  assert.equal(progressText({ status: 'CANCELLED', progress: 0.4 }), 'Cancelled');
  assert.deepEqual(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map((s) => isActive(s as never)), [true, true, false, false, false]);
});
