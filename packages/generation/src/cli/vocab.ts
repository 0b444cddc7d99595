// npm run vocab -- FILE: writes vocab.json (the token vocabulary a trainer sizes its embedding
// with and pins) without a corpus, as `npm run tokens` writes beside the token files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { vocabularyDocument } from '../tokenizer/vocabulary.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: npm run vocab -- FILE\n');
  process.exit(2);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(vocabularyDocument())}\n`);
