export { buildRealset, type BuildOptions, type BuildResult } from './build.js';
export { GAMES, GAME_SPLITS, splitOf, selectGames } from './games/index.js';
export { type RealsetEntry, MANIFEST_FILE, groupPairs } from './manifest.js';
export type { GameSource, UnitPair, ImageRecipe, Split, Licence } from './types.js';
