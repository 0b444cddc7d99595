import type { Metadata } from 'next';
import GeneratePage from './GeneratePage';
import { subscriptionAddress } from '@/lib/apiAddress';

export const metadata: Metadata = { title: 'Generate' };
// the API's address is chosen when the web app starts, not when it is built
export const dynamic = 'force-dynamic';

export default function Page() {
  return <GeneratePage subscription={subscriptionAddress()} />;
}
