// POST (and GET) /graphql go to the API; see lib/forwardToApi.ts.
import { forwardToApi } from '@/lib/forwardToApi';

export const dynamic = 'force-dynamic';

export { forwardToApi as GET, forwardToApi as POST };
