import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserWebsocketUrl, SUBPROTOCOL, subscribe, websocketUrl, type SocketLike } from './subscription';
import type { ApiError } from './errors';

/** A socket the test plays the server for: it records what the client sends and delivers what the test says. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string, readonly protocol: string) {}

  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string) {
    this.closed = { code, reason };
    this.readyState = 3;
  }

  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  deliver(message: object | string) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  drop(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function start(ackTimeoutMs = 1000) {
  const sockets: FakeSocket[] = [];
  const seen: { next: unknown[]; errors: ApiError[]; completed: number } = { next: [], errors: [], completed: 0 };
  const stop = subscribe<{ jobUpdated: { status: string } }>(
    {
      url: 'ws://api.test/graphql',
      query: 'subscription($id: ID!) { jobUpdated(id: $id) { status } }',
      variables: { id: 'j1' },
      connectionParams: { Authorization: 'Bearer muse_key' },
      socket: (url, protocol) => {
        const socket = new FakeSocket(url, protocol);
        sockets.push(socket);
        return socket;
      },
      ackTimeoutMs,
    },
    { next: (data) => seen.next.push(data), error: (e) => seen.errors.push(e), complete: () => seen.completed++ },
  );
  return { socket: sockets[0], seen, stop };
}

test('init with the key, subscribe once acknowledged, pass each next on, end on complete', () => {
  const { socket, seen } = start();
  assert.equal(socket.protocol, SUBPROTOCOL);
  socket.open();
  assert.deepEqual(socket.sent, [{ type: 'connection_init', payload: { Authorization: 'Bearer muse_key' } }]);
  socket.deliver({ type: 'connection_ack' });
  assert.deepEqual(socket.sent[1], { id: '1', type: 'subscribe', payload: { query: 'subscription($id: ID!) { jobUpdated(id: $id) { status } }', variables: { id: 'j1' } } });
  socket.deliver({ type: 'ping' });
  assert.deepEqual(socket.sent[2], { type: 'pong' });
  socket.deliver({ id: '1', type: 'next', payload: { data: { jobUpdated: { status: 'RUNNING' } } } });
  socket.deliver({ id: '1', type: 'next', payload: { data: { jobUpdated: { status: 'SUCCEEDED' } } } });
  socket.deliver({ id: '1', type: 'complete' });
  assert.deepEqual(seen.next, [{ jobUpdated: { status: 'RUNNING' } }, { jobUpdated: { status: 'SUCCEEDED' } }]);
  assert.equal(seen.completed, 1);
  assert.deepEqual(seen.errors, []);
  assert.equal(socket.closed?.code, 1000);
});

test('a GraphQL error ends the subscription with its code', () => {
  const { socket, seen } = start();
  socket.open();
  socket.deliver({ type: 'connection_ack' });
  socket.deliver({ id: '1', type: 'error', payload: [{ message: 'job j1 not found', extensions: { code: 'NOT_FOUND' } }] });
  assert.deepEqual(seen.errors.map((e) => [e.code, e.detail]), [['NOT_FOUND', 'job j1 not found']]);
  // a late message or close after the end is not reported twice
  socket.deliver({ id: '1', type: 'next', payload: { data: { jobUpdated: { status: 'RUNNING' } } } });
  socket.drop(1006);
  assert.equal(seen.errors.length, 1);
  assert.deepEqual(seen.next, []);

  const other = start();
  other.socket.open();
  other.socket.deliver({ type: 'connection_ack' });
  other.socket.deliver({ id: '1', type: 'next', payload: { errors: [{ message: 'denied', extensions: { code: 'FORBIDDEN' } }] } });
  assert.equal(other.seen.errors[0].code, 'FORBIDDEN');
});

test('a refused or dropped socket is a NETWORK error; close codes keep their meaning', () => {
  const dropped = start();
  dropped.socket.drop(1006);
  assert.equal(dropped.seen.errors[0].code, 'NETWORK');
  const forbidden = start();
  forbidden.socket.open();
  forbidden.socket.drop(4403, 'Forbidden');
  assert.deepEqual([forbidden.seen.errors[0].code, forbidden.seen.errors[0].detail], ['FORBIDDEN', 'Forbidden']);
  const garbled = start();
  garbled.socket.open();
  garbled.socket.deliver('not json');
  assert.equal(garbled.seen.errors[0].code, 'BAD_RESPONSE');
});

test('no acknowledgement in time gives up the socket', async () => {
  const { socket, seen } = start(20);
  socket.open();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(seen.errors[0]?.code, 'NETWORK');
  assert.ok(socket.closed);
});

test('unsubscribing says complete to the server and closes quietly', () => {
  const { socket, seen, stop } = start();
  socket.open();
  socket.deliver({ type: 'connection_ack' });
  stop();
  assert.deepEqual(socket.sent.at(-1), { id: '1', type: 'complete' });
  assert.equal(socket.closed?.code, 1000);
  socket.drop(1000);
  assert.deepEqual([seen.errors.length, seen.completed], [0, 0]);
});

test('the websocket address of an API address', () => {
  assert.equal(websocketUrl('http://127.0.0.1:4000'), 'ws://127.0.0.1:4000/graphql');
  assert.equal(websocketUrl('https://muse.example/api/'), 'wss://muse.example/api/graphql');
});

test('a page uses the forwarded API address only when both are on loopback; a public address always', () => {
  const forwarded = { url: 'ws://127.0.0.1:4000/graphql', public: false };
  assert.equal(browserWebsocketUrl(forwarded, '127.0.0.1'), forwarded.url);
  assert.equal(browserWebsocketUrl(forwarded, 'localhost'), forwarded.url);
  assert.equal(browserWebsocketUrl(forwarded, 'muse.example'), null);
  assert.equal(browserWebsocketUrl({ url: 'ws://[::1]:4000/graphql', public: false }, '[::1]'), 'ws://[::1]:4000/graphql');
  assert.equal(browserWebsocketUrl({ url: 'ws://api.internal:4000/graphql', public: false }, 'localhost'), null);
  assert.equal(browserWebsocketUrl({ url: 'wss://api.muse.example/graphql', public: true }, 'muse.example'), 'wss://api.muse.example/graphql');
  assert.equal(browserWebsocketUrl(null, 'localhost'), null);
});
