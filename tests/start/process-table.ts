// What `ps` sees (Linux and macOS alike): a process tree, and which of its processes are still alive.
import { execFileSync } from 'node:child_process';

export interface ProcessRow { pid: number; ppid: number; pgid: number; zombie: boolean; command: string }

export function processTable(): ProcessRow[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,command='], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => {
    const [pid, ppid, pgid, stat, ...command] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: stat.startsWith('Z'), command: command.join(' ') };
  });
}

/** `rootPid` and every process below it */
export function processTree(rootPid: number): ProcessRow[] {
  const table = processTable();
  const tree = table.filter((p) => p.pid === rootPid);
  for (let i = 0; i < tree.length; i++) tree.push(...table.filter((p) => p.ppid === tree[i].pid));
  return tree;
}

/** the live (non-zombie) processes that are one of `rows` or share a process group with one */
export function survivors(rows: ProcessRow[]): ProcessRow[] {
  const pids = new Set(rows.map((p) => p.pid));
  const pgids = new Set(rows.map((p) => p.pgid));
  return processTable().filter((p) => !p.zombie && (pids.has(p.pid) || pgids.has(p.pgid)));
}
