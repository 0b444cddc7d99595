import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import * as operations from './operations';

// The API's SDL, emitted by apps/api/scripts/emit-schema.ts. Every operation the web app sends must
// validate against it, so a renamed field or argument fails here instead of in a user's browser.
const schema = buildSchema(readFileSync(new URL('../../api/schema.graphql', import.meta.url), 'utf8'));

function documents(): [string, string][] {
  return Object.entries(operations).filter(
    // a fragment alone is not a document to send: it is checked inside the operations that use it
    ([name, value]) => typeof value === 'string' && !name.endsWith('_FIELDS'),
  ) as [string, string][];
}

test('every web operation validates against apps/api/schema.graphql', () => {
  const list = documents();
  assert.ok(list.length >= 15, `expected the full operation list, got ${list.length}`);
  for (const [name, source] of list) {
    const errors = validate(schema, parse(source));
    assert.deepEqual(errors.map((e) => e.message), [], `${name} does not match the API schema`);
  }
});

test('a renamed field is caught by the same check', () => {
  const errors = validate(schema, parse('query { searchMusicByPicture { score } }'));
  assert.match(errors[0]?.message ?? '', /Cannot query field "searchMusicByPicture"/);
});
