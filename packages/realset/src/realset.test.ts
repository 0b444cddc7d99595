// The mapping readers on hand-written fixtures in each game's own format, the licence lookup,
// the whole-game split rule, pair grouping and the clip position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBlobwarsLevel } from './games/blobwars.js';
import { filletsMusic, filletsRoomImage } from './games/fillets.js';
import { parseThemeCfg } from './games/hedgewars.js';
import { GAME_SPLITS, GAMES, selectGames, splitOf } from './games/index.js';
import { parsePingusLevel } from './games/pingus.js';
import { parseMusicWrapper, parseSuperTuxLevel } from './games/supertux.js';
import { audioFile, groupPairs, imageFile } from './manifest.js';
import { CLIP_SECONDS, clipStart, isTrackerModule } from './media/audio.js';
import { dep5Licence, isDep5, parseDep5 } from './parse/dep5.js';
import { parseSExprs, SExprError } from './parse/sexpr.js';
import type { UnitPair } from './types.js';

const fixture = (path: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'latin1');

test('Hedgewars theme.cfg: music, sudden-death music and the sky colour', () => {
  assert.deepEqual(parseThemeCfg(fixture('hedgewars/theme.cfg')), { sky: [19, 18, 82], music: 'Nature.ogg', sdMusic: 'hell.ogg' });
  assert.deepEqual(parseThemeCfg('sky = 300, 0, 0\n'), {}, 'an out-of-range sky is ignored');
});

test('SuperTux level: sectors with new and old music forms, backgrounds back to front by z-pos', () => {
  const level = parseSuperTuxLevel(fixture('supertux/level.stl'));
  assert.equal(level.name, 'Fixture Heights');
  assert.equal(level.license, 'GPL 2+ / CC-by-sa 3.0');
  assert.deepEqual(level.sectors, [
    { name: 'main', music: 'music/antarctic/airship_remix.music', backgrounds: ['images/background/arcticskies1.png', '/images/background/fog.png'] },
    { name: 'secret', music: 'darkforestkeep.ogg', backgrounds: ['/images/background/cave2.jpg'] },
    { name: 'silent', music: undefined, backgrounds: ['/images/background/cave2.jpg'] },
  ]);
  assert.equal(parseMusicWrapper(fixture('supertux/airship_remix.music')), 'airship_remix.ogg');
});

test('S-expressions: strings with escapes and brackets, comments, numbers, booleans, errors', () => {
  assert.deepEqual(parseSExprs('(a "x (y) \\"z\\"" 1.5 #t ; comment (\n b)'), [['a', 'x (y) "z"', 1.5, true, 'b']]);
  assert.throws(() => parseSExprs('(a (b)'), SExprError);
  assert.throws(() => parseSExprs('a)'), SExprError);
});

test('Fillets-NG: the one literal track of code.lua and the room picture of models.lua', () => {
  assert.deepEqual(filletsMusic(fixture('fillets/code.lua')), ['music/rybky14.ogg'], 'the same track twice is one');
  assert.deepEqual(filletsMusic(fixture('fillets/code-dynamic.lua')), [], 'a name built at run time is not read');
  assert.equal(filletsRoomImage(fixture('fillets/models.lua'), 'airplane'), 'images/airplane/letadlo-p.png');
  assert.equal(filletsRoomImage('createRoom(40, 30, "images/x/pozadi.png")', 'x'), 'images/x/pozadi.png');
});

test('Pingus: music from the head ("none" is none) and the surface-background texture', () => {
  const level = parsePingusLevel(fixture('pingus/level.pingus'));
  assert.deepEqual(level, { name: 'Up, Up and Away', license: 'GPLv3+', music: 'pingus-4.it', backgrounds: ['textures/cyanspace'] });
  assert.equal(parsePingusLevel(fixture('pingus/level-none.pingus')).music, undefined);
});

test('Blob Wars: STAGENAME, MUSIC and BACKGROUND lines among the map rows', () => {
  assert.deepEqual(parseBlobwarsLevel(fixture('blobwars/arcticWastes')),
    { stage: 'Arctic Wastes', background: 'gfx/arctic/wasteland.png', music: 'music/arctic' });
});

