import type { BuildReport } from './build.js';

const REASONS_SHOWN = 5;
const INDICES_SHOWN = 5;

/**
 * What a person reads when a build did not finish: how many items failed, grouped by reason (a
 * dead worker fails every item it would have rendered with one reason), each with its first items.
 */
export function describeIncompleteBuild(report: BuildReport): string {
  const { failed, requested, outDir } = report;
  const byReason = new Map<string, number[]>();
  for (const f of failed) {
    const reason = f.error.split('\n')[0];
    byReason.set(reason, [...(byReason.get(reason) ?? []), f.index]);
  }
  const missing = requested - report.alreadyComplete - report.rendered - failed.length;
  const lines = [`corpus build incomplete: ${failed.length} of ${requested} items failed; no manifest.jsonl written in ${outDir}`];
  for (const [reason, indices] of [...byReason].slice(0, REASONS_SHOWN)) {
    const shown = indices.slice(0, INDICES_SHOWN).map((i) => `#${i}`).join(', ');
    lines.push(`  ${indices.length} item${indices.length === 1 ? '' : 's'} (${shown}${indices.length > INDICES_SHOWN ? ', …' : ''}): ${reason}`);
  }
  if (byReason.size > REASONS_SHOWN) lines.push(`  … and ${byReason.size - REASONS_SHOWN} other reasons`);
  if (missing > 0) lines.push(`  ${missing} items rendered without error but their files are missing`);
  lines.push(`  (every failure with its stack: ${outDir}/build-report.json)`);
  return lines.join('\n');
}
