import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCRIABIN_HUE } from '@muse/immute';
import { dominantKeyTonic, keyColourFigures, nearestKeyTonic } from './key-colour.js';

/** interleaved RGB of a fully saturated colour at `hue` degrees (HSV with s = v = 1) */
function hueRgb(hue: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (1 - Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

function picture(parts: readonly { rgb: readonly number[]; pixels: number }[]): Uint8Array {
  return Uint8Array.from(parts.flatMap(({ rgb, pixels }) => Array.from({ length: pixels }, () => [...rgb]).flat()));
}

test('every key hue reads back as its own tonic, and a hue between two goes to the nearer', () => {
  for (const [tonic, hue] of Object.entries(SCRIABIN_HUE)) {
    assert.equal(nearestKeyTonic(hue), Number(tonic));
    assert.equal(dominantKeyTonic(picture([{ rgb: hueRgb(hue), pixels: 16 }])), Number(tonic), `hue ${hue}`);
  }
  assert.equal(nearestKeyTonic(359), 0); // C red at 0° wraps round
  assert.equal(nearestKeyTonic(40), 7); // G at 30°, not D at 55°
});

test('the dominant key counts coloured pixels by chroma and ignores greys', () => {
  const green = hueRgb(SCRIABIN_HUE[9]);
  const red = hueRgb(SCRIABIN_HUE[0]);
  const paleRed = [200, 160, 160]; // chroma 0.16: a weak vote
  assert.equal(dominantKeyTonic(picture([{ rgb: green, pixels: 10 }, { rgb: paleRed, pixels: 40 }, { rgb: [128, 128, 128], pixels: 500 }])), 9);
  assert.equal(dominantKeyTonic(picture([{ rgb: green, pixels: 10 }, { rgb: red, pixels: 11 }])), 0);
  assert.equal(dominantKeyTonic(picture([{ rgb: [30, 30, 30], pixels: 50 }, { rgb: [250, 250, 250], pixels: 50 }])), null);
});

test('key-colour figures: the match rate, uniform and shuffled chance, colourless pictures', () => {
  const f = keyColourFigures([0, 0, 7, null], [0, 7, 7, 2]);
  assert.equal(f.match, 0.5);
  assert.equal(f.colourless, 1);
  assert.equal(f.chanceUniform, 1 / 12);
  // read: C 1/2, G 1/4; keys: C 1/4, G 1/2, D 1/4 → 1/8 + 1/8
  assert.ok(Math.abs(f.chanceShuffled - 0.25) < 1e-12);
  assert.throws(() => keyColourFigures([0], [0, 1]));
});
