import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { GENERATE_IMAGE } from './operations';
import { buildImageRequest, DEFAULT_IMAGE_FORM, guideFrom, imageGenerationHint, refusedImageField } from './imageRequest';
import type { SourceAsset } from './musicRequest';

const schema = buildSchema(readFileSync(new URL('../../api/schema.graphql', import.meta.url), 'utf8'));
const track: SourceAsset = { id: '7b0f1a52-0000-4000-8000-000000000002', kind: 'AUDIO', title: 'Harbour song', url: 'http://api/media/2', durationSeconds: 8 };
const picture: SourceAsset = { id: '7b0f1a52-0000-4000-8000-000000000001', kind: 'IMAGE', title: 'Picture for Harbour song', url: 'http://api/media/1' };

/** The variables must coerce to the mutation's declared types in the API's schema, as the server coerces them. */
function assertAccepted(variables: Record<string, unknown>) {
  const document = parse(GENERATE_IMAGE);
  assert.deepEqual(validate(schema, document).map((e) => e.message), []);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  assert.deepEqual('errors' in coerced ? coerced.errors?.map((e) => e.message) : [], []);
}

test('the defaults with a dropped clip: the file travels beside the variables, no strength without a guide', () => {
  const file = new Blob([new Uint8Array([0x52, 0x49])], { type: 'audio/wav' });
  const request = buildImageRequest({ ...DEFAULT_IMAGE_FORM, audio: { kind: 'file', file, name: 'clip.wav' } });
  assert.ok(request.ok);
  assert.deepEqual(request.variables, { input: { audio: null, steps: 20, guidanceScale: 3, count: 1 } });
  assert.deepEqual(request.uploads, [{ path: 'variables.input.audio', file, name: 'clip.wav' }]);
  assertAccepted(request.variables);
});

test('every control set: assets by id, numbers as numbers, the guide with its strength', () => {
  const request = buildImageRequest({
    ...DEFAULT_IMAGE_FORM,
    audio: { kind: 'asset', asset: track },
    guide: { kind: 'asset', asset: picture },
    strength: '0.35',
    steps: '8',
    sampler: 'ddim',
    guidanceScale: '4.5',
    seed: '7',
    count: '3',
    upscale: true,
    libraryId: 'lib-1',
    title: '  Cover art ',
  });
  assert.ok(request.ok);
  assert.deepEqual(request.variables.input, {
    audioAssetId: track.id, guideAssetId: picture.id, strength: 0.35, steps: 8, sampler: 'ddim', guidanceScale: 4.5, seed: 7, count: 3,
    upscale: true, libraryId: 'lib-1', title: 'Cover art',
  });
  assert.deepEqual(request.uploads, []);
  assertAccepted(request.variables);
});

test('an uploaded guide travels as a second file', () => {
  const clip = new Blob([new Uint8Array([1])]);
  const guide = new Blob([new Uint8Array([2])]);
  const request = buildImageRequest({ ...DEFAULT_IMAGE_FORM, audio: { kind: 'file', file: clip, name: 'a.wav' }, guide: { kind: 'file', file: guide, name: 'g.png' } });
  assert.ok(request.ok);
  assert.equal(request.variables.input.guide, null);
  assert.equal(request.variables.input.strength, 0.6);
  assert.deepEqual(request.uploads.map((u) => u.path), ['variables.input.audio', 'variables.input.guide']);
  assertAccepted(request.variables);
});

test('what to fix is said per field, before anything is sent', () => {
  const request = buildImageRequest({ ...DEFAULT_IMAGE_FORM, guide: { kind: 'asset', asset: track }, steps: '60', guidanceScale: 'x', seed: '1.5', count: '5', strength: '2' });
  assert.ok(!request.ok);
  assert.deepEqual(request.problems.map((p) => p.field).sort(), ['audio', 'count', 'guidanceScale', 'guide', 'seed', 'steps', 'strength']);
  assert.match(request.problems.find((p) => p.field === 'steps')!.message, /^Steps must be from 1 to 50\.$/);
  assert.match(request.problems.find((p) => p.field === 'seed')!.message, /whole number/);
});

test('empty settings are left to the engine', () => {
  const request = buildImageRequest({ ...DEFAULT_IMAGE_FORM, audio: { kind: 'asset', asset: track }, steps: '', guidanceScale: ' ', count: '' });
  assert.ok(request.ok);
  assert.deepEqual(request.variables.input, { audioAssetId: track.id });
});

test('"use as guide" puts the picture into the guide slot and keeps the rest', () => {
  const form = { ...DEFAULT_IMAGE_FORM, audio: { kind: 'asset' as const, asset: track }, seed: '9' };
  const next = guideFrom(picture, form);
  assert.deepEqual(next.guide, { kind: 'asset', asset: picture });
  assert.equal(next.seed, '9');
  assert.equal(next.audio, form.audio);
});

test('an API refusal is put on the field it names', () => {
  assert.equal(refusedImageField('steps must be an integer 1–50, got 60'), 'steps');
  assert.equal(refusedImageField('guideAssetId: asset 42 does not exist'), 'guide');
  assert.equal(refusedImageField('audioAssetId must name an AUDIO asset; 42 is IMAGE'), 'audio');
  assert.equal(refusedImageField('guide strength must lie in 0–1, got 2'), 'strength');
  assert.equal(refusedImageField('library 42 does not exist'), 'libraryId');
  assert.equal(refusedImageField('count (variations) must be 1–2 on this server, got 3'), 'count');
  assert.equal(refusedImageField('give exactly one of audio (an upload) or audioAssetId'), null);
  assert.match(imageGenerationHint('SERVICE_UNAVAILABLE') ?? '', /MusIm/);
  assert.equal(imageGenerationHint('NOPE'), null);
});
