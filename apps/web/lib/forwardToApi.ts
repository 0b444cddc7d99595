// Server-only: forwards /graphql and /media/* from the web origin to the API (MUSE_API_URL), so the
// browser talks to one origin (no CORS). Used by app/graphql/route.ts and app/media/[assetId]/route.ts.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/** Headers about one connection (RFC 9110 §7.6.1), never forwarded; `host` is the API's own. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host',
]);

/** Read per request: the API address is chosen when the web app starts, not when it is built. */
export function apiBaseUrl(): string {
  return (process.env.MUSE_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
}

/**
 * Sends `incoming` to the same path on the API and streams the answer back as it comes: status,
 * headers (Content-Range, caching, ...) and body, untouched.
 *
 * Every request gets a connection of its own, closed by this side once the answer is in. The
 * API may answer a request before it has read all of its body (an upload it refuses): that
 * connection is then unusable, and in a shared pool the next request sent on it would fail.
 * The connection is still asked to stay open (a one-socket keep-alive agent): told to close, the
 * API would close it with the body unread, which resets it and can lose the answer on its way.
 */
export function forwardToApi(incoming: Request): Promise<Response> {
  const source = new URL(incoming.url);
  const target = new URL(source.pathname + source.search, apiBaseUrl());
  const secure = target.protocol === 'https:';
  const connection = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const close = () => connection.destroy();
  return new Promise((resolve) => {
    let answered = false;
    const upstream = (secure ? httpsRequest : httpRequest)(target, { method: incoming.method, headers: forwardedHeaders(incoming, source), agent: connection });
    upstream.once('response', (answer) => {
      answered = true;
      // The whole answer is in: whatever is left of the request body need not reach the API.
      answer.once('end', close);
      answer.once('close', close);
      resolve(toWebResponse(answer, incoming.method));
    });
    // Before an answer, an error means the API could not be reached; after one, only that the
    // connection was closed with a body the API had no more use for.
    upstream.on('error', (error) => {
      close();
      if (!answered) resolve(unreachable(target, error));
    });
    incoming.signal?.addEventListener('abort', () => {
      upstream.destroy();
      close();
    }, { once: true });
    void sendBody(incoming.body, upstream);
  });
}

function forwardedHeaders(incoming: Request, source: URL): Record<string, string> {
  const headers: Record<string, string> = {};
  incoming.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers[name] = value;
  });
  // Next.js drops Content-Encoding from route handler answers, so the API must not compress.
  headers['accept-encoding'] = 'identity';
  // The API builds absolute media URLs from these (it trusts them from a loopback proxy).
  headers['x-forwarded-host'] ??= incoming.headers.get('host') ?? source.host;
  headers['x-forwarded-proto'] ??= source.protocol.replace(/:$/, '');
  return headers;
}

/**
 * Copies the browser's request body to the API. Once the API has answered (the upstream request
 * is destroyed) the rest is still read and dropped, so the browser's own connection to the web
 * app is left clean for its next request.
 */
async function sendBody(body: ReadableStream<Uint8Array> | null, upstream: ClientRequest): Promise<void> {
  if (!body) {
    upstream.end();
    return;
  }
  const reader = body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (upstream.destroyed) continue;
      if (!upstream.write(chunk.value)) await drainedOrClosed(upstream);
    }
    if (!upstream.destroyed) upstream.end();
  } catch {
    upstream.destroy(); // the browser went away in the middle of its request
  }
}

function drainedOrClosed(stream: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function toWebResponse(answer: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const status = answer.statusCode ?? 502;
  const bodiless = method === 'HEAD' || status === 204 || status === 304;
  if (bodiless) answer.resume();
  const body = bodiless ? null : (Readable.toWeb(answer) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: answer.statusMessage, headers });
}

/** A 502 in the GraphQL error shape, so the app shows its "cannot reach the API" words. */
function unreachable(target: URL, error: Error): Response {
  const reason = (error as NodeJS.ErrnoException).code ?? error.message;
  const message = `The web app could not reach the Muse API at ${target.origin} (${reason}).`;
  return Response.json({ errors: [{ message, extensions: { code: 'NETWORK' } }] }, { status: 502 });
}
