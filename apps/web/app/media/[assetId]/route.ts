// GET /media/:assetId streams the stored file from the API, Range requests included; see lib/forwardToApi.ts.
import { forwardToApi } from '@/lib/forwardToApi';

export const dynamic = 'force-dynamic';

export { forwardToApi as GET, forwardToApi as HEAD };
