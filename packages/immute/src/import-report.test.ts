import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImportReport, writeImportReport } from './import-report.js';
import type { ImportedItem, ImportReport } from './importer.js';
import { ImmuteError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'immute-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const item: ImportedItem = {
  id: 'sunrise', caption: 'bright morning song', aspects: ['slow tempo'], tags: ['slow-tempo'],
  imagePath: '/media/sunrise.png', audioPath: '/media/sunrise.wav',
  image: { width: 64, height: 48 }, audio: { sampleRate: 16000, channels: 1, durationSeconds: 1 },
};
const report: ImportReport = { source: '/media', items: [item], skipped: [{ row: 'lonely', code: 'UNPAIRED', reason: 'no audio' }] };

function written(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(path: string): { code: string; message: string } {
  try {
    readImportReport(path);
  } catch (err) {
    assert.ok(err instanceof ImmuteError, String(err));
    return { code: err.code, message: err.message };
  }
  return assert.fail(`${path} was read`);
}

test('an import report reads back as it was written; relative media paths are taken from its folder', () => {
  const path = join(dir, 'report.json');
  writeImportReport(path, report);
  assert.deepEqual(readImportReport(path), report);
  const relative = written('relative.json', JSON.stringify({ ...report, items: [{ ...item, imagePath: 'pairs/a.png', audioPath: '../a.wav' }] }));
  const [read] = readImportReport(relative).items;
  assert.equal(read.imagePath, join(dir, 'pairs/a.png'));
  assert.equal(read.audioPath, join(dir, '../a.wav'));
});

test('no file is NOT_FOUND; a malformed one is BAD_METADATA naming what is wrong', () => {
  assert.equal(failure(join(dir, 'none.json')).code, 'NOT_FOUND');
  const cases: [string, unknown, RegExp][] = [
    ['text', 'not json', /not JSON/],
    ['array', [], /not a JSON object/],
    ['no items', { source: 'x', skipped: [] }, /"items" is not an array/],
    ['no id', { ...report, items: [{ ...item, id: undefined }] }, /items\[0\]\.id is missing, not a non-empty string/],
    ['empty path', { ...report, items: [item, { ...item, id: 'b', audioPath: '' }] }, /items\[1\]\.audioPath is "", not a non-empty string/],
    ['caption', { ...report, items: [{ ...item, caption: 3 }] }, /items\[0\]\.caption is 3, not a string/],
    ['tags', { ...report, items: [{ ...item, tags: ['calm', 1] }] }, /items\[0\]\.tags is \["calm",1\], not an array of strings/],
    ['twice', { ...report, items: [item, item] }, /items\[1\]\.id "sunrise" appears twice/],
  ];
  for (const [name, content, message] of cases) {
    const path = written(`${name}.json`, typeof content === 'string' ? content : JSON.stringify(content));
    const { code, message: text } = failure(path);
    assert.equal(code, 'BAD_METADATA', name);
    assert.match(text, message, name);
    assert.ok(text.startsWith(`${path} is not an import report`), text);
  }
});
