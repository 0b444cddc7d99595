// The job store and the runtime bits a job spec needs: a recording logger and a wait.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Admission, AdmissionLimits, Job, LeaseState } from '../../repositories/job.repository.js';

/** Job rows as the JobRepository keeps them, with every write recorded in order. */
export class FakeJobRepository {
  readonly jobs = new Map<string, Job>();
  /** `create`, `running`, `progress 0.5`, `succeeded`, `failed: reason` … per job id. */
  readonly writes: { id: string; write: string }[] = [];
  private clock = Date.UTC(2025, 0, 1);

  async succeededByKey(types: string[], apiKeyId: string, take: number): Promise<Job[]> {
    return [...this.jobs.values()]
      .filter((j) => types.includes(j.type) && j.apiKeyId === apiKeyId && j.status === 'SUCCEEDED')
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, take);
  }

  async create(type: string, input: unknown, apiKeyId: string | null = null): Promise<Job> {
    const now = new Date(this.clock++);
    const job: Job = {
      id: randomUUID(),
      type,
      status: 'QUEUED',
      progress: 0,
      input: input as Job['input'],
      result: null,
      error: null,
      attempts: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      message: null,
      preview: null,
      apiKeyId,
      cancelRequestedAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    };
    this.jobs.set(job.id, job);
    this.writes.push({ id: job.id, write: 'create' });
    return { ...job };
  }

  /** As JobRepository.createAdmitted (no concurrency here: one event loop). */
  async createAdmitted(type: string, input: unknown, apiKeyId: string, limits: AdmissionLimits): Promise<Admission> {
    const active = await this.activeCounts(type, apiKeyId);
    if (active.key >= limits.maxActivePerKey) return { refused: 'key', active: active.key };
    if (active.all >= limits.maxActive) return { refused: 'all', active: active.all };
    return { job: await this.create(type, input, apiKeyId) };
  }

  async activeCounts(type: string, apiKeyId: string): Promise<{ key: number; all: number }> {
    const active = [...this.jobs.values()].filter((j) => j.type === type && (j.status === 'QUEUED' || j.status === 'RUNNING'));
    return { key: active.filter((j) => j.apiKeyId === apiKeyId).length, all: active.length };
  }

  async findById(id: string): Promise<Job | null> {
    const job = this.jobs.get(id);
    return job ? { ...job } : null;
  }

  /** As JobRepository.claim: QUEUED, or RUNNING with a lapsed (or no) lease → owned by `owner`. */
  async claim(id: string, owner: string, leaseMs: number): Promise<Job | null> {
    const current = this.jobs.get(id);
    const lapsed = (j: Job) => !j.leaseExpiresAt || j.leaseExpiresAt.getTime() < Date.now();
    if (!current || !(current.status === 'QUEUED' || (current.status === 'RUNNING' && lapsed(current)))) return null;
    const job = this.update(id, 'running');
    Object.assign(job, {
      status: 'RUNNING', startedAt: new Date(this.clock++), attempts: job.attempts + 1, error: null,
      leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + leaseMs),
    });
    return { ...job };
  }

  async renewLease(id: string, owner: string, leaseMs: number): Promise<LeaseState> {
    const job = this.jobs.get(id);
    if (!job || job.status !== 'RUNNING' || job.leaseOwner !== owner) return 'lost';
    job.leaseExpiresAt = new Date(Date.now() + leaseMs);
    return job.cancelRequestedAt ? 'cancel-requested' : 'held';
  }

  async leaseState(id: string, owner: string): Promise<LeaseState> {
    if (!this.holds(id, owner)) return 'lost';
    return this.jobs.get(id)!.cancelRequestedAt ? 'cancel-requested' : 'held';
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    if (this.holds(id, owner)) {
      const job = this.update(id, 'released');
      Object.assign(job, { leaseOwner: null, leaseExpiresAt: null, attempts: job.attempts - 1 });
    }
  }

  async requestCancel(id: string): Promise<Job | null> {
    const job = this.jobs.get(id);
    if (job?.status === 'QUEUED') {
      Object.assign(this.update(id, 'cancelled'), { status: 'CANCELLED', cancelRequestedAt: new Date(this.clock), finishedAt: new Date(this.clock++), message: null });
    } else if (job?.status === 'RUNNING') {
      this.update(id, 'cancel requested').cancelRequestedAt = new Date(this.clock++);
    } else return null;
    return { ...job };
  }

  async markCancelled(id: string, owner: string): Promise<void> {
    if (!this.holds(id, owner)) return;
    Object.assign(this.update(id, 'cancelled'), { status: 'CANCELLED', message: null, preview: null, finishedAt: new Date(this.clock++), leaseOwner: null, leaseExpiresAt: null });
  }

  async expireAllLeases(): Promise<void> {
    for (const job of this.jobs.values()) if (job.status === 'RUNNING') Object.assign(job, { leaseOwner: null, leaseExpiresAt: null });
  }

  async setProgress(id: string, owner: string, progress: number, message?: string, preview?: string): Promise<LeaseState> {
    if (!this.holds(id, owner)) return 'lost';
    const job = this.update(id, message === undefined ? `progress ${progress}` : `progress ${progress} ${message}`);
    job.progress = progress;
    if (message !== undefined) job.message = message;
    if (preview !== undefined) job.preview = preview;
    return job.cancelRequestedAt ? 'cancel-requested' : 'held';
  }

  async markSucceeded(id: string, owner: string, result: unknown): Promise<void> {
    if (!this.holds(id, owner)) return;
    Object.assign(this.update(id, 'succeeded'), { status: 'SUCCEEDED', progress: 1, result, message: null, preview: null, finishedAt: new Date(this.clock++), leaseOwner: null, leaseExpiresAt: null });
  }

  async markFailed(id: string, owner: string | null, error: string, errorCode?: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job || !(job.status === 'QUEUED' || job.status === 'RUNNING') || (owner && job.leaseOwner !== owner)) return;
    Object.assign(this.update(id, `failed: ${error}`), {
      status: 'FAILED', error, ...(errorCode ? { result: { errorCode } } : {}), message: null, preview: null, finishedAt: new Date(this.clock++), leaseOwner: null, leaseExpiresAt: null,
    });
  }

  async countActiveWithInput(type: string, field: string, value: string, exceptId: string | null): Promise<number> {
    return [...this.jobs.values()].filter((j) =>
      j.type === type && (j.status === 'QUEUED' || j.status === 'RUNNING') && j.id !== exceptId && (j.input as Record<string, unknown> | null)?.[field] === value).length;
  }

  async orphaned(queuedBefore: Date): Promise<Job[]> {
    return [...this.jobs.values()]
      .filter((j) => (j.status === 'QUEUED' && j.createdAt < queuedBefore) || (j.status === 'RUNNING' && (!j.leaseExpiresAt || j.leaseExpiresAt.getTime() < Date.now())))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((j) => ({ ...j }));
  }

  private holds(id: string, owner: string): boolean {
    const job = this.jobs.get(id);
    return job?.status === 'RUNNING' && job.leaseOwner === owner;
  }

  /** The writes made for one job, in order. */
  writesOf(id: string): string[] {
    return this.writes.filter((w) => w.id === id).map((w) => w.write);
  }

  private update(id: string, write: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`record to update not found: job ${id}`);
    this.writes.push({ id, write });
    job.updatedAt = new Date(this.clock++);
    return job;
  }
}

/** A pino-shaped logger that keeps what was logged. */
export function recordingLogger(): { logger: Logger; entries: { level: string; obj: Record<string, unknown>; msg?: string }[] } {
  const entries: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void entries.push({ level, obj, msg });
  const logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  return { logger: logger as unknown as Logger, entries };
}

/** Yields to the event loop (up to 1000 turns) until `done` holds, e.g. until a queued job finished. */
export async function until(done: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}
