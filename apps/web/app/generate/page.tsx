import type { Metadata } from 'next';
import GeneratePage from './GeneratePage';
import { subscriptionAddress } from '@/lib/apiAddress';

export const metadata: Metadata = { title: 'Generate' };
// the API's address is chosen when the web app starts, not when it is built
export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { guide, make } = await searchParams;
  const guideId = typeof guide === 'string' && guide ? guide : null;
  // a guide in the link means the picture form; so does ?make=image
  const initial = guideId || make === 'image' ? 'image' : 'music';
  return <GeneratePage subscription={subscriptionAddress()} guideId={guideId} initial={initial} />;
}
