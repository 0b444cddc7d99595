import type { NextFunction, Request, Response } from 'express';
import { processRequest } from 'graphql-upload-minimal';
import type { Limits } from '../config/config.js';
import { sendError } from './error-response.util.js';

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * with explicit limits; too many or too large files answer 413 with a GraphQL error body.
 */
export function uploadMiddleware(limits: Limits) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    try {
      req.body = await processRequest(req, res, {
        maxFileSize: limits.maxUploadBytes,
        maxFiles: limits.maxFiles,
        maxFieldSize: 1_000_000,
      });
      next();
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      if (status === 413) sendError(res, 413, 'PAYLOAD_TOO_LARGE', (err as Error).message);
      else sendError(res, 400, 'BAD_USER_INPUT', (err as Error).message);
    }
  };
}
