import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { MapPoint } from '../types/map-point.type.js';
import { DEFAULT_MAP_POINTS, MAX_MAP_POINTS } from '../../services/embedding-map.service.js';
import { AssetKind } from '../types/enums.js';
import type { ApiContext } from '../context.js';

/** Points per unit of cost: the map is one cached projection plus one light read, not `first` searches. */
const MAP_POINTS_PER_COST = 100;

// `first` is clamped here so an out-of-range value reaches the service and gets BAD_USER_INPUT.
const mapCost = ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }) => {
  const first = Math.min(Math.max((args.first as number | null | undefined) ?? DEFAULT_MAP_POINTS, 1), MAX_MAP_POINTS);
  return Math.ceil(first / MAP_POINTS_PER_COST) * (childComplexity + 1);
};

@Resolver()
export class MapResolver {
  @Authorized('read')
  @Query(() => [MapPoint], {
    description: `Assets on a 2-D PCA map of the joint embedding space (images and audio together), most recently embedded first; first ≤ ${MAX_MAP_POINTS}`,
    complexity: mapCost,
  })
  async embeddingMap(
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_MAP_POINTS }) first: number | null,
    @Arg('kind', () => AssetKind, { nullable: true }) kind: AssetKind | null | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<MapPoint[]> {
    const points = await ctx.services.embeddingMap.map(first ?? DEFAULT_MAP_POINTS, kind ?? undefined);
    return points.map((p) => ({ ...p, kind: p.kind as AssetKind }));
  }
}
