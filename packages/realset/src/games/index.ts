// The games the real set is built from, and which split each whole game belongs to.
import type { GameSource, Split } from '../types.js';
import { blobwars } from './blobwars.js';
import { fillets } from './fillets.js';
import { hedgewars } from './hedgewars.js';
import { naev } from './naev.js';
import { pekka } from './pekka.js';
import { pingus } from './pingus.js';
import { pushover } from './pushover.js';
import { supertux } from './supertux.js';
import { wizznic } from './wizznic.js';
import { xmoto } from './xmoto.js';

export const GAMES: readonly GameSource[] = [hedgewars, supertux, fillets, pingus, blobwars, wizznic, pekka, xmoto, naev, pushover];

/**
 * Whole games are held out: all pictures of one game share its art style and all its music its
 * composers, so pairs of one game on both sides of a split would measure style, not pairing.
 * The four games with the finest pairing (theme, level sector, room, level) are the test games;
 * Blob Wars is validation; the rest train.
 */
export const GAME_SPLITS: Readonly<Record<string, Split>> = {
  hedgewars: 'test',
  supertux: 'test',
  'fillets-ng': 'test',
  pingus: 'test',
  blobwars: 'val',
  wizznic: 'train',
  'pekka-kana-2': 'train',
  xmoto: 'train',
  naev: 'train',
  pushover: 'train',
};

export function splitOf(gameId: string): Split {
  const split = GAME_SPLITS[gameId];
  if (!split) throw new Error(`game ${gameId} has no split`);
  return split;
}

export function selectGames(ids: string[] | undefined): GameSource[] {
  if (!ids || ids.length === 0) return [...GAMES];
  const unknown = ids.filter((id) => !GAMES.some((g) => g.id === id));
  if (unknown.length) throw new Error(`unknown game(s): ${unknown.join(', ')} (known: ${GAMES.map((g) => g.id).join(', ')})`);
  return GAMES.filter((g) => ids.includes(g.id));
}
