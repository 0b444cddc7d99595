import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psnr, tradeoffMonotonicity, tradeoffRows, type GuidedSample } from './guidance-tradeoff.js';

test('PSNR: capped for equal pictures, 20·log10(255/d) for a constant difference d', () => {
  const a = new Uint8Array(300).fill(100);
  assert.equal(psnr(a, a), 99);
  const b = new Uint8Array(300).fill(110);
  assert.ok(Math.abs(psnr(a, b) - 20 * Math.log10(255 / 10)) < 1e-9);
  assert.throws(() => psnr(a, new Uint8Array(3)));
});

test('trade-off rows average per strength in increasing order, and the monotonicity reads the trend', () => {
  const s = (guideCosine: number, musicCosine: number, guidePsnr = 20): GuidedSample => ({ guideCosine, musicCosine, guidePsnr });
  const rows = tradeoffRows(new Map([
    [0.9, [s(0.2, 0.3), s(0.4, 0.5)]],
    [0.3, [s(0.9, 0.1, 30)]],
    [0.6, [s(0.6, 0.2), s(0.6, 0.2)]],
    [0.7, []],
  ]));
  assert.deepEqual(rows.map((r) => [r.strength, r.items]), [[0.3, 1], [0.6, 2], [0.9, 2]]);
  assert.ok(Math.abs(rows[2].guideCosine - 0.3) < 1e-12 && Math.abs(rows[2].musicCosine - 0.4) < 1e-12);
  assert.equal(rows[0].guidePsnr, 30);
  assert.deepEqual(tradeoffMonotonicity(rows), { guideFalls: 1, musicRises: 1 });
  const reversed = rows.map((r, i) => ({ ...r, musicCosine: -i }));
  assert.deepEqual(tradeoffMonotonicity(reversed), { guideFalls: 1, musicRises: 0 });
});
