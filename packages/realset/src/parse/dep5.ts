// debian/copyright in the machine-readable format (DEP-5): stanzas of Files globs and a License.
// The last stanza whose Files pattern matches a path decides, as the format specifies.

export interface CopyrightStanza {
  files: string[];
  license: string;
}

export function isDep5(text: string): boolean {
  return /^Format:\s*\S*(copyright-format|deps\/dep5)/m.test(text);
}

export function parseDep5(text: string): CopyrightStanza[] {
  const stanzas: CopyrightStanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) {
        current = m[1].toLowerCase();
        fields.set(current, m[2]);
      } else if (current && /^\s/.test(line)) {
        fields.set(current, `${fields.get(current)}\n${line.trim()}`);
      }
    }
    const files = fields.get('files');
    const license = fields.get('license');
    if (files !== undefined && license !== undefined) {
      stanzas.push({ files: files.split(/\s+/).filter(Boolean), license: license.split('\n')[0].trim() });
    }
  }
  return stanzas;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The stanza that governs `upstreamPath` (a path in the upstream source tree). */
export function dep5Licence(stanzas: CopyrightStanza[], upstreamPath: string): CopyrightStanza | undefined {
  let found: CopyrightStanza | undefined;
  for (const s of stanzas) if (s.files.some((f) => globToRegExp(f).test(upstreamPath))) found = s;
  return found;
}
