import type { PrismaClient, Job, Prisma } from '../generated/prisma/client.js';

import { isUuid } from './uuid.util.js';

export type { Job };

/** Statuses of a job that is still to finish. */
const ACTIVE = ['QUEUED', 'RUNNING'] as const;

/** What the lease holder learns when it writes: go on, stop (cancelJob asked), or the job is no longer its own. */
export type LeaseState = 'held' | 'cancel-requested' | 'lost';

/** Serialises admissions of one job type (count, then insert), also across processes on PostgreSQL. */
const ADMISSION_LOCK = 720_342_001;

export interface AdmissionLimits {
  /** unfinished jobs of this type one API key may have */
  maxActivePerKey: number;
  /** unfinished jobs of this type over all keys */
  maxActive: number;
}

export type Admission = { job: Job } | { refused: 'key' | 'all'; active: number };

export class JobRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(type: string, input: Prisma.InputJsonValue, apiKeyId: string | null = null): Promise<Job> {
    return this.prisma.job.create({ data: { type, input, apiKeyId } });
  }

  /**
   * Inserts the job unless the key, or everyone, already has as many unfinished jobs of this type as
   * the limits allow. Count and insert happen under a transaction-scoped advisory lock, so two
   * requests at once cannot both take the last place.
   */
  async createAdmitted(type: string, input: Prisma.InputJsonValue, apiKeyId: string, limits: AdmissionLimits): Promise<Admission> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1, hashtext($2))', ADMISSION_LOCK, type);
      const active = await activeCounts(tx, type, apiKeyId);
      if (active.key >= limits.maxActivePerKey) return { refused: 'key' as const, active: active.key };
      if (active.all >= limits.maxActive) return { refused: 'all' as const, active: active.all };
      return { job: await tx.job.create({ data: { type, input, apiKeyId } }) };
    });
  }

  /** Unfinished (QUEUED or RUNNING) jobs of this type: the key's and everyone's. */
  activeCounts(type: string, apiKeyId: string): Promise<{ key: number; all: number }> {
    return activeCounts(this.prisma, type, apiKeyId);
  }

  /**
   * Deletes the jobs that finished before `before` — FAILED and CANCELLED ones of any type, SUCCEEDED ones of the
   * `prunableSucceeded` types only — and says how many.
   */
  async deleteFinishedBefore(before: Date, prunableSucceeded: string[]): Promise<number> {
    const { count } = await this.prisma.job.deleteMany({
      where: {
        finishedAt: { lt: before },
        OR: [{ status: { in: ['FAILED', 'CANCELLED'] } }, { status: 'SUCCEEDED', type: { in: prunableSucceeded } }],
      },
    });
    return count;
  }

  /** A key's finished jobs of one type, newest first (its history). */
  succeededByKey(types: string[], apiKeyId: string, take: number): Promise<Job[]> {
    return this.prisma.job.findMany({ where: { type: { in: types }, apiKeyId, status: 'SUCCEEDED' }, orderBy: { createdAt: 'desc' }, take });
  }

  async findById(id: string): Promise<Job | null> {
    if (!isUuid(id)) return null;
    return this.prisma.job.findUnique({ where: { id } });
  }

  /**
   * Makes `owner` the job's one runner for `leaseMs`, when it is QUEUED or its last owner's lease
   * ran out. Atomic: of two processes claiming at once, one gets the job. Returns the claimed row.
   */
  async claim(id: string, owner: string, leaseMs: number): Promise<Job | null> {
    const now = new Date();
    const { count } = await this.prisma.job.updateMany({
      where: { id, OR: [{ status: 'QUEUED' }, { status: 'RUNNING', OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] }] },
      data: { status: 'RUNNING', leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs), startedAt: now, attempts: { increment: 1 }, error: null },
    });
    return count === 1 ? this.findById(id) : null;
  }

  /** Extends the lease; says whether `owner` still holds the job and whether a cancel was asked for. */
  async renewLease(id: string, owner: string, leaseMs: number): Promise<LeaseState> {
    const { count } = await this.prisma.job.updateMany({
      where: { id, status: 'RUNNING', leaseOwner: owner },
      data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
    });
    return count === 1 ? this.cancelState(id) : 'lost';
  }

  /** Whether a cancel was asked for the job `owner` runs (a read only, for the runner between writes). */
  async leaseState(id: string, owner: string): Promise<LeaseState> {
    const row = await this.prisma.job.findUnique({ where: { id }, select: { status: true, leaseOwner: true, cancelRequestedAt: true } });
    if (!row || row.status !== 'RUNNING' || row.leaseOwner !== owner) return 'lost';
    return row.cancelRequestedAt ? 'cancel-requested' : 'held';
  }

  /** Ends every lease: for a process that holds the database alone (PGlite), whose earlier owners are gone. */
  async expireAllLeases(): Promise<void> {
    await this.prisma.job.updateMany({ where: { status: 'RUNNING' }, data: { leaseExpiresAt: null, leaseOwner: null } });
  }

  /** Gives a job back unfinished (its process is stopping): another process, or this one's successor, takes it over. */
  async releaseLease(id: string, owner: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, status: 'RUNNING', leaseOwner: owner },
      data: { leaseOwner: null, leaseExpiresAt: null, attempts: { decrement: 1 } },
    });
  }

  async setProgress(id: string, owner: string, progress: number, message?: string, preview?: string): Promise<LeaseState> {
    const { count } = await this.prisma.job.updateMany({
      where: { id, leaseOwner: owner, status: 'RUNNING' },
      data: { progress, ...(message !== undefined ? { message } : {}), ...(preview !== undefined ? { preview } : {}) },
    });
    return count === 1 ? this.cancelState(id) : 'lost';
  }

  /**
   * cancelJob's write: a QUEUED job becomes CANCELLED at once; a RUNNING one is marked, and its
   * runner stops. Returns the row afterwards, or null when the job had already finished.
   */
  async requestCancel(id: string): Promise<Job | null> {
    const now = new Date();
    const queued = await this.prisma.job.updateMany({
      where: { id, status: 'QUEUED' },
      data: { status: 'CANCELLED', cancelRequestedAt: now, finishedAt: now, message: null, preview: null },
    });
    if (queued.count === 0) {
      const running = await this.prisma.job.updateMany({ where: { id, status: 'RUNNING' }, data: { cancelRequestedAt: now } });
      if (running.count === 0) return null;
    }
    return this.findById(id);
  }

  /** Only the lease holder finishes a job: a runner that lost its lease writes nothing. */
  async markSucceeded(id: string, owner: string, result: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, leaseOwner: owner, status: 'RUNNING' },
      data: { status: 'SUCCEEDED', progress: 1, result, message: null, preview: null, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
  }

  /**
   * Fails an unfinished job: its lease holder's failure, or (owner null) a job nobody can run.
   * `errorCode`, the failure's stable client-facing code when it has one, goes into the result.
   */
  async markFailed(id: string, owner: string | null, error: string, errorCode?: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, status: { in: [...ACTIVE] }, ...(owner ? { leaseOwner: owner } : {}) },
      data: { status: 'FAILED', error, ...(errorCode ? { result: { errorCode } } : {}), message: null, preview: null, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
  }

  /** Unfinished jobs of this type, other than `exceptId`, whose input has `value` at its top-level `field`. */
  countActiveWithInput(type: string, field: string, value: string, exceptId: string | null): Promise<number> {
    return this.prisma.job.count({
      where: { type, status: { in: [...ACTIVE] }, input: { path: [field], equals: value }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    });
  }

  /** The lease holder stopped the job because cancelJob asked it to. */
  async markCancelled(id: string, owner: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, status: 'RUNNING', leaseOwner: owner },
      data: { status: 'CANCELLED', message: null, preview: null, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
  }

  /** Jobs to (re)deliver: QUEUED since before `queuedBefore`, or RUNNING with a lease that ran out. */
  orphaned(queuedBefore: Date): Promise<Job[]> {
    const now = new Date();
    return this.prisma.job.findMany({
      where: {
        OR: [
          { status: 'QUEUED', createdAt: { lt: queuedBefore } },
          { status: 'RUNNING', OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
        ],
      },
      orderBy: { createdAt: 'asc' },
      take: 100,
    });
  }

  private async cancelState(id: string): Promise<LeaseState> {
    const row = await this.prisma.job.findUnique({ where: { id }, select: { cancelRequestedAt: true } });
    return row?.cancelRequestedAt ? 'cancel-requested' : 'held';
  }
}

async function activeCounts(db: Pick<PrismaClient, 'job'>, type: string, apiKeyId: string): Promise<{ key: number; all: number }> {
  // one after the other: inside a transaction both go through its one connection anyway
  const key = await db.job.count({ where: { type, status: { in: [...ACTIVE] }, apiKeyId } });
  const all = await db.job.count({ where: { type, status: { in: [...ACTIVE] } } });
  return { key, all };
}
