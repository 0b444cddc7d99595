// Licences read from each package's own debian/copyright.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dep5Licence, isDep5, parseDep5 } from '../parse/dep5.js';
import type { Licence } from '../types.js';

export class LicenceError extends Error {}

export function copyrightText(root: string, pkg: string): string {
  return readFileSync(join(root, pkg, 'usr/share/doc', pkg, 'copyright'), 'utf8');
}

/** The DEP-5 stanza that governs `upstreamPath` (the file's path in the upstream tree). */
export function dep5LicenceOf(root: string, pkg: string, upstreamPath: string): Licence {
  const text = copyrightText(root, pkg);
  if (!isDep5(text)) throw new LicenceError(`${pkg}: debian/copyright is not machine-readable`);
  const stanza = dep5Licence(parseDep5(text), upstreamPath);
  if (!stanza) throw new LicenceError(`${pkg}: no debian/copyright stanza covers ${upstreamPath}`);
  return { name: stanza.license, from: `${pkg} debian/copyright, Files: ${stanza.files.join(' ')}` };
}

/** For a free-text debian/copyright: the licence its grant states, checked against the text. */
export function statedLicence(root: string, pkg: string, grant: RegExp, name: string): Licence {
  const m = grant.exec(copyrightText(root, pkg).replace(/\s+/g, ' '));
  if (!m) throw new LicenceError(`${pkg}: debian/copyright no longer says ${grant}`);
  return { name, from: `${pkg} debian/copyright: "${m[0]}"` };
}

/** The package a path under the extraction root belongs to, and the path inside the package. */
export function splitPackagePath(path: string): { pkg: string; inside: string } {
  const slash = path.indexOf('/');
  return { pkg: path.slice(0, slash), inside: path.slice(slash + 1) };
}
