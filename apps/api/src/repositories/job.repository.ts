import type { PrismaClient, Job, Prisma } from '../generated/prisma/client.js';

import { isUuid } from './uuid.util.js';

export type { Job };

export class JobRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(type: string, input: Prisma.InputJsonValue): Promise<Job> {
    return this.prisma.job.create({ data: { type, input } });
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

  /** Extends the lease; false when `owner` no longer holds the job. */
  async renewLease(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: { id, status: 'RUNNING', leaseOwner: owner },
      data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
    });
    return count === 1;
  }

  /** Ends every lease: for a process that holds the database alone (PGlite), whose earlier owners are gone. */
  async expireAllLeases(): Promise<void> {
    await this.prisma.job.updateMany({ where: { status: 'RUNNING' }, data: { leaseExpiresAt: null, leaseOwner: null } });
  }

  async setProgress(id: string, owner: string, progress: number): Promise<void> {
    await this.prisma.job.updateMany({ where: { id, leaseOwner: owner, status: 'RUNNING' }, data: { progress } });
  }

  /** Only the lease holder finishes a job: a runner that lost its lease writes nothing. */
  async markSucceeded(id: string, owner: string, result: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, leaseOwner: owner, status: 'RUNNING' },
      data: { status: 'SUCCEEDED', progress: 1, result, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
  }

  /** Fails an unfinished job: its lease holder's failure, or (owner null) a job nobody can run. */
  async markFailed(id: string, owner: string | null, error: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, status: { in: ['QUEUED', 'RUNNING'] }, ...(owner ? { leaseOwner: owner } : {}) },
      data: { status: 'FAILED', error, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
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
}
