import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TEMPO, estimateTempo, mergeOnsets, type Onset } from './tempo.js';

/** bars of onsets, in beats within a 4/4 bar; the bars repeat in turn */
const RHYTHMS: Record<string, number[][]> = {
  quarters: [[0, 1, 2, 3]],
  'quarters and eighths': [[0, 1, 1.5, 2, 3], [0, 0.5, 1, 2, 2.5, 3, 3.5], [0, 2, 3], [0, 1, 2, 2.5, 3]],
  dotted: [[0, 1.5, 2, 3], [0, 1, 1.5, 2.5, 3], [0, 0.5, 1, 1.5, 2, 3]],
  swing: [[0, 2 / 3, 1, 5 / 3, 2, 3], [0, 1, 5 / 3, 2, 3, 11 / 3]],
  syncopated: [[0, 0.5, 1.5, 2.5, 3], [0, 1, 1.5, 2.5, 3.5], [0.5, 1.5, 2, 3]],
  sixteenths: [[0, 0.25, 0.5, 0.75, 1, 2, 2.5, 3], [0, 1, 1.25, 1.5, 2, 3, 3.5]],
};

function seeded(seed: number): () => number {
  return () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
}

/** ~10 s of a rhythm at `bpm` from `offset` seconds: ±15 ms timing jitter, one onset in ten left out, uneven weights */
function performance(rhythm: number[][], bpm: number, offset: number, seed: number): Onset[] {
  const random = seeded(seed);
  const beat = 60 / bpm;
  const onsets: Onset[] = [];
  for (let bar = 0; bar * 4 * beat < 10; bar++) {
    for (const b of rhythm[bar % rhythm.length]) {
      if (random() < 0.1) continue;
      onsets.push({ seconds: offset + (bar * 4 + b) * beat + (random() - 0.5) * 0.03, weight: 0.6 + 0.4 * random() });
    }
  }
  return onsets.filter((o) => o.seconds < offset + 10);
}

const circularDistance = (a: number, b: number, period: number) => { const d = Math.abs(a - b) % period; return Math.min(d, period - d); };

test('the beat of common rhythms between 84 and 160 BPM, within 4 % (measured: within 0.2 %), and its phase', () => {
  for (const [name, rhythm] of Object.entries(RHYTHMS).filter(([n]) => n !== 'syncopated')) {
    for (const [i, bpm] of [84, 96, 100, 110, 120, 132, 144, 160].entries()) {
      const offset = 0.05 + 0.1 * i;
      const estimate = estimateTempo(performance(rhythm, bpm, offset, 31 * i + name.length));
      assert.ok(Math.abs(estimate.bpm / bpm - 1) <= 0.04, `${name} at ${bpm} BPM: estimated ${estimate.bpm}`);
      assert.ok(Math.abs(estimate.beatSeconds - 60 / estimate.bpm) < 1e-12);
      assert.ok(circularDistance(estimate.phaseSeconds, offset, estimate.beatSeconds) < 0.04, `${name} at ${bpm}: phase ${estimate.phaseSeconds} for ${offset}`);
      assert.ok(estimate.confidence > 1);
    }
  }
});

test('octave ambiguity is resolved towards 120 BPM: a pulse outside 84–160 may come back doubled or halved, never off the pulse', () => {
  // A steady pulse is as periodic at 2× its period as at 1×; the preference for ~120 BPM picks one.
  const cases: [string, number, number[]][] = [
    ['quarters', 60, [60, 120]],
    ['quarters and eighths', 72, [72, 144]],
    ['quarters', 180, [90, 180]],
    ['swing', 200, [100, 200]],
    ['quarters and eighths', 200, [100, 200]],
    // more off-beat than on-beat onsets: the eighth-note pulse is as strong a reading as the beat
    ['syncopated', 84, [84, 168]],
    ['syncopated', 120, [120]],
    ['syncopated', 144, [144]],
  ];
  for (const [name, bpm, accepted] of cases) {
    const estimate = estimateTempo(performance(RHYTHMS[name], bpm, 0.2, bpm));
    assert.ok(accepted.some((a) => Math.abs(estimate.bpm / a - 1) <= 0.04), `${name} at ${bpm}: ${estimate.bpm} is none of ${accepted}`);
  }
  // A pure pulse at 90 BPM: 90 and 180 fit equally, 90 is nearer 120.
  const pulse = Array.from({ length: 16 }, (_, i) => ({ seconds: i * (60 / 90) }));
  assert.ok(Math.abs(estimateTempo(pulse).bpm - 90) < 0.5);
});

test('chords and doubled attacks count once; too few onsets give the default tempo', () => {
  assert.deepEqual(mergeOnsets([{ seconds: 1 }, { seconds: 0.51, weight: 0.9 }, { seconds: 0.5, weight: 0.4 }, { seconds: 1.02, weight: 2 }]), [
    { seconds: 0.5, weight: 0.9 }, { seconds: 1, weight: 2 },
  ]);
  const chordal = performance(RHYTHMS['quarters and eighths'], 110, 0.3, 5).flatMap((o) => [o, { seconds: o.seconds + 0.01 }, { seconds: o.seconds + 0.02 }]);
  assert.ok(Math.abs(estimateTempo(chordal).bpm / 110 - 1) < 0.04);
  for (const few of [[], [{ seconds: 0.4 }], [{ seconds: 0 }, { seconds: 0.5 }, { seconds: 0.51 }, { seconds: 1 }]]) {
    const estimate = estimateTempo(few);
    assert.equal(estimate.bpm, DEFAULT_TEMPO);
    assert.equal(estimate.confidence, 0);
    assert.ok(estimate.phaseSeconds >= 0 && estimate.phaseSeconds < estimate.beatSeconds);
  }
});
