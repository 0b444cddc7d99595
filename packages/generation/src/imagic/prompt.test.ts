import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMidiFile } from '../midi/write-midi.js';
import { BAR, EOS, LOOP, tokenName } from '../tokenizer/vocabulary.js';
import { songOf } from '../testing/songs.js';
import { midiPrompt, preparePrompt, promptPrefix } from './prompt.js';

const song = songOf([{ beat: 0, beats: 1, pitch: 60, program: 33 }, { beat: 1, beats: 1, pitch: 36, drums: true }, { beat: 5, beats: 1, pitch: 64, program: 33 }], {
  tempos: [{ tick: 0, bpm: 96 }],
  meters: [{ tick: 0, numerator: 3, denominator: 4 }],
  texts: [{ tick: 0, kind: 'marker', text: 'loopEnd' }],
});

test('a MIDI prompt becomes its attributes and its bars, without prefix, LOOP or EOS', () => {
  const p = midiPrompt(writeMidiFile(song));
  assert.equal(p.attributes.bpm, 96);
  assert.deepEqual(p.attributes.instruments, [33, 128]);
  assert.equal(p.bars, 2);
  assert.equal(p.body[0], BAR);
  assert.ok(!p.body.includes(EOS) && !p.body.includes(LOOP));
  assert.throws(() => midiPrompt(new Uint8Array([1, 2, 3])), { code: 'BAD_USER_INPUT', message: /cannot be read/ });
  assert.throws(() => midiPrompt(writeMidiFile(songOf([]))), { code: 'BAD_USER_INPUT', message: /no notes/ });
});

test('the prompt fixes tempo, meter and its instruments; controls may add instruments and set key, mode, style, density', () => {
  const p = midiPrompt(writeMidiFile(song));
  const f = promptPrefix(p, { instruments: [0], key: 'E', style: 'jazz' });
  assert.deepEqual([f.tempo, f.meter, f.key, f.style].map((id) => tokenName(id!)), ['Tempo_96', 'Meter_3/4', 'Key_E', 'Style_jazz']);
  assert.deepEqual(f.instruments!.map(tokenName), ['Program_0', 'Program_33', 'Drums_standard']);
  assert.equal(promptPrefix(p).style, undefined, 'an unknown style is left to the model');
  assert.doesNotThrow(() => promptPrefix(p, { tempo: 96, meter: '3/4' }));
  assert.throws(() => promptPrefix(p, { tempo: 100 }), { code: 'BAD_USER_INPUT', message: /96 BPM/ });
  assert.throws(() => promptPrefix(p, { meter: '4/4' }), { code: 'BAD_USER_INPUT', message: /3\/4/ });
  assert.throws(() => promptPrefix(p, { instruments: ['drums:jazz'] }), /one drum kit/);
});

test('audio prompts wait for a transcriber (the basic-pitch seam)', async () => {
  await assert.rejects(preparePrompt({ kind: 'audio', bytes: new Uint8Array(10) }), { code: 'BAD_USER_INPUT', message: /basic-pitch/ });
  const p = await preparePrompt({ kind: 'audio', bytes: new Uint8Array(10) }, { transcribe: async () => writeMidiFile(song) });
  assert.equal(p.attributes.bpm, 96);
});
