// Tells a finished corpus from a half-built or empty one. The build writes manifest.jsonl only when
// every requested item is complete, and build-report.json with `complete: true` after it; a corpus
// from before that rule (an empty manifest, a report without `complete`) counts as unfinished.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function readReport(corpusDir) {
  try {
    return JSON.parse(readFileSync(join(corpusDir, 'build-report.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * `{ complete: true }`, or what to build: the unfinished range the last build recorded, else the
 * first `demoItems` items; `why` says which, for the log.
 */
export function corpusState(corpusDir, demoItems) {
  const manifest = join(corpusDir, 'manifest.jsonl');
  const report = readReport(corpusDir);
  if (report?.complete === true && existsSync(manifest) && statSync(manifest).size > 0) return { complete: true };
  const range = report?.range;
  if (Array.isArray(range) && Number.isInteger(range[0]) && range[1] > range[0]) {
    return { complete: false, from: range[0], limit: range[1] - range[0], why: `The corpus in ${corpusDir} is unfinished: resuming the build of items ${range[0]}–${range[1] - 1}…` };
  }
  const what = existsSync(manifest) ? `The corpus in ${corpusDir} has no record of a finished build` : `No corpus in ${corpusDir}`;
  return { complete: false, from: 0, limit: demoItems, why: `${what}: building the ${demoItems}-item ImMuTe demo subset…` };
}
