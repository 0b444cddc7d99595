import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMusic } from './music-plan.js';
import { planVisual } from './visual-plan.js';
import { composeScore, melodyNotes } from '../compose/composer.js';
import { writeMidiFile } from '../compose/midi-file.js';
import { SCRIABIN_HUE } from '../compose/theory.js';
import { loadImmuteRows } from '../metadata/immute-metadata.js';
import { planItem } from '../item.js';

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i * 7919);
const visualFor = (tags: string[], seed: number) => {
  const music = planMusic(tags, seed);
  return { music, visual: planVisual(music, melodyNotes(composeScore(music, seed)), tags, seed) };
};

test('"slow tempo" plans under 80 BPM and "fast tempo" over 120 BPM, whatever the style', () => {
  for (const style of ['pop', 'rock', 'electronic', 'ambient', 'jazz']) {
    for (const seed of SEEDS) {
      assert.ok(planMusic([style, 'slow-tempo'], seed).bpm < 80, `${style} slow`);
      assert.ok(planMusic([style, 'fast-tempo'], seed).bpm > 120, `${style} fast`);
    }
  }
});

test('"sad" gives a minor mode and a cool palette; "happy" a major mode and a warm one', () => {
  for (const seed of SEEDS) {
    const sad = visualFor(['pop', 'sad'], seed);
    assert.equal(sad.music.mode, 'minor');
    assert.equal(sad.visual.temperature, 'cool');
    assert.ok(sad.visual.moodHue >= 180 && sad.visual.moodHue <= 260, `mood hue ${sad.visual.moodHue}`);
    const [r, , b] = hexToRgb(sad.visual.palette[1]);
    assert.ok(b > r, `sad ground ${sad.visual.palette[1]} should be blue-leaning`);
    const happy = visualFor(['pop', 'happy'], seed);
    assert.equal(happy.music.mode, 'major');
    assert.equal(happy.visual.temperature, 'warm');
    assert.ok(happy.visual.lightness > sad.visual.lightness);
  }
});

test('the key sets the picture hue after Scriabin and the tempo sets the repeated row', () => {
  const seen = new Map<number, number>();
  for (const seed of SEEDS) {
    const { music, visual } = visualFor(['rock'], seed);
    assert.equal(visual.keyHue, SCRIABIN_HUE[music.tonic]);
    assert.equal(visual.rhythm.count, Math.round(music.bpm / 10));
    assert.equal(visual.rhythm.group, music.meter[0]);
    seen.set(music.tonic, visual.keyHue);
  }
  assert.ok(seen.size >= 8, 'keys vary between items of one caption category');
  const slow = visualFor(['pop', 'slow-tempo'], 5).visual.rhythm.count;
  const fast = visualFor(['pop', 'fast-tempo'], 5).visual.rhythm.count;
  assert.ok(fast > slow);
});

test('register moves the row up, drums add stripes, instruments become roles and GM programs', () => {
  const high = planMusic(['pop', 'flute', 'high-register'], 3);
  const low = planMusic(['pop', 'flute', 'low-register'], 3);
  assert.ok(high.register > low.register);
  const vh = visualFor(['pop', 'flute', 'high-register'], 3).visual;
  const vl = visualFor(['pop', 'flute', 'low-register'], 3).visual;
  assert.ok(vh.rhythm.y < vl.rhythm.y, 'higher melody sits higher in the picture');
  assert.ok(visualFor(['rock'], 3).visual.stripes > 0);
  const quiet = planMusic(['ambient', 'no-drums'], 3);
  assert.equal(quiet.drums, null);
  assert.equal(visualFor(['ambient', 'no-drums'], 3).visual.stripes, 0);
  const parts = planMusic(['jazz', 'saxophone', 'upright-bass', 'piano'], 3).parts;
  assert.deepEqual(parts.find((p) => p.role === 'melody'), { role: 'melody', instrument: 'saxophone', program: 65, family: 'reed', named: true, voiceLike: false });
  assert.equal(parts.find((p) => p.role === 'bass')?.program, 32);
  assert.ok(!planMusic(['pop', 'instrumental'], 3).parts.some((p) => p.voiceLike));
  assert.ok(planMusic(['pop', 'female-vocal'], 3).parts.some((p) => p.voiceLike && p.role === 'melody'));
});

test('recording aspects change the recording chain', () => {
  const clean = planMusic(['pop'], 9).recording;
  const lo = planMusic(['pop', 'low-quality'], 9).recording;
  assert.ok(lo.bandHigh < clean.bandHigh && lo.bandLow > clean.bandLow);
  assert.ok(Number.isFinite(lo.noiseDb) && !Number.isFinite(clean.noiseDb));
  assert.ok(planMusic(['pop', 'live'], 9).recording.crowd);
  assert.ok(planMusic(['pop', 'muffled'], 9).recording.bandHigh < 2200);
});

test('the melody stays in the planned scale and register; the MIDI file is well formed', () => {
  const music = planMusic(['pop', 'happy'], 77);
  const score = composeScore(music, 77);
  const melody = melodyNotes(score);
  assert.ok(melody.length >= 4);
  for (const n of melody) assert.ok(Math.abs(n.pitch - music.register) <= 9);
  const midi = writeMidiFile(score);
  assert.equal(new TextDecoder().decode(midi.slice(0, 4)), 'MThd');
  const tracks = new DataView(midi.buffer).getUint16(10);
  assert.equal(tracks, score.tracks.length + 1);
  assert.deepEqual(writeMidiFile(composeScore(music, 77)), midi);
});

test('items of one caption category differ in their own musical facts', () => {
  const rows = loadImmuteRows().filter((r) => r.aspects.includes('low quality')).slice(0, 20);
  const facts = new Set(rows.map((r) => { const p = planItem(r); return `${p.music.key}-${p.music.bpm}`; }));
  assert.ok(facts.size >= 18);
});

function hexToRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}
