import type { Limits } from '../config/config.js';
import type { AssetFilterCriteria } from '../repositories/asset.repository.js';
import { BadUserInputException } from '../errors/app.exception.js';

/**
 * A client's filter, bounded: each required tag is a join and the text a scan, so an
 * unbounded filter is an unbounded query (100 tags once blocked the embedded database 12 s).
 */
export function checkFilter(filter: AssetFilterCriteria, limits: Pick<Limits, 'maxFilterTags' | 'maxFilterText'>): AssetFilterCriteria {
  const tags = [...new Set(filter.tags ?? [])];
  if (tags.length > limits.maxFilterTags) {
    throw new BadUserInputException(`a filter may require at most ${limits.maxFilterTags} tags; this one has ${tags.length}`, {
      limit: limits.maxFilterTags, actual: tags.length,
    });
  }
  if (filter.text && filter.text.length > limits.maxFilterText) {
    throw new BadUserInputException(`a text filter may be at most ${limits.maxFilterText} characters; this one has ${filter.text.length}`, {
      limit: limits.maxFilterText, actual: filter.text.length,
    });
  }
  return filter.tags ? { ...filter, tags } : filter;
}
