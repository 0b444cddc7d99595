// The real-pair set end to end without downloads: a small Fish Fillets NG tree in the package's
// layout (code.lua, models.lua, a painted room, a track, debian/copyright) stands in for the
// extracted .deb; the build reads it, writes pictures, clips, manifest.jsonl in the corpus's
// shape and the README; then `eval.py --real` ranks it with the shipped bundle. The ranking
// math (ranks, MRR, exact chance, bootstrap) is checked on toy vectors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { encodeWav } from '@muse/immute';
import { buildRealset, type RealsetEntry } from '@muse/realset';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.PYTHON ?? 'python3';
const work = mkdtempSync(join(tmpdir(), 'realset-'));
const out = join(work, 'realset');
const pkgRoot = join(out, 'cache', 'x', 'fillets-ng-data');
const game = join(pkgRoot, 'usr/share/games/fillets-ng');
const LEVELS = [
  { codename: 'airplane', track: 'rybky14', colour: { r: 200, g: 40, b: 40 }, hz: 220 },
  { codename: 'barrel', track: 'rybky14', colour: { r: 40, g: 200, b: 40 }, hz: 220 },
  { codename: 'cabin1', track: 'rybky03', colour: { r: 40, g: 40, b: 200 }, hz: 660 },
];

function write(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

function tone(hz: number, seconds: number, rate = 22050): Float32Array {
  const s = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < s.length; i++) s[i] = 0.3 * Math.sin((2 * Math.PI * hz * i) / rate);
  return s;
}

