import type { ReactNode } from 'react';

export default function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}
