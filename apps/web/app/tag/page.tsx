import type { Metadata } from 'next';
import { Suspense } from 'react';
import TagPage from './TagPage';

export const metadata: Metadata = { title: 'Tag' };

export default function Page() {
  return (
    <Suspense>
      <TagPage />
    </Suspense>
  );
}
