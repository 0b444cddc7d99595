import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../services/services.js';
import { httpStatusOf } from '../errors/error-code.util.js';
import { sendError } from './error-response.util.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds the file a media URL names: an asset's own bytes, or a generated asset's MIDI. */
export type MediaLocator = (services: Services, assetId: string) => Promise<{ path: string; mime: string } | null>;

export const assetFile: MediaLocator = (services, id) => services.assets.mediaLocation(id);
export const generatedMidi: MediaLocator = (services, id) => services.generation.midiLocation(id);

/** What `send` sets for a file that a JSON error answer must not keep (above all: cached as immutable). */
const FILE_HEADERS = ['Cache-Control', 'ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Range', 'Content-Type', 'Content-Length', 'X-Content-Type-Options'];

/**
 * GET /media/:assetId — the stored bytes with their sniffed Content-Type; GET /media/:assetId/midi —
 * a generated asset's MIDI. Range supported; the same read authorisation for both. Every refusal
 * is a JSON error body with a stable code, like the rest of the API: 401 UNAUTHENTICATED,
 * 404 NOT_FOUND, and a Range wholly past the end of the file 416 RANGE_NOT_SATISFIABLE with
 * a Content-Range header giving the size (RFC 9110); a Range that is not a byte range is ignored.
 */
export function mediaRoute(services: Services, locate: MediaLocator = assetFile) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.assetId);
    if (services.config.readsRequireKey) {
      const token = typeof req.query.access_token === 'string' ? `Bearer ${req.query.access_token}` : req.headers.authorization;
      const principal = await services.auth.authenticate(token);
      if (!principal || principal === 'invalid' || !principal.scopes.has('read')) {
        sendError(res, 401, 'UNAUTHENTICATED', 'an API key with the read scope is required');
        return;
      }
    }
    const found = UUID.test(id) ? await locate(services, id) : null;
    if (!found) {
      sendError(res, 404, 'NOT_FOUND', `asset ${id} not found`);
      return;
    }
    res.type(found.mime);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(found.path, { acceptRanges: true, immutable: true, maxAge: '365d', dotfiles: 'allow' }, (err?: Error) => {
      if (!err || res.headersSent) return; // sent, or the client went away mid-file
      const status = httpStatusOf(err);
      const contentRange = (err as { headers?: Record<string, string> }).headers?.['Content-Range'];
      for (const header of FILE_HEADERS) res.removeHeader(header);
      if (status === 416) {
        if (contentRange) res.setHeader('Content-Range', contentRange);
        sendError(res, 416, 'RANGE_NOT_SATISFIABLE', `the requested range is not within the file (${contentRange ?? 'unknown size'})`);
      } else if (status === 404) {
        sendError(res, 404, 'NOT_FOUND', `the file of asset ${id} is missing`);
      } else {
        next(err);
      }
    });
  };
}
