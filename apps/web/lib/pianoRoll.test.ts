import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barTicks, layoutPianoRoll, MIN_NOTE_WIDTH, voiceLabel } from './pianoRoll';
import type { MidiFile, MidiNote } from './smf';

// 120 BPM, 480 ticks a quarter: one 4/4 bar is 1920 ticks and 2 s.
function file(notes: Partial<MidiNote>[], extra: Partial<MidiFile> = {}): MidiFile {
  const full = notes.map((n) => {
    const startTick = n.startTick ?? 0;
    const endTick = n.endTick ?? startTick + 480;
    return { channel: 0, pitch: 60, velocity: 100, program: 0, drum: false, ...n, startTick, endTick, start: startTick / 960, end: endTick / 960 };
  });
  const endTick = Math.max(0, ...full.map((n) => n.endTick));
  return {
    format: 1,
    trackCount: 1,
    ticksPerQuarter: 480,
    notes: full,
    tempos: [{ tick: 0, microsPerQuarter: 500_000, seconds: 0 }],
    meters: [{ tick: 0, numerator: 4, denominator: 4, seconds: 0 }],
    markers: [],
    endTick,
    durationSeconds: endTick / 960,
    ...extra,
  };
}

test('time runs across in seconds and pitch up, over at least two octaves centred on the notes', () => {
  const midi = file([{ pitch: 60, startTick: 0, endTick: 960 }, { pitch: 64, startTick: 1920, endTick: 3840 }]);
  const roll = layoutPianoRoll(midi, { width: 400, height: 240 });
  assert.equal(roll.seconds, 4);
  // 60..64 padded by 2 is 58..66 (9 semitones), widened to 24 around the middle
  assert.equal(roll.highPitch! - roll.lowPitch! + 1, 24);
  assert.ok(roll.lowPitch! <= 58 && roll.highPitch! >= 66);
  const row = 240 / 24;
  const [c, e] = roll.rects;
  assert.deepEqual([c.x, c.width, c.y, c.height], [0, 100, (roll.highPitch! - 60) * row, row]);
  assert.deepEqual([e.x, e.width], [200, 200]);
  assert.ok(e.y < c.y, 'a higher note is drawn higher');
  assert.equal(roll.drumLaneTop, null);
  assert.deepEqual(roll.barLines, [200]);
});

test('the range stays inside MIDI 0–127 when the notes sit at an edge', () => {
  const low = layoutPianoRoll(file([{ pitch: 1 }]), { width: 100, height: 100 });
  assert.deepEqual([low.lowPitch, low.highPitch], [0, 23]);
  const high = layoutPianoRoll(file([{ pitch: 126 }]), { width: 100, height: 100 });
  assert.deepEqual([high.lowPitch, high.highPitch], [104, 127]);
  const wide = layoutPianoRoll(file([{ pitch: 20 }, { pitch: 100 }]), { width: 100, height: 100 });
  assert.deepEqual([wide.lowPitch, wide.highPitch], [18, 102]);
});

test('drums get a lane of their own at the bottom; each instrument is a voice with its colour', () => {
  const midi = file([
    { pitch: 60, program: 0, channel: 0 },
    { pitch: 36, channel: 9, drum: true, startTick: 0 },
    { pitch: 42, channel: 9, drum: true, startTick: 480 },
    { pitch: 40, program: 33, channel: 1, startTick: 960 },
  ]);
  const roll = layoutPianoRoll(midi, { width: 300, height: 200, drumLaneShare: 0.25 });
  assert.equal(roll.drumLaneTop, 150);
  const [piano, bass, kick, hat] = roll.rects; // pitched notes first, then the drums
  assert.ok(piano.y + piano.height <= 150 && bass.y + bass.height <= 150);
  assert.ok(kick.y >= 150 && hat.y >= 150 && kick.y > hat.y, 'the kick sits below the hat in the drum lane');
  assert.deepEqual(roll.voices.map((v) => [v.program, v.channel, v.notes]), [[0, 0, 1], [33, 1, 1], [null, 9, 2]]);
  assert.deepEqual([piano.voice, bass.voice, kick.voice, hat.voice], [0, 1, 2, 2]);
  assert.deepEqual(roll.voices.map(voiceLabel), ['piano (0)', 'bass (33)', 'drums']);
  // drums alone fill the roll
  const onlyDrums = layoutPianoRoll(file([{ pitch: 36, channel: 9, drum: true }]), { width: 100, height: 80 });
  assert.deepEqual([onlyDrums.drumLaneTop, onlyDrums.lowPitch, onlyDrums.rects[0].height], [0, null, 80]);
});

test('a very short note stays visible; loudness follows velocity; the roll can be longer than the notes', () => {
  const roll = layoutPianoRoll(file([{ startTick: 0, endTick: 1, velocity: 127 }, { startTick: 960, endTick: 1920, velocity: 32 }]), { width: 100, height: 50, minSeconds: 4 });
  assert.equal(roll.seconds, 4);
  assert.equal(roll.rects[0].width, MIN_NOTE_WIDTH);
  assert.equal(roll.rects[1].x, 25);
  assert.deepEqual(roll.rects.map((r) => Math.round(r.loudness * 100)), [100, 25]);
  const empty = layoutPianoRoll(file([]), { width: 100, height: 50 });
  assert.deepEqual([empty.rects.length, empty.lowPitch, empty.barLines.length], [0, null, 0]);
});

test('bars follow the meters; a change inside a bar waits for the next bar line', () => {
  const meters = [
    { tick: 0, numerator: 3, denominator: 4, seconds: 0 },
    { tick: 2880, numerator: 6, denominator: 8, seconds: 0 },
    { tick: 3000, numerator: 2, denominator: 4, seconds: 0 }, // inside a 6/8 bar: from the next one
  ];
  assert.deepEqual(barTicks({ ticksPerQuarter: 480, meters, endTick: 6000 }), [0, 1440, 2880, 4320, 5280]);
  assert.deepEqual(barTicks({ ticksPerQuarter: null, meters, endTick: 6000 }), []);
  // dense bar lines are thinned so that they stay lines
  const long = file([{ startTick: 0, endTick: 1920 * 200 }]);
  const roll = layoutPianoRoll(long, { width: 200, height: 50 });
  assert.ok(roll.barLines.length <= 50);
  for (let i = 1; i < roll.barLines.length; i++) assert.ok(roll.barLines[i] - roll.barLines[i - 1] >= 4);
});
