'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import ApiKeyButton from './ApiKeyButton';

const LINKS = [
  { href: '/', label: 'Search' },
  { href: '/library', label: 'Library' },
  { href: '/tag', label: 'Tag' },
  { href: '/generate', label: 'Generate' },
  { href: '/map', label: 'Map' },
];

export default function Header() {
  const pathname = usePathname();
  const isCurrent = (href: string) =>
    href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`) || (href === '/library' && pathname.startsWith('/assets/'));
  return (
    <header className="site-header">
      <div className="inner">
        <Link href="/" className="brand" aria-label="Muse home">
          <span className="brand-mark" aria-hidden="true" /> Muse
        </Link>
        <nav className="nav" aria-label="Main">
          {LINKS.map((link) => (
            <Link key={link.href} href={link.href} aria-current={isCurrent(link.href) ? 'page' : undefined}>
              {link.label}
            </Link>
          ))}
        </nav>
        <ApiKeyButton />
      </div>
    </header>
  );
}
