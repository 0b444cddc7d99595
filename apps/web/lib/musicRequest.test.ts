import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { GENERATE_MUSIC } from './operations';
import {
  addInstrument,
  buildMusicRequest,
  continueFrom,
  DEFAULT_FORM,
  formFromGeneration,
  generationHint,
  refusedField,
  type MusicForm,
  type SourceAsset,
} from './musicRequest';

const schema = buildSchema(readFileSync(new URL('../../api/schema.graphql', import.meta.url), 'utf8'));
const picture: SourceAsset = { id: '7b0f1a52-0000-4000-8000-000000000001', kind: 'IMAGE', title: 'Harbour', url: 'http://api/media/1' };
const track: SourceAsset = { id: '7b0f1a52-0000-4000-8000-000000000002', kind: 'AUDIO', title: 'Music for Harbour', url: 'http://api/media/2', durationSeconds: 11.5 };

/** The variables must coerce to the mutation's declared types in the API's schema, as the server coerces them. */
function assertAccepted(variables: Record<string, unknown>) {
  const document = parse(GENERATE_MUSIC);
  assert.deepEqual(validate(schema, document).map((e) => e.message), []);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  assert.deepEqual('errors' in coerced ? coerced.errors?.map((e) => e.message) : [], []);
}

test('the defaults with a dropped image: the file travels beside the variables, the rest is the engine defaults', () => {
  const file = new Blob([new Uint8Array([0x89, 0x50])], { type: 'image/png' });
  const request = buildMusicRequest({ ...DEFAULT_FORM, image: { kind: 'file', file, name: 'shot.png' } });
  assert.ok(request.ok);
  assert.deepEqual(request.variables, { input: { image: null, seconds: 10, temperature: 1, topP: 0.95, guidanceScale: 3, count: 1 } });
  assert.deepEqual(request.uploads, [{ path: 'variables.input.image', file, name: 'shot.png' }]);
  assertAccepted(request.variables);
});

test('every control set: assets by id, numbers as numbers, controls as the API names them', () => {
  const form: MusicForm = {
    ...DEFAULT_FORM,
    image: { kind: 'asset', asset: picture },
    guide: { kind: 'asset', asset: track },
    guideWeight: '0.3',
    seconds: '30',
    tempo: '96',
    key: 'Eb',
    mode: 'minor',
    meter: '3/4',
    style: 'waltz',
    instruments: ['0', '48', 'drums:jazz'],
    density: '4',
    loop: true,
    temperature: '0.9',
    topP: '0.9',
    guidanceScale: '4.5',
    seed: '1234',
    count: '3',
    libraryId: 'lib-1',
    title: '  Harbour at night  ',
  };
  const request = buildMusicRequest(form);
  assert.ok(request.ok);
  assert.deepEqual(request.variables.input, {
    imageAssetId: picture.id, guideAssetId: track.id, guideWeight: 0.3, seconds: 30, tempo: 96, key: 'Eb', mode: 'minor', meter: '3/4',
    style: 'waltz', instruments: ['0', '48', 'drums:jazz'], density: 4, loop: true, temperature: 0.9, topP: 0.9, guidanceScale: 4.5,
    seed: 1234, count: 3, libraryId: 'lib-1', title: 'Harbour at night',
  });
  assert.deepEqual(request.uploads, []);
  assertAccepted(request.variables);
});

test('a prompt sets its own tempo and meter, so those are not sent with one; a MIDI prompt is an upload', () => {
  const midi = new Blob([new Uint8Array([0x4d, 0x54, 0x68, 0x64])]);
  const request = buildMusicRequest({ ...DEFAULT_FORM, image: { kind: 'asset', asset: picture }, prompt: { kind: 'file', file: midi, name: 'riff.mid' }, tempo: '200', meter: '6/8', key: 'D' });
  assert.ok(request.ok);
  assert.equal(request.variables.input.tempo, undefined);
  assert.equal(request.variables.input.meter, undefined);
  assert.equal(request.variables.input.key, 'D');
  assert.equal(request.variables.input.prompt, null);
  assert.deepEqual(request.uploads.map((u) => [u.path, u.name]), [['variables.input.prompt', 'riff.mid']]);
  assertAccepted(request.variables);
  // the guide weight only goes with a guide
  assert.equal(request.variables.input.guideWeight, undefined);
});

