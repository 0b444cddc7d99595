import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthService, Principal } from '../services/auth.service.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'forwarded', 'x-real-ip'];

/** The local admin token's principal: key management only (`admin`, without the write/read it implies for keys). */
export const LOCAL_ADMIN_PRINCIPAL: Principal = { keyId: 'local-admin', scopes: new Set(['admin']) };

/**
 * The request's principal: an API key from the database, or — for a request made directly over
 * loopback, not relayed by a proxy — the local admin token the API wrote to DATA_DIR/local-admin.json.
 */
/** What authentication reads of a request: an HTTP request, or a websocket's upgrade request with the key its client sent. */
export interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string };
}

export function requestAuthenticator(auth: AuthService, localAdminToken?: string) {
  const expected = localAdminToken ? digest(localAdminToken) : undefined;
  return async (req: AuthenticatedRequest): Promise<Principal | null | 'invalid'> => {
    const header = req.headers.authorization;
    const bearer = header && /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
    if (expected && bearer && timingSafeEqual(digest(bearer), expected)) {
      return isDirectLoopback(req) ? LOCAL_ADMIN_PRINCIPAL : 'invalid';
    }
    return auth.authenticate(header);
  };
}

function isDirectLoopback(req: AuthenticatedRequest): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && PROXY_HEADERS.every((h) => req.headers[h] === undefined);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
