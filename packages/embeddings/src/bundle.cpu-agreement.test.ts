// The shipped bundle must rank the same on every x86-64 CPU. Developers' and CI's machines
// change CPU from session to session (AVX2-only EPYC, AVX-512, AMX), so this test makes the
// other CPU itself: it runs the towers natively and under qemu-user emulating a Haswell
// (AVX2, no AVX-512), where onnxruntime picks its AVX2 kernels, and compares the outputs.
// int8 towers failed this by 9e-3 (the figure an AVX2 EPYC showed); float32 ones agree to ~1e-7.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, maxAbsDiff } from './testing/helpers.js';

/** Same bound as the golden test of shipped bundles (bundle.test.ts says why). */
const CROSS_CPU_TOLERANCE = 1e-4;
const RUNNER = fileURLToPath(new URL('./testing/run-towers.mjs', import.meta.url));
const QEMU = 'qemu-x86_64';

function hasQemu(): boolean {
  return spawnSync(QEMU, ['--version'], { encoding: 'utf8' }).status === 0;
}

function runTowers(bundleDir: string, emulate: boolean): { audio: number[]; image: number[] } {
  const [command, args] = emulate
    ? [QEMU, ['-cpu', 'Haswell', process.execPath, RUNNER, bundleDir]]
    : [process.execPath, [RUNNER, bundleDir]];
  const out = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
  assert.equal(out.status, 0, `${command} failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

test('the default bundle gives the same embeddings on an AVX2-only CPU (emulated) as on this one', { timeout: 900_000 }, (t) => {
  if (arch() !== 'x64') return t.skip('x86-64 only');
  if (!hasQemu()) {
    // CI installs qemu-user (.ci/run); a developer machine without it still runs the golden test.
    if (process.env.CI) assert.fail(`${QEMU} is missing: .ci/run installs Debian's qemu-user`);
    return t.skip(`${QEMU} not installed (apt-get install qemu-user)`);
  }
  const name = readFileSync(join(REPO_ROOT, 'models', 'default'), 'utf8').trim();
  const dir = join(REPO_ROOT, 'models', name);
  const native = runTowers(dir, false);
  const avx2 = runTowers(dir, true);
  for (const tower of ['audio', 'image'] as const) {
    const diff = maxAbsDiff(native[tower], avx2[tower]);
    t.diagnostic(`${tower}: max |Δ| native vs emulated AVX2 = ${diff.toExponential(2)}`);
    assert.ok(diff <= CROSS_CPU_TOLERANCE, `${tower} max |Δ| = ${diff}`);
  }
});
