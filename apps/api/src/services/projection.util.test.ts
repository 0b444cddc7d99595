import { test } from 'node:test';
import assert from 'node:assert/strict';
import { principalAxes, projectTo2D } from './projection.util.js';

/** Deterministic pseudo-random numbers in [-0.5, 0.5). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A grid spread along `a` (s in [-10, 10]) and `b` (t in ±1, ±3), uncorrelated by design, tiny noise elsewhere, around an offset. */
function cloud(a: number[], b: number[]): number[][] {
  const rnd = noise(42);
  const offset = [3, -1, 2, 0.5, 7, -2];
  const rows: number[][] = [];
  for (let s = -10; s <= 10; s++) for (const t of [-3, -1, 1, 3]) rows.push(offset.map((o, i) => o + s * a[i] + t * b[i] + rnd() * 0.001));
  return rows;
}

test('principal axes recover a known leading and second axis, sign fixed', () => {
  const a = unit([1, -2, 0, 0.5, 0, 0]);
  const b = unit([2, 1, 0, 0, 0, 0]); // orthogonal to a
  const { axes, variances, mean } = principalAxes(cloud(a, b), 2);
  assert.ok(Math.abs(axes[0].reduce((s, x, i) => s + x * a[i], 0)) > 0.9999, `axis 1: ${[...axes[0]]}`);
  assert.ok(Math.abs(axes[1].reduce((s, x, i) => s + x * b[i], 0)) > 0.999, `axis 2: ${[...axes[1]]}`);
  assert.ok(variances[0] > variances[1] && variances[1] > 0);
  // the largest loading of a is its second entry (negative), so the fixed axis has it positive
  assert.ok(axes[0][1] > 0);
  assert.ok(Math.abs(mean[4] - 7) < 0.1);
});

test('projectTo2D is deterministic, within [-1, 1] and reaches the edge', () => {
  const a = unit([1, -2, 0, 0.5, 0, 0]);
  const b = unit([2, 1, 0, 0, 0, 0]);
  const data = cloud(a, b);
  const first = projectTo2D(data);
  const again = projectTo2D(data.map((r) => [...r]));
  assert.deepEqual(first, again);
  let extent = 0;
  for (const p of first) {
    assert.ok(p.x >= -1 && p.x <= 1 && p.y >= -1 && p.y <= 1);
    extent = Math.max(extent, Math.abs(p.x), Math.abs(p.y));
  }
  assert.equal(extent, 1);
});

test('projectTo2D separates two clusters along x and copes with degenerate input', () => {
  const left = Array.from({ length: 10 }, (_, i) => [1, 0.01 * i, 0, 0]);
  const right = Array.from({ length: 10 }, (_, i) => [0, 0.01 * i, 1, 0]);
  const points = projectTo2D([...left, ...right]);
  const lx = points.slice(0, 10).map((p) => p.x);
  const rx = points.slice(10).map((p) => p.x);
  assert.ok(Math.max(...lx) < Math.min(...rx) || Math.max(...rx) < Math.min(...lx), 'clusters apart on the first axis');
  assert.deepEqual(projectTo2D([[1, 2, 3]]), [{ x: 0, y: 0 }]);
  assert.deepEqual(projectTo2D([]), []);
  assert.deepEqual(projectTo2D([[1, 0], [2, 0]]), [{ x: 0, y: 0 }, { x: 0, y: 0 }]); // same direction after normalising
});
