import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, describeCode } from './errors';
import { multipartBody, readBody } from './graphql';

// The codes the API documents (docs/architecture.md and apps/api's ErrorCode) and Apollo's own.
const API_CODES = [
  'BAD_USER_INPUT', 'UNSUPPORTED_MEDIA', 'PAYLOAD_TOO_LARGE', 'UNAUTHENTICATED', 'FORBIDDEN',
  'NOT_FOUND', 'CONFLICT', 'NOT_READY', 'INTERNAL_SERVER_ERROR', 'QUERY_TOO_COMPLEX', 'GRAPHQL_VALIDATION_FAILED',
];

test('every API error code has its own words', () => {
  const fallback = describeCode('SOMETHING_NEW');
  const seen = new Set<string>();
  for (const code of API_CODES) {
    const words = describeCode(code);
    assert.notEqual(words, fallback, `${code} falls back to the generic message`);
    assert.ok(!seen.has(words), `${code} shares its words with another code`);
    seen.add(words);
  }
});

test('a GraphQL error becomes an ApiError with the code and the API message', () => {
  const body = JSON.stringify({ errors: [{ message: 'leading bytes 74 68', extensions: { code: 'UNSUPPORTED_MEDIA' } }], data: null });
  assert.throws(
    () => readBody(200, body),
    (e: unknown) => e instanceof ApiError && e.code === 'UNSUPPORTED_MEDIA' && e.detail === 'leading bytes 74 68' && /not supported/.test(e.message),
  );
});

test('a non-JSON answer is classified by its HTTP status', () => {
  assert.throws(() => readBody(413, '<html>Request Entity Too Large</html>'), (e: unknown) => e instanceof ApiError && e.code === 'PAYLOAD_TOO_LARGE');
  // a bare 5xx is the web server failing to reach the API, not the API failing
  assert.throws(() => readBody(500, 'Internal Server Error'), (e: unknown) => e instanceof ApiError && e.code === 'NETWORK' && /Cannot reach/.test(e.message));
  assert.throws(
    () => readBody(500, '{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}'),
    (e: unknown) => e instanceof ApiError && e.code === 'INTERNAL_SERVER_ERROR',
  );
});

test('data comes back when there are no errors', () => {
  assert.deepEqual(readBody<{ stats: { images: number } }>(200, '{"data":{"stats":{"images":3}}}'), { stats: { images: 3 } });
});

test('uploads follow the GraphQL multipart request spec', async () => {
  const form = multipartBody('query($image: Upload!) { x }', { image: null, first: 3 }, [
    { path: 'variables.image', file: new Blob([new Uint8Array([1, 2, 3])]), name: 'a.png' },
  ]);
  const keys = [...form.keys()];
  assert.deepEqual(keys, ['operations', 'map', '0']);
  assert.deepEqual(JSON.parse(String(form.get('operations'))), { query: 'query($image: Upload!) { x }', variables: { image: null, first: 3 } });
  assert.deepEqual(JSON.parse(String(form.get('map'))), { 0: ['variables.image'] });
  const file = form.get('0') as File;
  assert.equal(file.name, 'a.png');
  assert.deepEqual([...new Uint8Array(await file.arrayBuffer())], [1, 2, 3]);
});
