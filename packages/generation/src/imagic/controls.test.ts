import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenName } from '../tokenizer/vocabulary.js';
import { forcedPrefix, instrumentSet, tonicOf } from './controls.js';

test('keys by name, sharp or flat, or pitch class', () => {
  assert.deepEqual(['C', 'c#', 'Db', 'D', 'F♯', 'Bb', 'B', 11].map(tonicOf), [0, 1, 1, 2, 6, 10, 11, 11]);
  assert.throws(() => tonicOf('H'), { code: 'BAD_USER_INPUT' });
  assert.throws(() => tonicOf(12), { code: 'BAD_USER_INPUT' });
});

test('instruments: GM programs and one drum kit, ascending, at most 15 programs', () => {
  assert.deepEqual(instrumentSet(['drums', 40, '0', 40]), [0, 40, 128]);
  assert.deepEqual(instrumentSet(['drums:tr808']), [132]);
  assert.throws(() => instrumentSet(['drums', 'drums:jazz']), /one drum kit/);
  assert.throws(() => instrumentSet(Array.from({ length: 16 }, (_, i) => i)), /at most 15/);
  assert.throws(() => instrumentSet([128]), /0–127/);
  assert.throws(() => instrumentSet(['kazoo']), /unknown instrument/);
  assert.throws(() => instrumentSet([]), /at least one/);
});

test('forcedPrefix turns set controls into tokens and leaves the rest out', () => {
  const f = forcedPrefix({ tempo: 120, key: 'D', mode: 'minor', meter: '6/8', style: 'ambient', instruments: [48, 0], density: 2 });
  assert.deepEqual([f.tempo, f.key, f.mode, f.meter, f.style, ...f.instruments!, f.density].map((id) => tokenName(id!)),
    ['Tempo_120', 'Key_D', 'Mode_minor', 'Meter_6/8', 'Style_ambient', 'Program_0', 'Program_48', 'Density_2']);
  assert.deepEqual(forcedPrefix({}), {});
  assert.deepEqual(Object.keys(forcedPrefix({ mode: 'major' })), ['mode']);
  for (const bad of [{ tempo: 39 }, { tempo: 120.5 }, { meter: '4/3' }, { density: 10 }, { style: 'polka' as never }, { mode: 'dorian' as never }]) {
    assert.throws(() => forcedPrefix(bad), { code: 'BAD_USER_INPUT' }, JSON.stringify(bad));
  }
});
