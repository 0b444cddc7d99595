import type { ChildProcess, SpawnOptions } from 'node:child_process';
export function groupAlive(pgid: number): boolean;
export class ProcessGroups {
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess;
  stopAll(graceMs: number): Promise<number[]>;
  killAllNow(): void;
}
