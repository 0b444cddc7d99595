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

  markRunning(id: string): Promise<Job> {
    return this.prisma.job.update({
      where: { id },
      data: { status: 'RUNNING', startedAt: new Date(), attempts: { increment: 1 }, error: null },
    });
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.prisma.job.update({ where: { id }, data: { progress } });
  }

  async markSucceeded(id: string, result: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.job.update({ where: { id }, data: { status: 'SUCCEEDED', progress: 1, result, finishedAt: new Date() } });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.job.update({ where: { id }, data: { status: 'FAILED', error, finishedAt: new Date() } });
  }

  /** Jobs a previous process left QUEUED or RUNNING (in-process runner only). */
  unfinished(): Promise<Job[]> {
    return this.prisma.job.findMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } }, orderBy: { createdAt: 'asc' } });
  }
}
