// Stopping a child stops its whole process group, grandchildren and signal-ignorers included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupAlive, ProcessGroups } from '../../scripts/start/process-groups.mjs';

test('stopAll ends every process of every group, escalating to SIGKILL after the grace period', async () => {
  const groups = new ProcessGroups();
  // like npm → sh → node: the direct child is not the one that matters
  const polite = groups.spawn('sh', ['-c', 'sleep 300 & sleep 300 & wait'], { stdio: 'ignore' });
  const stubborn = groups.spawn('sh', ['-c', 'trap "" TERM; sleep 300 & wait'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const pgids = [polite.pid!, stubborn.pid!];
  assert.ok(pgids.every(groupAlive));
  const started = Date.now();
  assert.deepEqual(await groups.stopAll(1_000), []);
  assert.ok(Date.now() - started >= 1_000, 'the stubborn group had its grace period');
  assert.ok(!pgids.some(groupAlive), 'no process of either group is left');
});
