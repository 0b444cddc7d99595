// GET /media/:assetId/midi streams a generated asset's MIDI file from the API; see lib/forwardToApi.ts.
import { forwardToApi } from '@/lib/forwardToApi';

export const dynamic = 'force-dynamic';

export { forwardToApi as GET, forwardToApi as HEAD };
