import type { Request, Response } from 'express';
import type { Services } from '../services/services.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds the file a media URL names: an asset's own bytes, or a generated asset's MIDI. */
export type MediaLocator = (services: Services, assetId: string) => Promise<{ path: string; mime: string } | null>;

export const assetFile: MediaLocator = (services, id) => services.assets.mediaLocation(id);
export const generatedMidi: MediaLocator = (services, id) => services.generation.midiLocation(id);

/**
 * GET /media/:assetId — the stored bytes with their sniffed Content-Type; GET /media/:assetId/midi —
 * a generated asset's MIDI. Range supported; the same read authorisation for both.
 */
export function mediaRoute(services: Services, locate: MediaLocator = assetFile) {
  return async (req: Request, res: Response) => {
    const id = String(req.params.assetId);
    if (services.config.readsRequireKey) {
      const token = typeof req.query.access_token === 'string' ? `Bearer ${req.query.access_token}` : req.headers.authorization;
      const principal = await services.auth.authenticate(token);
      if (!principal || principal === 'invalid' || !principal.scopes.has('read')) {
        res.status(401).json({ error: 'an API key with the read scope is required', code: 'UNAUTHENTICATED' });
        return;
      }
    }
    const found = UUID.test(id) ? await locate(services, id) : null;
    if (!found) {
      res.status(404).json({ error: `asset ${id} not found`, code: 'NOT_FOUND' });
      return;
    }
    res.type(found.mime);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(found.path, { acceptRanges: true, immutable: true, maxAge: '365d', dotfiles: 'allow' });
  };
}