test('debian/copyright (DEP-5): the last matching stanza decides; multi-line Files', () => {
  const text = fixture('debian/copyright-dep5');
  assert.ok(isDep5(text));
  assert.ok(!isDep5('This package was debianized by someone.\n'));
  const stanzas = parseDep5(text);
  assert.equal(stanzas.length, 4);
  assert.equal(dep5Licence(stanzas, 'data/images/background/fog.png')?.license, 'GPL-3+');
  assert.equal(dep5Licence(stanzas, 'data/levels/world1/a.stl')?.license, 'GPL-2+ or CC-BY-SA-3.0');
  assert.equal(dep5Licence(stanzas, 'data/levels/bonus4/b.stl')?.license, 'CC-BY-SA-4.0');
  assert.equal(dep5Licence(stanzas, 'data/music/forest/forest.ogg')?.license, 'GPL-2+');
  assert.equal(dep5Licence(stanzas, 'data/sounds/x.ogg')?.license, 'GPL-2+');
});

test('splits hold out whole games: every game has exactly one split, and test holds the finest-paired games', () => {
  for (const g of GAMES) assert.ok(['train', 'val', 'test'].includes(splitOf(g.id)), g.id);
  assert.deepEqual(Object.keys(GAME_SPLITS).sort(), GAMES.map((g) => g.id).sort());
  const test = GAMES.filter((g) => splitOf(g.id) === 'test').map((g) => g.id);
  assert.ok(test.length >= 3, 'at least three test games');
  for (const finest of ['hedgewars', 'supertux', 'fillets-ng']) assert.ok(test.includes(finest), finest);
  assert.throws(() => splitOf('not-a-game'));
  assert.deepEqual(selectGames(['pingus']).map((g) => g.id), ['pingus']);
  assert.throws(() => selectGames(['pingus', 'nope']), /unknown game/);
});

test('pairs: units with the same picture and track become one pair; file names are stable per picture and track', () => {
  const unit = (u: string, files: string[], music: string): UnitPair => ({
    unit: u, imageKey: files.join('+'), image: { kind: 'layers', files }, music, mapping: `levels/${u}.stl`,
  });
  const grouped = groupPairs([
    unit('b#main', ['sky.png'], 'm/one.ogg'), unit('a#main', ['sky.png'], 'm/one.ogg'),
    unit('a#cave', ['cave.png'], 'm/one.ogg'), unit('c#main', ['sky.png'], 'm/two.ogg'),
  ]);
  assert.deepEqual(grouped.map((g) => [g.imageKey, g.music, g.units]), [
    ['cave.png', 'm/one.ogg', ['a#cave']], ['sky.png', 'm/one.ogg', ['b#main', 'a#main']], ['sky.png', 'm/two.ogg', ['c#main']],
  ]);
  assert.deepEqual(grouped[1].mappings, ['levels/b#main.stl', 'levels/a#main.stl']);
  assert.equal(imageFile('g', grouped[1]), imageFile('g', grouped[2]), 'one picture file for one recipe');
  assert.match(imageFile('g', grouped[1]), /^images\/g\/sky-png-[0-9a-f]{8}\.png$/);
  assert.notEqual(audioFile('g', 'a/one.ogg'), audioFile('g', 'b/one.ogg'), 'same base name, other folder');
  assert.match(audioFile('g', 'm/One Song.ogg'), /^audio\/g\/one-song-[0-9a-f]{8}\.wav$/);
});

test('clip position: 20 % into the track, earlier when the clip would run past the end, 0 for short tracks', () => {
  assert.equal(clipStart(100), 20);
  assert.equal(clipStart(12), 2);
  assert.equal(clipStart(11.111), 1.11);
  assert.equal(clipStart(CLIP_SECONDS - 3), 0);
  assert.ok(isTrackerModule('music/pingus-4.IT') && isTrackerModule('a.xm') && !isTrackerModule('a.ogg'));
});
