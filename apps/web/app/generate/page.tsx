import type { Metadata } from 'next';
import GeneratePage from './GeneratePage';

export const metadata: Metadata = { title: 'Generate' };

export default function Page() {
  return <GeneratePage />;
}
