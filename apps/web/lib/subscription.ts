// One GraphQL subscription over a websocket, speaking the `graphql-transport-ws` protocol that the API's
// graphql-ws server serves on /graphql: connection_init (with the API key in its payload) → connection_ack →
// subscribe → next … → complete, answering pings. The `graphql-ws` client package is not a dependency of
// @muse/web, and one subscription per socket needs only this much of the protocol.
import { ApiError } from './errors';

export const SUBPROTOCOL = 'graphql-transport-ws';
/** No connection_ack within this long: the socket is given up (the caller falls back to polling). */
export const ACK_TIMEOUT_MS = 5000;
const SUBSCRIPTION_ID = '1';
const NORMAL_CLOSURE = 1000;

/** What a subscription needs of a WebSocket (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocol: string) => SocketLike;

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  /** The subscription failed: refused, closed, not acknowledged in time, or a GraphQL error. Nothing follows. */
  error(error: ApiError): void;
  complete(): void;
}

export interface SubscribeOptions {
  url: string;
  query: string;
  variables?: Record<string, unknown>;
  /** sent in connection_init; the API reads `Authorization` */
  connectionParams?: Record<string, unknown>;
  socket?: SocketFactory;
  ackTimeoutMs?: number;
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

/** Close codes of the protocol, as the errors they mean to a person. */
function closeError(code: number, reason: string): ApiError {
  const detail = reason || `the websocket closed (${code})`;
  if (code === 4403) return new ApiError('FORBIDDEN', detail);
  if (code === 4401) return new ApiError('UNAUTHENTICATED', detail);
  if (code === 4400 || code === 4406) return new ApiError('BAD_RESPONSE', detail);
  if (code === 4429) return new ApiError('TOO_MANY_REQUESTS', detail);
  return new ApiError('NETWORK', detail);
}

function graphqlError(errors: GraphQLErrorShape[] | undefined): ApiError {
  const first = errors?.[0];
  return new ApiError(first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.message ?? 'The subscription failed.');
}

/** Turns the API's http(s) address into its websocket address for /graphql. */
export function websocketUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/graphql`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Starts the subscription; the returned function ends it (and closes the socket). */
export function subscribe<T>(options: SubscribeOptions, handlers: SubscriptionHandlers<T>): () => void {
  const open = options.socket ?? ((url, protocol) => new WebSocket(url, protocol) as unknown as SocketLike);
  let finished = false;
  let acknowledged = false;
  let socket: SocketLike;

  const finish = (outcome: () => void, code = NORMAL_CLOSURE, reason = '') => {
    if (finished) return;
    finished = true;
    clearTimeout(ackTimer);
    try {
      socket.close(code, reason);
    } catch {
      // already closing
    }
    outcome();
  };
  const send = (message: object) => socket.send(JSON.stringify(message));

  try {
    socket = open(options.url, SUBPROTOCOL);
  } catch (caught) {
    queueMicrotask(() => handlers.error(new ApiError('NETWORK', caught instanceof Error ? caught.message : String(caught))));
    return () => undefined;
  }
  const ackTimer = setTimeout(
    () => finish(() => handlers.error(new ApiError('NETWORK', 'The API did not accept the websocket in time.'))),
    options.ackTimeoutMs ?? ACK_TIMEOUT_MS,
  );

  socket.onopen = () => send({ type: 'connection_init', payload: options.connectionParams ?? {} });
  socket.onerror = () => undefined; // a close event follows with the code
  socket.onclose = (event) => {
    if (finished) return;
    finished = true;
    clearTimeout(ackTimer);
    handlers.error(closeError(event.code, event.reason));
  };
  socket.onmessage = (event) => {
    if (finished) return;
    let message: { type?: string; id?: string; payload?: unknown };
    try {
      message = JSON.parse(String(event.data)) as typeof message;
    } catch {
      finish(() => handlers.error(new ApiError('BAD_RESPONSE', 'The API sent a websocket message that is not JSON.')), 4400, 'invalid message');
      return;
    }
    switch (message.type) {
      case 'connection_ack':
        if (acknowledged) return;
        acknowledged = true;
        clearTimeout(ackTimer);
        send({ id: SUBSCRIPTION_ID, type: 'subscribe', payload: { query: options.query, variables: options.variables ?? {} } });
        return;
      case 'ping':
        send({ type: 'pong' });
        return;
      case 'next': {
        if (message.id !== SUBSCRIPTION_ID) return;
        const payload = (message.payload ?? {}) as { data?: T | null; errors?: GraphQLErrorShape[] };
        if (payload.errors?.length) finish(() => handlers.error(graphqlError(payload.errors)));
        else if (payload.data != null) handlers.next(payload.data);
        return;
      }
      case 'error':
        if (message.id !== SUBSCRIPTION_ID) return;
        finish(() => handlers.error(graphqlError(message.payload as GraphQLErrorShape[])));
        return;
      case 'complete':
        if (message.id !== SUBSCRIPTION_ID) return;
        finish(() => handlers.complete());
        return;
    }
  };

  return () => {
    if (finished) return;
    if (acknowledged && socket.readyState === 1) {
      try {
        send({ id: SUBSCRIPTION_ID, type: 'complete' });
      } catch {
        // closing anyway
      }
    }
    finish(() => undefined);
  };
}

/** Where the web server says the API's websocket is; `public` when it was told how browsers reach the API. */
export interface SubscriptionAddress {
  url: string;
  public: boolean;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * The websocket address a page served from `pageHost` may use, or null to poll instead. An address given
 * for browsers (MUSE_PUBLIC_API_URL) is used as it is. The address the web server forwards to is used only
 * when it and the page are both on loopback: for a browser on another machine it would name that machine,
 * and the API key would go to whatever listens there.
 */
export function browserWebsocketUrl(address: SubscriptionAddress | null, pageHost: string): string | null {
  if (!address) return null;
  if (address.public) return address.url;
  return LOOPBACK_HOST.test(new URL(address.url).hostname) && LOOPBACK_HOST.test(pageHost) ? address.url : null;
}
