// A multipart upload refused before its file is read must not poison the keep-alive connection
// it came on: the next request on that same socket (what a reverse proxy sends) must be answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { serveTestApi } from './harness.js';

const server = serveTestApi();

interface Reply { status: number; body: string; socketId: number }

let nextSocketId = 0;
const socketIds = new WeakMap<object, number>();

function send(agent: Agent, body: Buffer, headers: Record<string, string>): Promise<Reply> {
  const url = new URL('/graphql', server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const socket = req.socket!;
        if (!socketIds.has(socket)) socketIds.set(socket, nextSocketId++);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socketId: socketIds.get(socket)! });
      });
    });
    req.setTimeout(4000, () => req.destroy(new Error('no answer within 4 s')));
    req.on('error', reject);
    req.end(body);
  });
}

function multipartIngest(fileBytes: Buffer): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----muse${randomBytes(8).toString('hex')}`;
  const part = (name: string, value: string, file?: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: application/octet-stream` : ''}\r\n\r\n${value}`;
  const operations = JSON.stringify({ query: 'mutation($f: Upload!) { ingestAsset(file: $f) { id } }', variables: { f: null } });
  const head = [part('operations', operations), part('map', '{"0":["variables.f"]}'), part('0', '', 'big.bin')].join('\r\n');
  const body = Buffer.concat([Buffer.from(head), fileBytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true' } };
}

test('after an upload refused unread (UNAUTHENTICATED), the same keep-alive connection answers the next request', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const refused = multipartIngest(randomBytes(3 * 1024 * 1024));
    const first = await send(agent, refused.body, refused.headers);
    assert.match(first.body, /UNAUTHENTICATED/, first.body);
    const query = Buffer.from(JSON.stringify({ query: '{ stats { images } }' }));
    const second = await send(agent, query, { 'content-type': 'application/json' });
    assert.equal(second.status, 200, second.body);
    assert.equal(second.socketId, first.socketId, 'the connection was kept and reused');
  } finally {
    agent.destroy();
  }
});
