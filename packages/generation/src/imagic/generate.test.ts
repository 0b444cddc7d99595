import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMidi } from '../midi/read-midi.js';
import { writeMidiFile } from '../midi/write-midi.js';
import { decodeTokens } from '../tokenizer/codec.js';
import { BAR, BOS, COND, EOS, kindOf, LOOP, tokenName } from '../tokenizer/vocabulary.js';
import { FakeDecoder, FAKE_SIZE, unitCondition } from '../testing/fake-decoder.js';
import { songOf } from '../testing/songs.js';
import { GenerationError } from './errors.js';
import { generateImagic, type GenerationProgress, type ImagicRequest } from './generate.js';
import { midiPrompt } from './prompt.js';

const request = (extra: Partial<ImagicRequest> = {}): ImagicRequest => ({ condition: unitCondition(), seconds: 8, seed: 7, ...extra });

test('the same seed and inputs give byte-identical MIDI; variations use seed, seed + 1, …', async () => {
  const [a] = await generateImagic(new FakeDecoder(), request());
  const [b] = await generateImagic(new FakeDecoder(), request());
  assert.deepEqual(a.midi, b.midi);
  assert.deepEqual(a.tokens, b.tokens);
  const [c] = await generateImagic(new FakeDecoder(), request({ seed: 8 }));
  assert.notDeepEqual(c.tokens, a.tokens);
  const three = await generateImagic(new FakeDecoder(), request({ count: 3 }));
  assert.deepEqual(three.map((p) => p.seed), [7, 8, 9]);
  assert.deepEqual(three[0].midi, a.midi);
  assert.deepEqual(three[1].midi, c.midi);
  const wrapped = await generateImagic(new FakeDecoder(), request({ seed: 0xffffffff, count: 2 }));
  assert.deepEqual(wrapped.map((p) => p.seed), [0xffffffff, 0], 'seeds wrap at 2^32');
  for (const p of three) decodeTokens(p.tokens);
});

test('forced tokens are prefilled in one run, and every sampled token costs one run of one token', async () => {
  const fake = new FakeDecoder();
  const [piece] = await generateImagic(fake, request({ controls: { tempo: 90, key: 'A', mode: 'minor', meter: '3/4', style: 'folk', instruments: [0, 40], density: 3 } }));
  assert.deepEqual(fake.calls[0].tokens.map(tokenName), ['BOS', 'COND', 'Tempo_90', 'Key_A', 'Mode_minor', 'Meter_3/4', 'Style_folk', 'Program_0', 'Program_40', 'Density_3', 'Bar']);
  assert.ok(fake.calls.slice(1).every((c) => c.tokens.length <= 4), 'afterwards only the tokens since the last choice');
  assert.equal(piece.stats.runs, fake.calls.length);
  assert.ok(piece.stats.sampled >= fake.calls.length - 1);
});

test('a set key locks pitched notes to its scale; left free, notes may leave it', async () => {
  const dMinor = new Set([2, 4, 5, 7, 9, 10, 0]);
  const pitched = (midi: Uint8Array) => readMidi(midi).notes.filter((n) => !n.drums);
  const inScale = (midi: Uint8Array) => pitched(midi).filter((n) => dMinor.has(n.pitch % 12)).length / pitched(midi).length;
  for (const seed of [1, 2, 3]) {
    const [locked] = await generateImagic(new FakeDecoder(), request({ seed, controls: { key: 'D', mode: 'minor', instruments: [0, 'drums'] } }));
    assert.ok(pitched(locked.midi).length > 0);
    assert.equal(inScale(locked.midi), 1, `seed ${seed}`);
  }
  const [free] = await generateImagic(new FakeDecoder(), request({ seed: 1, controls: { mode: 'minor', instruments: [0] } }));
  assert.ok(inScale(free.midi) < 1, 'without a key the fake decoder wanders off the scale');
});

test('a model that would end every bar at once still writes a note: no piece is silent', async () => {
  class EagerToEnd extends FakeDecoder {
    override async run(f: Parameters<FakeDecoder['run']>[0]) {
      const out = await super.run(f);
      for (let at = 0; at < out.logits.length; at += this.size.vocabSize) {
        for (const id of [BAR, EOS, LOOP]) out.logits[at + id] += 60;
        for (let id = 0; id < this.size.vocabSize; id++) if (kindOf(id) === 'position' || kindOf(id) === 'tempo') out.logits[at + id] += 30;
      }
      return out;
    }
  }
  for (const seed of [1, 2, 3, 4]) {
    for (const loop of [false, true]) {
      const [piece] = await generateImagic(new EagerToEnd(), request({ seed, seconds: 2, loop }));
      assert.ok(readMidi(piece.midi).notes.length >= 1, `seed ${seed}, loop ${loop}`);
    }
  }
});

test('guidance 1 runs one row; any other scale runs the null condition beside it', async () => {
  const plain = new FakeDecoder();
  await generateImagic(plain, request({ guidanceScale: 1 }));
  assert.ok(plain.calls.every((c) => c.rows === 1 && c.condMask[0] === 1));
  const guided = new FakeDecoder();
  const [a] = await generateImagic(guided, request({ guidanceScale: 3 }));
  assert.ok(guided.calls.every((c) => c.rows === 2 && c.condMask.join() === '1,0'));
  const [b] = await generateImagic(new FakeDecoder(), request({ guidanceScale: 1 }));
  assert.notDeepEqual(a.tokens, b.tokens, 'the guided logits differ');
});