test('what is out of bounds is named, field by field, and nothing is sent', () => {
  const request = buildMusicRequest({
    ...DEFAULT_FORM,
    seconds: '200', tempo: '96.5', temperature: 'hot', topP: '0', count: '5', seed: '-1', density: '10',
    guide: { kind: 'asset', asset: track }, guideWeight: '2',
    instruments: ['drums', 'drums:jazz', ...Array.from({ length: 16 }, (_, i) => String(i))],
    title: 'x'.repeat(201),
  });
  assert.equal(request.ok, false);
  const problems = request.ok ? [] : request.problems;
  const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
  assert.deepEqual(Object.keys(byField).sort(), ['count', 'density', 'guideWeight', 'image', 'instruments', 'seconds', 'seed', 'temperature', 'tempo', 'title', 'topP']);
  assert.equal(byField.seconds, 'Length must be from 5 to 120.');
  assert.equal(byField.tempo, 'Tempo must be a whole number.');
  assert.equal(byField.temperature, 'Temperature must be a number.');
  assert.equal(byField.topP, 'Top-p must be above 0 and at most 1.');
  assert.match(byField.image, /Choose an image/);
  assert.equal(problems.filter((p) => p.field === 'instruments').length, 2);
  // an empty length is a problem too: the form always says how long
  const empty = buildMusicRequest({ ...DEFAULT_FORM, image: { kind: 'asset', asset: picture }, seconds: ' ' });
  assert.deepEqual(empty.ok ? [] : empty.problems.map((p) => p.field), ['seconds']);
  // a track in the image slot, an image in the prompt slot
  const swapped = buildMusicRequest({ ...DEFAULT_FORM, image: { kind: 'asset', asset: track }, prompt: { kind: 'asset', asset: picture } });
  assert.deepEqual(swapped.ok ? [] : swapped.problems.map((p) => p.field), ['image', 'prompt']);
});

test('instruments: numbers 0–127 and one kit, which replaces the last', () => {
  let set = addInstrument([], '33');
  set = addInstrument(set, ' 033 ');
  set = addInstrument(set, 'drums');
  set = addInstrument(set, 'drums:tr808');
  set = addInstrument(set, '128');
  set = addInstrument(set, 'drums:cowbell');
  set = addInstrument(set, 'flute');
  assert.deepEqual(set, ['33', 'drums:tr808']);
});

test('"same seed again" puts back the piece\'s own seed, its parameters and its stored sources', () => {
  const current: MusicForm = { ...DEFAULT_FORM, libraryId: 'mine', title: 'kept', seed: '', count: '4' };
  const { form, notes } = formFromGeneration(
    {
      seed: 1236,
      parameters: {
        seconds: 20, count: 3, variation: 2, baseSeed: 1234, temperature: 0.8, topP: 0.9, guidanceScale: 5, loop: true,
        controls: { tempo: 90, key: 'D', mode: 'minor', instruments: [0, 'drums'] }, guideWeight: 0.25, prompt: { kind: 'midi-upload', sha256: 'ab' },
        output: { seconds: 20.5 },
      },
      sources: [{ role: 'IMAGE', asset: picture }, { role: 'PROMPT', asset: null }, { role: 'GUIDE', asset: track }],
    },
    current,
  );
  assert.deepEqual(form, {
    ...DEFAULT_FORM,
    image: { kind: 'asset', asset: picture }, prompt: null, guide: { kind: 'asset', asset: track }, guideWeight: '0.25',
    seed: '1236', count: '1', seconds: '20', temperature: '0.8', topP: '0.9', guidanceScale: '5', loop: true,
    tempo: '90', key: 'D', mode: 'minor', meter: '', style: '', density: '', instruments: ['0', 'drums'],
    libraryId: 'mine', title: 'kept',
  });
  assert.equal(notes.length, 1);
  assert.match(notes[0], /uploaded MIDI file/);
  const again = buildMusicRequest(form);
  assert.ok(again.ok);
  assertAccepted(again.variables);
});

test('"continue this" puts the piece in the prompt slot and keeps the rest', () => {
  const current: MusicForm = { ...DEFAULT_FORM, image: { kind: 'asset', asset: picture }, seconds: '15', style: 'jazz' };
  const next = continueFrom(track, current);
  assert.deepEqual(next, { ...current, prompt: { kind: 'asset', asset: track } });
  const request = buildMusicRequest(next);
  assert.ok(request.ok);
  assert.equal(request.variables.input.promptAssetId, track.id);
});

test('the API codes a generation meets each say what to do here', () => {
  for (const code of ['BAD_USER_INPUT', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA', 'NOT_FOUND', 'CONFLICT']) {
    assert.ok(generationHint(code), `${code} has no hint`);
  }
  assert.match(generationHint('TOO_MANY_REQUESTS')!, /Wait for one to finish/);
  assert.equal(generationHint('SOMETHING_NEW'), null);
});

test('an API refusal is pinned to the field its message names', () => {
  assert.equal(refusedField('seconds must lie in 5–30 on this server, got 60'), 'seconds');
  assert.equal(refusedField('count (variations) must be 1–2 on this server, got 4'), 'count');
  assert.equal(refusedField('imageAssetId: asset 7b0f does not exist'), 'image');
  assert.equal(refusedField('guideWeight must lie in 0–1, got 2'), 'guideWeight');
  assert.equal(refusedField('topP must lie in (0, 1], got 0'), 'topP');
  assert.equal(refusedField('library 12 does not exist'), 'libraryId');
  assert.equal(refusedField('an audio prompt sets the tempo: leave tempo unset'), null);
  assert.equal(refusedField('give exactly one of image (an upload) or imageAssetId'), null);
});
