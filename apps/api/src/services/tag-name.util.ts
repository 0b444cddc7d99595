import { BadUserInputException } from '../errors/app.exception.js';

const MAX_TAG_LENGTH = 64;

/** Tags are kebab-case, as the ImMuTe vocabulary is: "Low Quality" → "low-quality". */
export function normaliseTagName(raw: string): string {
  const name = raw
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/[^\p{L}\p{N}&+-]/gu, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (!name) throw new BadUserInputException(`tag "${raw}" has no letters or digits`);
  if (name.length > MAX_TAG_LENGTH) throw new BadUserInputException(`tag "${raw.slice(0, 20)}…" is longer than ${MAX_TAG_LENGTH} characters`);
  return name;
}

export function normaliseTagNames(raw: string[]): string[] {
  return [...new Set(raw.map(normaliseTagName))];
}
