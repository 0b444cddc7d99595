// Bad requests at the HTTP level (body, content type, variables, operation, multipart envelope,
// URL) are 4xx JSON errors with a stable code, never a 500 or Express's HTML page; stack traces
// reach clients only with NODE_ENV=development. Also: the API port serves a favicon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, gqlUpload, removeDir, serveTestApi, startTestApi, tempDir, tune } from './harness.js';

const HUM = 'query($a: Upload!) { searchMusicByAudio(audio: $a, first: 3) { score } }';
const JSON_TYPE = { 'content-type': 'application/json' };
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

const server = serveTestApi();

interface Answer {
  status: number;
  contentType: string;
  body: any;
  text: string;
}

async function send(path: string, init: RequestInit = {}, url = server.url): Promise<Answer> {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, text };
}

const postJson = (body: string) => send('/graphql', { method: 'POST', headers: JSON_TYPE, body });
const operation = (query: string, variables: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  postJson(JSON.stringify({ query, variables, ...extra }));

/** Multipart fields in the given order (the spec wants operations, map, then files). */
function multipart(fields: [string, string | Blob][]): RequestInit {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  return { method: 'POST', headers: PREFLIGHT, body: form };
}

function assertClientError(a: Answer, status: number, code: string, label: string) {
  assert.equal(a.status, status, `${label}: ${a.text}`);
  assert.match(a.contentType, /application\/json/, label);
  assert.equal(codeOf(a.body), code, `${label}: ${a.text}`);
  assert.ok(!a.text.includes('stacktrace') && !/\n\s+at /.test(a.text), `${label} leaks a stack trace: ${a.text}`);
}

test('a JSON request whose Upload variable is null is BAD_USER_INPUT (HTTP 400), not a 500', async () => {
  assertClientError(await operation(HUM, { a: null }), 400, 'BAD_USER_INPUT', 'null Upload');
  assertClientError(await operation(HUM, { a: 'not a file' }), 400, 'BAD_USER_INPUT', 'string Upload');
});

test('variables of the wrong type or missing are BAD_USER_INPUT (HTTP 400)', async () => {
  const q = 'query($f: Int!) { assets(first: $f) { totalCount } }';
  assertClientError(await operation(q, { f: 'ten' }), 400, 'BAD_USER_INPUT', 'string for Int');
  assertClientError(await operation(q, { f: 1e20 }), 400, 'BAD_USER_INPUT', 'Int out of range');
  assertClientError(await operation(q, {}), 400, 'BAD_USER_INPUT', 'missing variable');
});

test('a body that is not JSON, or too big, is a JSON error, not an HTML page', async () => {
  assertClientError(await postJson('{"query": '), 400, 'BAD_REQUEST', 'truncated JSON');
  assertClientError(await postJson('"just a string"'), 400, 'BAD_REQUEST', 'JSON string body');
  assertClientError(await postJson(JSON.stringify({ query: '{ stats { images } }', variables: { pad: 'x'.repeat(1_100_000) } })), 413, 'PAYLOAD_TOO_LARGE', 'over 1 MB');
  assertClientError(await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<q/>' }), 400, 'BAD_REQUEST', 'XML body');
  assertClientError(await postJson(JSON.stringify({ query: '{ stats { images } }', variables: '{}' })), 400, 'BAD_REQUEST', 'variables as a string');
});

test('operation problems: unknown operation name, several unnamed, a mutation over GET', async () => {
  assertClientError(await operation('query A { stats { images } }', {}, { operationName: 'B' }), 400, 'OPERATION_RESOLUTION_FAILURE', 'unknown name');
  assertClientError(await operation('query A { stats { images } } query B { stats { audio } }'), 400, 'OPERATION_RESOLUTION_FAILURE', 'no name');
  const get = await send(`/graphql?query=${encodeURIComponent('mutation { createLibrary(name: "x") { id } }')}`, { headers: PREFLIGHT });
  assertClientError(get, 405, 'BAD_REQUEST', 'GET mutation');
  assertClientError(await operation('{ stats {'), 400, 'GRAPHQL_PARSE_FAILED', 'syntax error');
  assertClientError(await operation('{ nope }'), 400, 'GRAPHQL_VALIDATION_FAILED', 'unknown field');
});

test('malformed multipart envelopes are refused with a code; a mapped file that never comes is BAD_USER_INPUT', async () => {
  const ops = JSON.stringify({ query: HUM, variables: { a: null } });
  const clip = new Blob([new Uint8Array(tune(1).bytes)], { type: 'audio/wav' });
  assertClientError(await send('/graphql', multipart([['operations', '{'], ['map', '{}']])), 400, 'BAD_USER_INPUT', 'operations not JSON');
  assertClientError(await send('/graphql', multipart([['operations', ops], ['map', '{']])), 400, 'BAD_USER_INPUT', 'map not JSON');
  assertClientError(await send('/graphql', multipart([['operations', ops], ['map', '{"0": "variables.a"}'], ['0', clip]])), 400, 'BAD_USER_INPUT', 'map entry not a list');
  assertClientError(await send('/graphql', multipart([['operations', ops], ['map', '{"0": ["__proto__.a"]}'], ['0', clip]])), 400, 'BAD_USER_INPUT', 'map path outside operations');
  const missing = await send('/graphql', multipart([['operations', ops], ['map', '{"0": ["variables.a"]}']]));
  assert.notEqual(missing.status, 500, missing.text);
  assert.equal(codeOf(missing.body), 'BAD_USER_INPUT', missing.text);
  assert.match(missing.body.errors[0].message, /file missing/i);
});

test('a URL that does not decode and a path nothing serves are JSON 400 / 404', async () => {
  assertClientError(await send('/media/%E0%A4%A'), 400, 'BAD_REQUEST', 'bad percent-encoding');
  assertClientError(await send('/no/such/page'), 404, 'NOT_FOUND', 'unknown path');
});

test('media errors are JSON with a code: /media/%ff, an unknown id, a Range past the end, a Range with no satisfiable part', async () => {
  assertClientError(await send('/media/%ff'), 400, 'BAD_REQUEST', '/media/%ff');
  assertClientError(await send('/media/%ff/midi'), 400, 'BAD_REQUEST', '/media/%ff/midi');
  assertClientError(await send('/media/not-an-id'), 404, 'NOT_FOUND', 'not an id');
  assertClientError(await send('/media/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND', 'unknown asset');
  assertClientError(await send('/media/00000000-0000-4000-8000-000000000000/midi'), 404, 'NOT_FOUND', 'unknown MIDI');

  const key = await server.key(['write']);
  const clip = tune(7);
  const made = await gqlUpload(server.url, 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', { f: null }, { 'variables.f': clip }, { key });
  assert.equal(made.errors, undefined, JSON.stringify(made.errors));
  const path = `/media/${made.data.ingestAsset.id}`;
  const size = clip.bytes.length;
  for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=999999999-']) {
    const a = await send(path, { headers: { range } });
    assertClientError(a, 416, 'RANGE_NOT_SATISFIABLE', `Range: ${range}`);
  }
  const past = await fetch(`${server.url}${path}`, { headers: { range: `bytes=${size}-` } });
  assert.equal(past.headers.get('content-range'), `bytes */${size}`, 'a 416 says how long the file is');
  assert.doesNotMatch(past.headers.get('cache-control') ?? '', /immutable|max-age/, 'a refusal is not cached as the file');
  await past.arrayBuffer();
  // a Range that is not a byte range at all is ignored (RFC 9110): the whole file
  const odd = await fetch(`${server.url}${path}`, { headers: { range: 'pages=1-2' } });
  assert.equal(odd.status, 200);
  assert.equal((await odd.arrayBuffer()).byteLength, size);
  // and one partly inside the file is served up to its end
  const tail = await fetch(`${server.url}${path}`, { headers: { range: `bytes=${size - 4}-${size + 100}` } });
  assert.equal(tail.status, 206);
  assert.equal((await tail.arrayBuffer()).byteLength, 4);
});

test('GET /favicon.ico is a real icon', async () => {
  const res = await fetch(`${server.url}/favicon.ico`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/x-icon');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 6)], [0, 0, 1, 0, 1, 0], 'ICO header, one image');
  assert.equal(bytes[6], 16);
  assert.equal(bytes.length, 6 + 16 + 40 + 16 * 16 * 4 + 16 * 4);
});

test('stack traces reach clients only with NODE_ENV=development', async () => {
  const dir = tempDir();
  const dev = await startTestApi(dir, { NODE_ENV: 'development' });
  try {
    const r = await send('/graphql', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ query: '{ nope }' }) }, dev.url);
    assert.ok(Array.isArray(r.body.errors[0].extensions.stacktrace), r.text);
  } finally {
    await dev.close();
    removeDir(dir);
  }
  const prod = await operation('{ nope }');
  assert.equal(prod.body.errors[0].extensions.stacktrace, undefined);
});
