import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bpm, MidiParseError, readSmf, secondsAtTick } from './smf';

// Files are written byte by byte here, so each test states exactly what the reader is given.

function varLength(value: number): number[] {
  const out = [value & 0x7f];
  for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return out;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function text(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** A track chunk from [delta, ...message bytes] events; an end-of-track is added unless `noEnd`. */
function track(events: [number, ...number[]][], noEnd = false): number[] {
  const body = events.flatMap(([delta, ...bytes]) => [...varLength(delta), ...bytes]);
  if (!noEnd) body.push(0, 0xff, 0x2f, 0);
  return [...text('MTrk'), ...u32(body.length), ...body];
}

function smf(format: number, division: number, tracks: number[][]): Uint8Array {
  return new Uint8Array([...text('MThd'), ...u32(6), 0, format, 0, tracks.length, (division >> 8) & 0xff, division & 0xff, ...tracks.flat()]);
}

const tempo = (bpmValue: number) => {
  const micros = Math.round(60_000_000 / bpmValue);
  return [0xff, 0x51, 3, (micros >> 16) & 0xff, (micros >> 8) & 0xff, micros & 0xff];
};
const meter = (n: number, d: number) => [0xff, 0x58, 4, n, Math.log2(d), 24, 8];
const marker = (s: string) => [0xff, 0x06, s.length, ...text(s)];

test('a format-1 file: notes on the tempo map, programs, meters and markers', () => {
  const conductor = track([
    [0, ...tempo(120)],
    [0, ...meter(3, 4)],
    [0, ...marker('loopStart')],
    [960, ...tempo(60)], // after two beats at 120 BPM (1 s), one beat lasts 1 s
    [480, ...meter(4, 4)],
    [960, ...marker('loopEnd')],
  ]);
  const melody = track([
    [0, 0xc1, 33], // bass on channel 2
    [0, 0x91, 40, 100],
    [480, 0x81, 40, 0], // 0.5 s
    [0, 0x91, 43, 90],
    [0, 45, 80], // running status: a second note-on
    [480, 43, 0], // note-on with velocity 0 ends a note (still running status)
    [960, 45, 0],
  ]);
  const midi = readSmf(smf(1, 480, [conductor, melody]));
  assert.equal(midi.format, 1);
  assert.equal(midi.trackCount, 2);
  assert.equal(midi.ticksPerQuarter, 480);
  assert.deepEqual(
    midi.notes.map((n) => [n.pitch, n.channel, n.program, n.velocity, n.startTick, n.endTick, n.start, n.end]),
    [
      [40, 1, 33, 100, 0, 480, 0, 0.5],
      [43, 1, 33, 90, 480, 960, 0.5, 1],
      [45, 1, 33, 80, 480, 1920, 0.5, 3],
    ],
  );
  assert.deepEqual(midi.tempos.map((t) => [t.tick, Math.round(bpm(t)), t.seconds]), [[0, 120, 0], [960, 60, 1]]);
  assert.deepEqual(midi.meters.map((m) => [m.tick, m.numerator, m.denominator, m.seconds]), [[0, 3, 4, 0], [1440, 4, 4, 2]]);
  assert.deepEqual(midi.markers.map((m) => [m.text, m.seconds]), [['loopStart', 0], ['loopEnd', 4]]);
  assert.equal(midi.endTick, 2400);
  assert.equal(midi.durationSeconds, 4);
  assert.equal(secondsAtTick(midi, 1200), 1.5);
});

test('a repeated pitch closes its oldest note first; a note never switched off ends with the file', () => {
  const midi = readSmf(smf(0, 96, [track([
    [0, 0x90, 60, 100],
    [10, 0x90, 60, 50], // the same pitch again while the first still sounds
    [10, 0x80, 60, 0], // closes the first
    [10, 0x80, 60, 0], // closes the second
    [0, 0x90, 64, 70], // left open
    [200, 0xb0, 7, 100],
  ])]));
  assert.deepEqual(midi.notes.map((n) => [n.pitch, n.velocity, n.startTick, n.endTick]), [[60, 100, 0, 20], [60, 50, 10, 30], [64, 70, 30, 230]]);
});

test('channel 10 is drums; multi-byte delta times, sysex and unknown meta events are read past', () => {
  const midi = readSmf(smf(0, 480, [track([
    [0, 0xf0, 3, 0x7e, 0x7f, 0xf7], // a sysex
    [0, 0xff, 0x03, 4, ...text('Kick')], // a track name
    [0, 0x99, 36, 110],
    [200, 0x89, 36, 0], // delta 200 takes two bytes
    [0, 0xe0, 0, 64], // pitch bend: two data bytes, ignored
    [0, 0xd0, 20], // channel pressure: one data byte, ignored
    [0, 0x90, 72, 90],
    [16_384, 0x80, 72, 0], // three bytes
  ])]));
  assert.deepEqual(midi.notes.map((n) => [n.pitch, n.drum, n.channel, n.startTick, n.endTick]), [[36, true, 9, 0, 200], [72, false, 0, 200, 16_584]]);
});

test('SMPTE time division: ticks are fixed fractions of a second', () => {
  // -25 frames a second, 40 ticks a frame: a tick is 1 ms, whatever the tempo says
  const midi = readSmf(smf(0, ((256 - 25) << 8) | 40, [track([[0, ...tempo(60)], [0, 0x90, 60, 100], [500, 0x80, 60, 0]])]));
  assert.equal(midi.ticksPerQuarter, null);
  assert.equal(midi.notes[0].end, 0.5);
  assert.equal(midi.durationSeconds, 0.5);
});

test('two tempos at one tick: the later one wins; a file with no tempo plays at 120 BPM', () => {
  const twice = readSmf(smf(0, 480, [track([[0, ...tempo(100)], [0, ...tempo(150)], [480, 0x90, 60, 1], [480, 0x80, 60, 0]])]));
  assert.deepEqual(twice.tempos.map((t) => Math.round(bpm(t))), [150]);
  assert.equal(twice.notes[0].start, 0.4);
  const none = readSmf(smf(0, 480, [track([[480, 0x90, 60, 1], [480, 0x80, 60, 0]])]));
  assert.equal(none.notes[0].start, 0.5);
  assert.deepEqual(none.meters.map((m) => `${m.numerator}/${m.denominator}`), ['4/4']);
});

test('a file cut short, or one that is not MIDI, is refused in words', () => {
  const whole = smf(0, 480, [track([[0, 0x90, 60, 100], [480, 0x80, 60, 0], [0, 0x90, 62, 100], [480, 0x80, 62, 0]], true)]);
  assert.throws(() => readSmf(whole.subarray(0, whole.length - 2)), (e: unknown) => e instanceof MidiParseError && /ends early/.test(e.message));
  // a track whose declared length is right but whose last event is cut
  const cutEvent = smf(0, 480, [track([[0, 0x90, 60, 100], [480, 0x80, 60]], true)]);
  assert.throws(() => readSmf(cutEvent), /ends early at byte/);
  assert.throws(() => readSmf(new TextEncoder().encode('RIFF....WAVEfmt ')), (e: unknown) => e instanceof MidiParseError && /not a MIDI file/.test(e.message));
  assert.throws(() => readSmf(smf(0, 480, [])), /without tracks/);
  assert.throws(() => readSmf(smf(0, 0, [track([])])), /zero/);
  assert.throws(() => readSmf(smf(0, 480, [track([[0, 60, 100]])])), /data byte without a status/);
});

test('chunks that are not tracks are skipped', () => {
  const alien = [...text('XFIH'), ...u32(3), 1, 2, 3];
  const bytes = smf(0, 480, [alien, track([[0, 0x90, 60, 100], [480, 0x80, 60, 0]])]);
  const midi = readSmf(bytes);
  assert.equal(midi.notes.length, 1);
});
