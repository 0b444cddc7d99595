import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { importCsv, importFolder } from './importer.js';
import { encodeWav } from './render/wav.js';

let dir: string;
const tone = (seconds: number): Float32Array => Float32Array.from({ length: seconds * 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000));
const png = async (): Promise<Buffer> => {
  const c = createCanvas(64, 48);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#3366aa';
  ctx.fillRect(0, 0, 64, 48);
  return c.encode('png');
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'immute-import-'));
  mkdirSync(join(dir, 'media'));
  writeFileSync(join(dir, 'media/a.png'), await png());
  writeFileSync(join(dir, 'media/a.wav'), encodeWav(tone(2), 16000));
  writeFileSync(join(dir, 'media/broken.png'), 'this is not an image');
  writeFileSync(join(dir, 'media/broken.wav'), 'RIFF nonsense');
  const header = 'index,ytid,caption,aspect_list,image_path,audio_path';
  const rows = [
    `0,yt-a,"A calm piano, slow tempo","[""slow tempo"", ""piano""]",media/a.png,media/a.wav`,
    `1,yt-b,"missing files","[]",media/none.png,media/a.wav`,
    `2,yt-c,,"[]",media/a.png,media/a.wav`,
    `3,yt-d,"bad aspects","not json",media/a.png,media/a.wav`,
    `4,yt-e,"broken image","[]",media/broken.png,media/a.wav`,
    `5,yt-f,"broken audio","[]",media/a.png,media/broken.wav`,
    `6,yt-a,"duplicate id","[]",media/a.png,media/a.wav`,
  ];
  writeFileSync(join(dir, 'corpus.csv'), `${header}\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'missing-cols.csv'), 'ytid,caption\nx,y\n');
  mkdirSync(join(dir, 'pairs'));
  writeFileSync(join(dir, 'pairs/sunrise.png'), await png());
  writeFileSync(join(dir, 'pairs/sunrise.wav'), encodeWav(tone(1), 16000));
  writeFileSync(join(dir, 'pairs/sunrise.txt'), 'bright morning song');
  writeFileSync(join(dir, 'pairs/lonely.png'), await png());
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a CSV in ImMuTe layout imports its valid rows and reports each skipped row with a reason', async () => {
  const report = await importCsv(join(dir, 'corpus.csv'));
  assert.equal(report.items.length, 1);
  const item = report.items[0];
  assert.equal(item.id, 'yt-a');
  assert.deepEqual(item.tags, ['piano', 'slow-tempo']);
  assert.deepEqual(item.image, { width: 64, height: 48 });
  assert.equal(item.audio.sampleRate, 16000);
  assert.equal(item.audio.durationSeconds, 2);
  assert.deepEqual(report.skipped.map((s) => [s.row, s.code]), [
    [3, 'MISSING_FILE'], [4, 'EMPTY_CAPTION'], [5, 'BAD_ASPECTS'], [6, 'UNDECODABLE_IMAGE'], [7, 'UNDECODABLE_AUDIO'], [8, 'DUPLICATE_ID'],
  ]);
  assert.ok(report.skipped.every((s) => s.reason.length > 0));
});

test('a CSV without the required columns is refused as a whole', async () => {
  await assert.rejects(importCsv(join(dir, 'missing-cols.csv')), { code: 'BAD_USER_INPUT', message: /image_path, audio_path/ });
  await assert.rejects(importCsv(join(dir, 'nope.csv')), { code: 'NOT_FOUND' });
});

test('a folder of same-named pairs imports the pairs and reports the unpaired', async () => {
  const report = await importFolder(join(dir, 'pairs'));
  assert.deepEqual(report.items.map((i) => [i.id, i.caption]), [['sunrise', 'bright morning song']]);
  assert.deepEqual(report.skipped.map((s) => [s.row, s.code]), [['lonely', 'UNPAIRED']]);
});
