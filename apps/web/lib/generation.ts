/** Asset ids a generation job's result names, whatever shape the engine reports it in. */
export function resultAssetIds(result: unknown): { main: string[]; midi: string | null } {
  if (!result || typeof result !== 'object') return { main: [], midi: null };
  const r = result as Record<string, unknown>;
  const ids: string[] = [];
  for (const key of ['assetId', 'imageAssetId', 'audioAssetId']) if (typeof r[key] === 'string') ids.push(r[key] as string);
  if (Array.isArray(r.assetIds)) ids.push(...r.assetIds.filter((x): x is string => typeof x === 'string'));
  if (r.asset && typeof r.asset === 'object' && typeof (r.asset as { id?: unknown }).id === 'string') ids.push((r.asset as { id: string }).id);
  const midi = typeof r.midiAssetId === 'string' ? r.midiAssetId : typeof r.midiUrl === 'string' ? r.midiUrl : null;
  return { main: [...new Set(ids)], midi };
}
