import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';
import { httpStatusOf } from '../errors/error-code.util.js';
import { sendError } from './error-response.util.js';

/** Any path no route serves: JSON 404 instead of Express's HTML page. */
export function notFoundHandler(req: Request, res: Response): void {
  sendError(res, 404, 'NOT_FOUND', `nothing is served at ${req.method} ${req.path}`);
}

/**
 * Errors raised by Express middleware before Apollo sees the request (body parsing, URL decoding,
 * file sending): a client's mistake is a 4xx JSON error with a stable code, never Express's HTML
 * page with a stack trace; anything else is logged and answered with a bare 500.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = httpStatusOf(err);
    if (status !== undefined && status >= 400 && status < 500) {
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      sendError(res, status, code, clientMessage(err, status));
      return;
    }
    logger.error({ err }, 'unexpected error in an HTTP request');
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error');
  };
}

function clientMessage(err: unknown, status: number): string {
  const e = err as { type?: string; message?: string; limit?: number; expose?: boolean };
  if (e.type === 'entity.parse.failed') return `the request body is not valid JSON (${e.message})`;
  if (e.type === 'entity.too.large') return `the request body exceeds the ${e.limit}-byte limit`;
  if (err instanceof URIError) return 'the URL is not validly percent-encoded';
  if (status === 404) return 'not found';
  return e.expose && e.message ? e.message : 'bad request';
}
