import type { Response } from 'express';
import type { ErrorCode } from '../errors/app.exception.js';

/** A GraphQL-shaped error body (`{ errors: [{ message, extensions: { code } }] }`) for answers given outside Apollo. */
export function sendError(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