test('past the context the loop continues in windows: prefix + last bars, cut at a Bar', async () => {
  const fake = new FakeDecoder(); // maxContext 96
  const [piece] = await generateImagic(fake, request({ seconds: 60, guidanceScale: 1 }));
  assert.ok(piece.tokens.length > 3 * FAKE_SIZE.maxContext, `${piece.tokens.length} tokens`);
  assert.ok(piece.stats.windows >= 2);
  const restarts = fake.calls.filter((c, i) => i > 0 && c.cacheLen === 0);
  assert.equal(restarts.length, piece.stats.windows);
  const prefixLength = piece.tokens.indexOf(BAR);
  for (const r of restarts) {
    assert.deepEqual(r.tokens.slice(0, 2), [BOS, COND]);
    assert.equal(r.tokens[prefixLength], BAR, 'the kept part starts at a Bar');
    assert.ok(r.tokens.length <= FAKE_SIZE.maxContext);
  }
  // the fake checked positions < maxContext and the cache contents on every call
  assert.ok(piece.seconds >= 60);
  decodeTokens(piece.tokens);
});

test('a MIDI prompt is prefilled after its prefix and continued; its seconds are not counted', async () => {
  const song = songOf([{ beat: 0, beats: 2, pitch: 62, program: 24 }, { beat: 2, beats: 2, pitch: 65, program: 24 }, { beat: 4, beats: 4, pitch: 69, program: 24 }], {
    tempos: [{ tick: 0, bpm: 120 }],
  });
  const prompt = midiPrompt(writeMidiFile(song));
  const fake = new FakeDecoder();
  const [piece] = await generateImagic(fake, request({ prompt, seconds: 6, controls: { instruments: [0] } }));
  const prefixLength = piece.tokens.indexOf(BAR);
  const names = piece.tokens.slice(0, prefixLength).map(tokenName);
  assert.deepEqual([names[2], names[5]], ['Tempo_120', 'Meter_4/4']);
  assert.deepEqual(names.filter((n) => n.startsWith('Program')), ['Program_0', 'Program_24'], 'the prompt\'s instruments and the added one');
  assert.deepEqual(piece.tokens.slice(prefixLength, prefixLength + prompt.body.length), prompt.body);
  // the prompt's style is unknown, so the model picks one; the rest of the prefix and the whole prompt go in one run
  const styleRun = fake.calls[1].tokens.map(tokenName);
  assert.match(styleRun[0], /^Style_/);
  assert.deepEqual(fake.calls[1].tokens.slice(-prompt.body.length), prompt.body);
  assert.equal(piece.promptSeconds, 4);
  assert.ok(piece.seconds >= 10);
  await assert.rejects(generateImagic(new FakeDecoder(), request({ prompt, controls: { tempo: 90 } })), /120 BPM/);
});

test('progress after every bar; an abort stops between decoder calls', async () => {
  const seen: GenerationProgress[] = [];
  await generateImagic(new FakeDecoder(), request({ seconds: 12, count: 2 }), { onProgress: (p) => seen.push({ ...p }) });
  const last = seen.filter((p) => p.done);
  assert.deepEqual(last.map((p) => p.variation), [0, 1]);
  assert.ok(last.every((p) => p.seconds >= 12 && p.targetSeconds === 12));
  const first = seen.filter((p) => p.variation === 0);
  for (let i = 1; i < first.length; i++) assert.ok(first[i].bars >= first[i - 1].bars && first[i].seconds >= first[i - 1].seconds);

  const controller = new AbortController();
  const fake = new FakeDecoder();
  const run = generateImagic(fake, request({ seconds: 60 }), { signal: controller.signal, onProgress: (p) => { if (p.bars === 2) controller.abort(); } });
  await assert.rejects(run, { name: 'AbortError' });
  const calls = fake.calls.length;
  assert.ok(calls > 0 && calls < 200, `stopped after ${calls} calls`);
});

test('requests out of range are refused with BAD_USER_INPUT', async () => {
  const bad: Partial<ImagicRequest>[] = [
    { seconds: 0.5 }, { seconds: 121 }, { seed: -1 }, { seed: 1.5 }, { count: 5 }, { temperature: -1 }, { topP: 0 }, { guidanceScale: -2 },
    { condition: new Float32Array(3) }, { controls: { tempo: 300 } }, { controls: { key: 'H' } }, { controls: { meter: '11/8' } },
  ];
  for (const extra of bad) {
    await assert.rejects(generateImagic(new FakeDecoder(), request(extra)), (e: unknown) => e instanceof GenerationError && e.code === 'BAD_USER_INPUT', JSON.stringify(extra));
  }
  const [piece] = await generateImagic(new FakeDecoder(), request({ seconds: 2 }));
  assert.equal(piece.tokens[piece.tokens.length - 1], EOS, 'the engine also makes 2 s (CI smoke test)');
});
