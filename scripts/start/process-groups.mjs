// Children of `npm start` each lead their own process group, so stopping one reaches everything it
// spawned (npm → sh → tsx → node, next → next-server), not just the direct child.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const POLL_MS = 100;

/**
 * Orphans are reparented to init, which may be slow to reap them (a container's PID 1), and a
 * zombie still counts for kill(-pgid, 0); where /proc can tell, a group of zombies is gone.
 */
function onlyZombiesLeft(pgid) {
  if (!existsSync('/proc/self/stat')) return false;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return false;
  }
  return true;
}

/** true while any live process of the group still exists (a member we may not signal counts too) */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  return !onlyZombiesLeft(pgid);
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

async function waitForGroups(pgids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (pgids.some(groupAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
  return pgids.filter(groupAlive);
}

export class ProcessGroups {
  #pgids = new Set();

  /** spawns `command` as the leader of a new process group that `stopAll` will end */
  spawn(command, args, options) {
    const child = spawn(command, args, { ...options, detached: true });
    if (child.pid) this.#pgids.add(child.pid);
    return child;
  }

  /** SIGTERM to every group, SIGKILL to those still alive after `graceMs`; resolves once all are gone */
  async stopAll(graceMs) {
    const pgids = [...this.#pgids];
    for (const pgid of pgids) signalGroup(pgid, 'SIGTERM');
    const stubborn = await waitForGroups(pgids, graceMs);
    for (const pgid of stubborn) signalGroup(pgid, 'SIGKILL');
    const left = await waitForGroups(stubborn, 2_000);
    for (const pgid of pgids) if (!left.includes(pgid)) this.#pgids.delete(pgid);
    return left;
  }

  /** last resort when the parent is exiting and cannot wait: nothing may outlive it */
  killAllNow() {
    for (const pgid of this.#pgids) signalGroup(pgid, 'SIGKILL');
  }
}
