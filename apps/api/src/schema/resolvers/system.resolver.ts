import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Job } from '../types/job.type.js';
import { Stats } from '../types/stats.type.js';
import { AssetKind } from '../types/enums.js';
import type { ApiContext } from '../context.js';
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

  @Authorized('read')
  @Query(() => Stats, { description: 'Counts per kind, index sizes and the model bundle in use', complexity: STATS_COST })
  async stats(@Ctx() ctx: ApiContext): Promise<Stats> {
    const s = await ctx.services.stats.stats();
    return { ...s, indexes: s.indexes.map((i) => ({ modality: i.modality as AssetKind, size: i.size })) };
  }
}
