import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, graphqlSync, parse, validate } from 'graphql';
import { CAPABILITIES, INPUT_TYPE } from './operations';
import { buildGenerateRequest, isUpload, resultAssetIds, type FormField } from './generation';
import { namedType, type ArgSpec, type MutationSpec } from './capabilities';

// The API has no music → image generator yet (MusIm); this is a shape one could take. The page must build a
// valid request for it from introspection alone.
const GENERATOR_SDL = `
  enum Palette { WARM COOL }
  input MusimOptions { steps: Int = 20, guidanceScale: Float, seed: Int, palette: Palette, styles: [String!] }
  extend type Mutation { generateImage(audio: Upload!, options: MusimOptions, samples: Int! = 1): Job! }
`;
const schema = buildSchema(readFileSync(new URL('../../api/schema.graphql', import.meta.url), 'utf8') + GENERATOR_SDL);

function introspect(): { spec: MutationSpec; fields: FormField[] } {
  const result = graphqlSync({ schema, source: CAPABILITIES });
  assert.equal(result.errors, undefined);
  const mutations = (result.data as { __schema: { mutationType: { fields: { name: string; args: ArgSpec[]; type: never }[] } } }).__schema.mutationType.fields;
  const field = mutations.find((f) => f.name === 'generateImage')!;
  const spec: MutationSpec = { args: field.args, returns: namedType(field.type).name };
  const fields: FormField[] = [];
  for (const arg of spec.args.filter((a) => !isUpload(a))) {
    const named = namedType(arg.type);
    if (named.kind === 'INPUT_OBJECT') {
      const described = graphqlSync({ schema, source: INPUT_TYPE, variableValues: { name: named.name } });
      const inputFields = (described.data as { __type: { inputFields: ArgSpec[] } }).__type.inputFields;
      for (const f of inputFields) fields.push({ path: `${arg.name}.${f.name}`, spec: f });
    } else fields.push({ path: arg.name, spec: arg });
  }
  return { spec, fields };
}

test('a generator mutation is built from the schema, sending only what was filled in', () => {
  const { spec, fields } = introspect();
  assert.equal(spec.returns, 'Job');
  const request = buildGenerateRequest(
    'generateImage',
    spec,
    fields,
    { 'options.guidanceScale': '2.5', 'options.seed': '7', 'options.palette': 'WARM', 'options.styles': 'calm, oil', 'options.steps': '' },
    true,
  );
  assert.ok(request.ok);
  assert.deepEqual(validate(schema, parse(request.query)).map((e) => e.message), []);
  assert.deepEqual(request.variables, { audio: null, options: { guidanceScale: 2.5, seed: 7, palette: 'WARM', styles: ['calm', 'oil'] } });
  assert.equal(request.uploadPath, 'variables.audio');
  assert.doesNotMatch(request.query, /samples/); // left to its server default
});

test('a required source that is missing is reported instead of sent', () => {
  const { spec, fields } = introspect();
  const request = buildGenerateRequest('generateImage', spec, fields, {}, false);
  assert.deepEqual(request, { ok: false, missing: ['Audio'] });
});

test('result asset ids are found in the usual job result shapes', () => {
  assert.deepEqual(resultAssetIds({ assetId: 'a', midiAssetId: 'm' }), { main: ['a'], midi: 'm' });
  assert.deepEqual(resultAssetIds({ assetIds: ['a', 'b', 'a'] }), { main: ['a', 'b'], midi: null });
  assert.deepEqual(resultAssetIds({ asset: { id: 'c' } }), { main: ['c'], midi: null });
  assert.deepEqual(resultAssetIds(null), { main: [], midi: null });
});
