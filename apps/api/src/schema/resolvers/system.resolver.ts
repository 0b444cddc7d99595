import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Job as JobRow } from '../../repositories/job.repository.js';
import { Job } from '../types/job.type.js';
import { Stats } from '../types/stats.type.js';
import { AssetKind } from '../types/enums.js';
import { callerKeyId, type ApiContext } from '../context.js';
import { toJob } from '../job.mapper.js';

/** stats counts rows of three tables: priced like a page of 20 assets, not like one field */
const STATS_COST = 20;

@Resolver()
export class SystemResolver {
  @Authorized('read')
  @Query(() => Job, { nullable: true, description: 'A job by id; poll it for progress' })
  async job(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Job | null> {
    const row = await ctx.services.jobs.get(id);
    return row ? toJob(row) : null;
  }

  @Authorized('write')
  @Mutation(() => Job, {
    description: 'Cancels a job of this API key: a QUEUED one at once (CANCELLED), a RUNNING one is asked to stop and ends CANCELLED, keeping nothing it made. CONFLICT when it has finished; NOT_FOUND for another key\'s job',
  })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Job> {
    return toJob(await ctx.services.jobs.cancel(id, callerKeyId(ctx)));
  }

  @Authorized('read')
  @Subscription(() => Job, {
    description: 'The job now, then each change (status, progress, message) until it is SUCCEEDED, FAILED or CANCELLED; then the subscription completes. graphql-ws on /graphql',
    subscribe: ({ args, context }) => (context as ApiContext).services.jobs.watch(String(args.id)),
  })
  jobUpdated(@Arg('id', () => ID) _id: string, @Root() job: JobRow): Job {
    return toJob(job);
  }

  @Authorized('read')
  @Query(() => Stats, { description: 'Counts per kind, index sizes and the model bundle in use', complexity: STATS_COST })
  async stats(@Ctx() ctx: ApiContext): Promise<Stats> {
    const s = await ctx.services.stats.stats();
    return { ...s, indexes: s.indexes.map((i) => ({ modality: i.modality as AssetKind, size: i.size })) };
  }
}
