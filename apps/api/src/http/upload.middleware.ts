import type { NextFunction, Request, Response } from 'express';
import { processRequest } from 'graphql-upload-minimal';
import type { Limits } from '../config/config.js';
import { sendError } from './error-response.util.js';

const MAX_FIELD_BYTES = 1_000_000;

/**
 * A request refused before its files were read (UNAUTHENTICATED in a resolver, say) leaves the
 * rest of its body on the socket, paused: the keep-alive connection then hangs until it times out
 * and the client's next request on it (a proxy's, typically) fails with ECONNRESET. Read the rest
 * and drop it; a body larger than any acceptable request closes the connection instead.
 */
function discardUnreadBody(req: Request, cap: number): void {
  if (req.readableEnded) return;
  req.unpipe();
  let left = cap;
  req.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) req.socket.destroy();
  });
  req.resume();
}

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * with explicit limits; too many or too large files answer 413 with a GraphQL error body.
 */
export function uploadMiddleware(limits: Limits) {
  const drainCap = limits.maxUploadBytes * limits.maxFiles + MAX_FIELD_BYTES;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    res.once('finish', () => discardUnreadBody(req, drainCap));
    try {
      req.body = await processRequest(req, res, {
        maxFileSize: limits.maxUploadBytes,
        maxFiles: limits.maxFiles,
        maxFieldSize: MAX_FIELD_BYTES,
      });
      next();
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      if (status === 413) sendError(res, 413, 'PAYLOAD_TOO_LARGE', (err as Error).message);
      else sendError(res, 400, 'BAD_USER_INPUT', (err as Error).message);
    }
  };
}