function runPython(args: string[]): string {
  const r = spawnSync(python, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  assert.equal(r.status, 0, `${python} ${args.join(' ')}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

before(async () => {
  // A .deb named like apt-get's, so the build takes the package as downloaded and extracted.
  write(join(out, 'cache', 'deb', 'fillets-ng-data_1.0.1-1.1_all.deb'), '');
  write(join(pkgRoot, 'usr/share/doc/fillets-ng-data/copyright'),
    'Copyright:\n\n   This package is free software; you can redistribute it and/or modify\n   it under the terms of the GNU General Public License as published by\n   the Free Software Foundation; version 2 dated June, 1991.\n');
  for (const l of LEVELS) {
    write(join(game, 'script', l.codename, 'code.lua'), `local function prog_init()\n    sound_playMusic("music/${l.track}.ogg")\nend\n`);
    write(join(game, 'script', l.codename, 'models.lua'), `\ncreateRoom(45, 27, "images/"..codename.."/room-p.png")\n`);
    write(join(game, 'images', l.codename, 'room-p.png'),
      await sharp({ create: { width: 600, height: 450, channels: 3, background: l.colour } }).png().toBuffer());
    // The decoder sniffs bytes, not names: a WAV under the game's .ogg name decodes the same way.
    write(join(game, 'music', `${l.track}.ogg`), encodeWav(tone(l.hz, 15), 22050));
  }
  write(join(game, 'script', 'menu', 'code.lua'), 'sound_playMusic("music/menu.ogg")\n'); // no models.lua: not a room
});

after(() => rmSync(work, { recursive: true, force: true }));

let entries: RealsetEntry[] = [];

test('build: one manifest line per distinct picture-track pair, in the corpus shape, with licence and sources', async () => {
  const lines: string[] = [];
  const result = await buildRealset({ out, games: ['fillets-ng'], log: (l) => lines.push(l) });
  assert.deepEqual(result.failed, []);
  assert.ok(result.complete);
  assert.ok(lines.some((l) => /fillets-ng: 3 pairs/.test(l)), 'progress names the pairs');
  entries = readFileSync(join(out, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RealsetEntry);
  assert.equal(entries.length, 3);
  assert.deepEqual(entries.map((e) => e.index), [0, 1, 2]);
  for (const e of entries) {
    assert.equal(e.split, 'test');
    assert.equal(e.game, 'fillets-ng');
    assert.equal(e.unit.kind, 'room');
    assert.equal(typeof e.ytid, 'string');
    assert.ok(Number.isInteger(e.seed));
    assert.deepEqual(e.files.hum, []);
    assert.deepEqual(e.views, { snippets: [], crops: [] });
    assert.equal(e.licence.music.name, 'GPL-2');
    assert.match(e.licence.image.from, /fillets-ng-data debian\/copyright: "GNU General Public License/);
    assert.deepEqual(e.source.packages, [{ name: 'fillets-ng-data', version: '1.0.1-1.1' }]);
    assert.match(e.source.mapping[0], /script\/[a-z0-9]+\/code\.lua$/);
    assert.equal(e.clip.startSeconds, 3);
    assert.equal(e.clip.trackSeconds, 15);
    const png = await sharp(join(out, e.files.image)).metadata();
    assert.deepEqual([png.format, png.width, png.height, png.channels], ['png', 256, 256, 3]);
    const wav = readFileSync(join(out, e.files.audio));
    const v = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    assert.deepEqual([v.getUint16(22, true), v.getUint32(24, true), v.getUint16(34, true), v.getUint32(40, true)], [1, 16000, 16, 320000]);
  }
  assert.equal(new Set(entries.map((e) => e.files.audio)).size, 2, 'the shared track is written once');
  const report = JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8'));
  assert.equal(report.complete, true);
  assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /\| Fish Fillets NG \(`fillets-ng`\) \| test \| room \| 3 \| 3 \| 3 \| 2 \| GPL-2 \| GPL-2 \|/);
});

test('build is idempotent: a second run keeps every file and writes the same manifest', async () => {
  const before = readFileSync(join(out, 'manifest.jsonl'), 'utf8');
  const result = await buildRealset({ out, games: ['fillets-ng'], log: () => {} });
  assert.ok(result.complete);
  assert.equal(readFileSync(join(out, 'manifest.jsonl'), 'utf8'), before);
});

test('a failed pair leaves no manifest.jsonl behind', async () => {
  const broken = join(work, 'broken');
  const brokenGame = join(broken, 'cache', 'x', 'fillets-ng-data', 'usr/share/games/fillets-ng');
  write(join(broken, 'cache', 'deb', 'fillets-ng-data_1.0_all.deb'), '');
  write(join(broken, 'cache', 'x', 'fillets-ng-data', 'usr/share/doc/fillets-ng-data/copyright'),
    'the GNU General Public License as published by the Free Software Foundation; version 2 dated June, 1991.');
  write(join(brokenGame, 'script', 'x', 'code.lua'), 'sound_playMusic("music/a.ogg")');
  write(join(brokenGame, 'script', 'x', 'models.lua'), 'createRoom(1, 1, "images/x/p.png")');
  write(join(brokenGame, 'images', 'x', 'p.png'), await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).png().toBuffer());
  write(join(brokenGame, 'music', 'a.ogg'), 'not audio');
  const result = await buildRealset({ out: broken, games: ['fillets-ng'], log: () => {} });
  assert.equal(result.complete, false);
  assert.match(result.failed[0].what, /^track /);
  assert.ok(!existsSync(join(broken, 'manifest.jsonl')));
});

test('eval.py --real ranks the held-out pairs with the shipped bundle and writes the figures', () => {
  const json = join(work, 'real-eval.json');
  const stdout = runPython(['training/muvis/eval.py', '--bundle', 'models/muvis-small', '--real', out, '--out', json]);
  assert.match(stdout, /image_to_music\s+fillets-ng\s+pool=game/);
  const result = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(result.games['fillets-ng'], { split: 'test', pictures: 3, tracks: 2, pairs: 3 });
  const i2m = result.metrics.image_to_music.perGame['fillets-ng'].game;
  assert.equal(i2m.queries, 3);
  assert.equal(i2m.candidates, 2);
  assert.equal(i2m['R@5'].value, 1, 'every track is in the top 5 of a pool of 2');
  assert.ok(Math.abs(i2m.MRR.chance - 0.75) < 1e-12, 'one relevant of two: chance MRR (1 + 1/2) / 2');
  const m2i = result.metrics.music_to_image.overall.all;
  assert.equal(m2i.queries, 2);
  assert.ok(m2i.MRR.ci95[0] <= m2i.MRR.value && m2i.MRR.value <= m2i.MRR.ci95[1]);
  const metrics = JSON.parse(readFileSync(join(root, 'models/muvis-small/metrics.json'), 'utf8'));
  assert.ok(!('real' in metrics) || metrics.real.realset !== out, 'metrics.json untouched without --write-metrics');
});

test('real-pair ranking math: first relevant rank, MRR, exact chance, bootstrap interval', () => {
  const out = runPython(['-c', `
import sys, json
sys.path.insert(0, 'training')
import numpy as np
from muvis.eval import first_relevant_ranks, chance_recall_at_k, chance_mrr, bootstrap_interval, ranking_figures
sims = np.array([[0.9, 0.5, 0.1], [0.2, 0.2, 0.8], [0.3, 0.6, 0.6]])
rel = np.array([[False, True, False], [True, False, True], [False, True, False]])
ranks = first_relevant_ranks(sims, rel).tolist()
f = ranking_figures(sims, rel)
pool = ranking_figures(np.array([[0.1, -np.inf, 0.9]]), np.array([[True, False, False]]))
print(json.dumps({"ranks": ranks, "mrr": f["MRR"]["value"], "r1": f["R@1"]["value"],
  "chance": [chance_recall_at_k(10, 1, 5), chance_mrr(10, 1), chance_mrr(4, 2), chance_recall_at_k(4, 2, 1), chance_recall_at_k(3, 1, 5)],
  "chanceMrr": f["MRR"]["chance"], "ci_const": bootstrap_interval(np.ones(7)), "ci": bootstrap_interval(np.array([0.0, 1.0] * 20)),
  "pool": [pool["candidates"], pool["MRR"]["value"], pool["MRR"]["chance"]]}))
`]);
  const r = JSON.parse(out) as { ranks: number[]; mrr: number; r1: number; chance: number[]; chanceMrr: number; ci_const: number[]; ci: number[]; pool: number[] };
  // Row 0: the relevant 0.5 is behind 0.9 -> 2. Row 1: best relevant 0.8 -> 1. Row 2: 0.6 tied with an irrelevant 0.6 -> 2.
  assert.deepEqual(r.ranks, [2, 1, 2]);
  assert.ok(Math.abs(r.mrr - (0.5 + 1 + 0.5) / 3) < 1e-12);
  assert.ok(Math.abs(r.r1 - 1 / 3) < 1e-12);
  const h10 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reduce((s, k) => s + 1 / k, 0) / 10;
  const expected = [0.5, h10, 0.5 + (2 / 6) / 2 + (1 / 6) / 3, 0.5, 1];
  r.chance.forEach((c, i) => assert.ok(Math.abs(c - expected[i]) < 1e-12, `chance ${i}: ${c} vs ${expected[i]}`));
  // Mean chance MRR over the rows: n = 3 with m = 1, 2, 1.
  const c31 = (1 + 1 / 2 + 1 / 3) / 3;
  const c32 = 2 / 3 + (1 / 3) / 2;
  assert.ok(Math.abs(r.chanceMrr - (2 * c31 + c32) / 3) < 1e-12);
  assert.deepEqual(r.ci_const, [1, 1]);
  assert.ok(r.ci[0] < 0.5 && r.ci[1] > 0.5 && r.ci[0] > 0.25 && r.ci[1] < 0.75, `interval ${r.ci}`);
  // A -inf candidate is outside the query's pool: 2 candidates, rank 2, chance (1 + 1/2) / 2.
  assert.deepEqual(r.pool, [2, 0.5, 0.75]);
});
