// End-to-end over HTTP (no browser): what the web server itself answers. /graphql and /media/*
// reach the API through it, uploads keep working after the API refuses one, Range requests pass
// through, and the app has an icon.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphqlRequest, startStack, type Stack, type UploadFiles } from './stack.js';
import { coolImage, lowTone, warmImage } from './media.js';

const UPLOAD_LIMIT = 2_000_000;
const INGEST = `mutation($file: Upload!, $title: String) { ingestAsset(file: $file, title: $title) { id } }`;

interface GraphQLAnswer {
  data?: { ingestAsset?: { id: string } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A file big enough that the API answers a refusal before it has read the whole request. */
function padded(bytes: Buffer, size: number): Buffer {
  return Buffer.concat([bytes, Buffer.alloc(Math.max(0, size - bytes.length), 0x20)]);
}

describe('the web server', { timeout: 900_000 }, () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ apiEnv: { MUSE_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) } });
  });

  after(async () => {
    await stack?.stop();
  });

  /** An ingestAsset upload sent to the web server, the way the browser sends it. */
  async function uploadThroughWeb(file: UploadFiles['file'], withKey: boolean): Promise<{ status: number; answer: GraphQLAnswer }> {
    const { headers, body } = graphqlRequest(INGEST, { file: null, title: file.name }, { file }, withKey ? stack.apiKey : undefined);
    const response = await fetch(`${stack.webUrl}/graphql`, { method: 'POST', headers, body });
    const text = await response.text();
    try {
      return { status: response.status, answer: JSON.parse(text) as GraphQLAnswer };
    } catch {
      assert.fail(`HTTP ${response.status} from the web server: ${text.slice(0, 300)}\nAPI log:\n${stack.apiLog().slice(-2000)}`);
    }
  }

  test('uploads keep working after the API refuses one', async () => {
    const refusals = [
      { code: 'UNAUTHENTICATED', withKey: false, file: { name: 'no-key.png', bytes: padded(warmImage(1), UPLOAD_LIMIT - 100_000) } },
      { code: 'PAYLOAD_TOO_LARGE', withKey: true, file: { name: 'too-big.png', bytes: padded(warmImage(2), UPLOAD_LIMIT * 2) } },
      { code: 'UNSUPPORTED_MEDIA', withKey: true, file: { name: 'words.png', bytes: padded(Buffer.from('plain words, not a picture'), UPLOAD_LIMIT - 100_000) } },
      { code: 'UNAUTHENTICATED', withKey: false, file: { name: 'no-key-again.png', bytes: padded(warmImage(3), UPLOAD_LIMIT - 100_000) } },
    ];
    for (const [i, refusal] of refusals.entries()) {
      const refused = await uploadThroughWeb(refusal.file, refusal.withKey);
      assert.equal(refused.answer.errors?.[0]?.extensions?.code, refusal.code, `${refusal.file.name}: ${JSON.stringify(refused.answer)}`);
      const accepted = await uploadThroughWeb({ name: `after-${refusal.code}-${i}.png`, bytes: coolImage(i) }, true);
      assert.equal(accepted.status, 200, `the upload after ${refusal.code}: ${JSON.stringify(accepted.answer)}`);
      assert.equal(accepted.answer.errors, undefined, `the upload after ${refusal.code}: ${JSON.stringify(accepted.answer)}`);
      assert.ok(accepted.answer.data?.ingestAsset?.id);
    }
  });

  test('media Range requests pass through', async () => {
    const bytes = lowTone(1);
    const { ingestAsset } = await stack.graphql<{ ingestAsset: { id: string } }>(INGEST, { file: null, title: 'range' }, { file: { bytes, name: 'range.wav' } });
    const url = `${stack.webUrl}/media/${ingestAsset.id}`;

    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.match(whole.headers.get('content-type') ?? '', /^audio\//);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes));

    const part = await fetch(url, { headers: { range: 'bytes=100-1099' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${bytes.length}`);
    // (Next.js sends route handler bodies chunked, so the length is in Content-Range only)
    assert.match(part.headers.get('cache-control') ?? '', /max-age=\d+/);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1100)));

    const missing = await fetch(`${stack.webUrl}/media/00000000-0000-0000-0000-000000000000`);
    assert.equal(missing.status, 404);
    // the API's standard error body, passed through unchanged
    assert.equal(((await missing.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code, 'NOT_FOUND');
  });

  test('/favicon.ico and the page icon resolve', async () => {
    const favicon = await fetch(`${stack.webUrl}/favicon.ico`);
    assert.equal(favicon.status, 200);
    assert.match(favicon.headers.get('content-type') ?? '', /^image\//);
    assert.match(await favicon.text(), /<svg[\s>]/);

    const html = await (await fetch(`${stack.webUrl}/`)).text();
    const link = /<link[^>]*rel="icon"[^>]*>/.exec(html)?.[0];
    assert.ok(link, 'the page links an icon');
    const href = /href="([^"]+)"/.exec(link)?.[1];
    assert.ok(href);
    const icon = await fetch(new URL(href.replaceAll('&amp;', '&'), stack.webUrl));
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get('content-type') ?? '', /^image\//);
  });
});
