// DIR/README.md: what the built set holds, per game, and how it was made.
import { CLIP_RATE, CLIP_SECONDS, CLIP_START_FRACTION } from './media/audio.js';
import { IMAGE_SIZE } from './media/image.js';
import type { FetchedPackage } from './debian.js';
import type { RealsetEntry } from './manifest.js';
import { splitOf } from './games/index.js';
import type { GameSource, Split } from './types.js';

export interface GameSummary {
  game: string;
  title: string;
  split: Split;
  unitKind: string;
  pairs: number;
  units: number;
  images: number;
  tracks: number;
  imageLicences: string[];
  musicLicences: string[];
  packages: string[];
  imageNote: string;
}

const distinct = <T>(xs: T[]): T[] => [...new Set(xs)].sort();

export function gameSummaries(games: GameSource[], entries: RealsetEntry[], fetched: Record<string, FetchedPackage[]>): GameSummary[] {
  return games.map((g) => {
    const mine = entries.filter((e) => e.game === g.id);
    return {
      game: g.id, title: g.title, split: splitOf(g.id), unitKind: g.unitKind, pairs: mine.length,
      units: mine.reduce((n, e) => n + e.unit.names.length, 0),
      images: distinct(mine.map((e) => e.files.image)).length,
      tracks: distinct(mine.map((e) => e.files.audio)).length,
      imageLicences: distinct(mine.map((e) => e.licence.image.name)),
      musicLicences: distinct(mine.map((e) => e.licence.music.name)),
      packages: (fetched[g.id] ?? []).map((p) => `${p.name} ${p.version}`),
      imageNote: g.imageNote,
    };
  });
}

export function summaryTable(summaries: GameSummary[]): string {
  const rows = summaries.map((s) => `| ${s.title} (\`${s.game}\`) | ${s.split} | ${s.unitKind} | ${s.pairs} | ${s.units} | ${s.images} | ${s.tracks} | ${s.imageLicences.join('; ')} | ${s.musicLicences.join('; ')} | ${s.packages.join(', ')} |`);
  const total = summaries.reduce((t, s) => ({ pairs: t.pairs + s.pairs, units: t.units + s.units, images: t.images + s.images, tracks: t.tracks + s.tracks }), { pairs: 0, units: 0, images: 0, tracks: 0 });
  return [
    '| game | split | unit | pairs | units | pictures | tracks | picture licence | music licence | package |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    `| all | | | ${total.pairs} | ${total.units} | ${total.images} | ${total.tracks} | | | |`,
  ].join('\n');
}

export function renderReadme(summaries: GameSummary[], options: { limit?: number }): string {
  return `# Real image–music pairs (built by \`npm run realset -- build\`)

Generated; do not edit. Code and rules: \`packages/realset/README.md\`.
${options.limit !== undefined ? `\n**Partial build:** at most ${options.limit} pairs per game (\`--limit\`).\n` : ''}
A pair is one distinct (picture, track) of a game whose own data files put them together; \`units\`
counts the themes, level sectors, rooms, levels, areas or planets behind the pairs. Splits hold out whole games.

${summaryTable(summaries)}

Pictures (${IMAGE_SIZE}×${IMAGE_SIZE} RGB PNG, composed from the game's files, centre square):
${summaries.map((s) => `- ${s.title}: ${s.imageNote}`).join('\n')}

Music: mono ${CLIP_RATE / 1000} kHz PCM16 WAV, ${CLIP_SECONDS} s from ${CLIP_START_FRACTION * 100} % into the track
(earlier when the track is shorter; \`clip.startSeconds\` per pair); OGG decoded with the project's decoder
(audio-decode through @muse/embeddings), tracker modules rendered by openmpt123 (libopenmpt) first.

Licences come from each package's \`usr/share/doc/<package>/copyright\`; every manifest line names the
stanza or sentence it used (\`licence.*.from\`).
`;
}
