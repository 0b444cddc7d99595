import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate, type GraphQLError } from 'graphql';
import * as operations from './operations';

// The API's SDL, emitted by apps/api/scripts/emit-schema.ts. Every operation the web app sends must
// validate against it, so a renamed field or argument fails here instead of in a user's browser.
const schema = buildSchema(readFileSync(new URL('../../api/schema.graphql', import.meta.url), 'utf8'));

// Fields the web app probes for and degrades without (the page says the feature is not available).
const OPTIONAL_FIELDS = ['embeddingMap'];

function documents(): [string, string][] {
  return Object.entries(operations).filter(
    ([name, value]) => typeof value === 'string' && name !== 'ASSET_FIELDS',
  ) as [string, string][];
}

function onlyMissingOptional(errors: readonly GraphQLError[]): boolean {
  return errors.every((e) => OPTIONAL_FIELDS.some((field) => e.message.includes(`Cannot query field "${field}"`)));
}

test('every web operation validates against apps/api/schema.graphql', () => {
  const list = documents();
  assert.ok(list.length >= 15, `expected the full operation list, got ${list.length}`);
  for (const [name, source] of list) {
    const errors = validate(schema, parse(source));
    if (errors.length && onlyMissingOptional(errors)) continue;
    assert.deepEqual(errors.map((e) => e.message), [], `${name} does not match the API schema`);
  }
});

test('a renamed field is caught by the same check', () => {
  const errors = validate(schema, parse('query { searchMusicByPicture { score } }'));
  assert.ok(errors.length > 0);
  assert.equal(onlyMissingOptional(errors), false);
});
