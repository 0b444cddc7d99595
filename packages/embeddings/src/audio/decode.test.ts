import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudio, InvalidMediaError, MediaLimitError, UnsupportedMediaError } from '@muse/embeddings';
import { mpegFrameHeader } from '../formats/mpeg-frames.js';
import { fixture, makeWav, sine } from '../testing/helpers.js';

/** Strength of `frequency` in `x` (normalised single-bin DFT amplitude). */
function toneAmplitude(x: Float32Array, rate: number, frequency: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos((2 * Math.PI * frequency * i) / rate);
    im -= x[i] * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

test('PCM16 WAV decodes exactly, scaled like libsndfile, stereo averaged to mono', async () => {
  const left = Float32Array.from([0.5, -0.5, 0.25, -1, 0]);
  const right = Float32Array.from([0.5, 0.5, -0.25, -1, 32767 / 32768]);
  const audio = await decodeAudio(makeWav([left, right], 22050));
  assert.equal(audio.sampleRate, 22050);
  assert.equal(audio.channels, 2);
  assert.equal(audio.format, 'wav');
  assert.deepEqual(Array.from(audio.samples), [0.5, 0, 0, -1, Math.fround(32767 / 65536)]);
  assert.equal(audio.durationSeconds, 5 / 22050);
});

/** A one-channel WAV with arbitrary sample encoding (format 1 = PCM, 3 = float). */
function wavOf(format: number, bits: number, write: (view: DataView, offset: number, value: number) => void, values: number[]): Uint8Array {
  const width = bits / 8;
  const bytes = new Uint8Array(44 + values.length * width);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('RIFF'), 0);
  view.setUint32(4, 36 + values.length * width, true);
  bytes.set(new TextEncoder().encode('WAVEfmt '), 8);
  view.setUint32(16, 16, true);
  view.setUint16(20, format, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true);
  view.setUint32(28, 8000 * width, true);
  view.setUint16(32, width, true);
  view.setUint16(34, bits, true);
  bytes.set(new TextEncoder().encode('data'), 36);
  view.setUint32(40, values.length * width, true);
  values.forEach((v, i) => write(view, 44 + i * width, v));
  return bytes;
}

test('8-, 24-, 32-bit integer and float WAV scale like libsndfile', async () => {
  const cases: [Uint8Array, number[]][] = [
    [wavOf(1, 8, (d, o, v) => d.setUint8(o, v), [0, 128, 192, 255]), [-1, 0, 0.5, 127 / 128]],
    [wavOf(1, 24, (d, o, v) => { d.setUint8(o, v & 0xff); d.setUint8(o + 1, (v >> 8) & 0xff); d.setUint8(o + 2, (v >> 16) & 0xff); }, [-8388608, 4194304, -1]), [-1, 0.5, -1 / 8388608]],
    [wavOf(1, 32, (d, o, v) => d.setInt32(o, v, true), [-2147483648, 1073741824]), [-1, 0.5]],
    [wavOf(3, 32, (d, o, v) => d.setFloat32(o, v, true), [0.25, -0.75]), [0.25, -0.75]],
  ];
  for (const [bytes, expected] of cases) {
    const audio = await decodeAudio(bytes);
    assert.deepEqual(Array.from(audio.samples), expected.map(Math.fround));
    assert.equal(audio.sampleRate, 8000);
  }
});

test('MP3, Ogg Vorbis, Opus and FLAC fixtures decode to mono with the right length and tones', async () => {
  const cases = [
    { file: 'tone.mp3', rate: 44100, seconds: 1.5, slack: 0.1 }, // encoder/decoder delay pads MP3
    { file: 'tone.ogg', rate: 44100, seconds: 1.5, slack: 0.001 },
    { file: 'tone.opus', rate: 48000, seconds: 1.5, slack: 0.001 },
    { file: 'tone.flac', rate: 22050, seconds: 1.0, slack: 0 },
  ];
  for (const c of cases) {
    const audio = await decodeAudio(fixture('media', c.file));
    assert.equal(audio.sampleRate, c.rate, c.file);
    assert.equal(audio.channels, 2, c.file);
    assert.ok(Math.abs(audio.durationSeconds - c.seconds) <= c.slack, `${c.file}: ${audio.durationSeconds} s`);
    // Fixtures hold 440 Hz + 660 Hz at 0.5 × −6 dB each; a 1000 Hz tone is absent.
    const middle = audio.samples.subarray(Math.floor(audio.samples.length * 0.25), Math.floor(audio.samples.length * 0.75));
    const a440 = toneAmplitude(middle, c.rate, 440);
    const a660 = toneAmplitude(middle, c.rate, 660);
    const a1000 = toneAmplitude(middle, c.rate, 1000);
    assert.ok(a440 > 0.2 && a660 > 0.2, `${c.file}: 440 Hz ${a440}, 660 Hz ${a660}`);
    assert.ok(a1000 < 0.02, `${c.file}: 1000 Hz ${a1000}`);
  }
});

test('truncated audio is BAD_USER_INPUT', async () => {
  const wav = makeWav([sine(440, 16000, 1)], 16000);
  const isInvalid = (e: unknown) => e instanceof InvalidMediaError && e.code === 'BAD_USER_INPUT';
  await assert.rejects(decodeAudio(wav.subarray(0, 2000)), isInvalid);
  await assert.rejects(decodeAudio(wav.subarray(0, 30)), isInvalid); // cut inside the fmt chunk
  const flac = fixture('media', 'tone.flac');
  await assert.rejects(decodeAudio(flac.subarray(0, Math.floor(flac.length / 2))), isInvalid);
  for (const file of ['tone.mp3', 'tone.ogg', 'tone.opus']) {
    await assert.rejects(decodeAudio(fixture('media', file).subarray(0, 120)), isInvalid, file);
  }
});

test('corrupt audio after a valid signature is BAD_USER_INPUT', async () => {
  // (MP3 has no signature: garbage after its first frame is not sniffed as MP3 at all; see below)
  for (const file of ['tone.ogg', 'tone.opus', 'tone.flac']) {
    const bytes = fixture('media', file).slice();
    for (let i = 80; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    await assert.rejects(decodeAudio(bytes), (e: unknown) => e instanceof InvalidMediaError, file);
  }
});

test('MP3: a broken frame chain is corrupt; ID3 tags around intact frames are not', async () => {
  const mp3 = fixture('media', 'tone.mp3');
  const burst = mp3.slice();
  for (let i = Math.floor(mp3.length * 0.4); i < Math.floor(mp3.length * 0.6); i++) burst[i] = (i * 7919) & 0xff;
  await assert.rejects(decodeAudio(burst), (e: unknown) => e instanceof InvalidMediaError && /frame chain breaks/.test(e.message));

  const id3v2 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 20, ...new Array(20).fill(0)]); // 20-byte tag body
  const id3v1 = new Uint8Array(128);
  id3v1.set([0x54, 0x41, 0x47]); // "TAG"
  const tagged = new Uint8Array([...id3v2, ...mp3, ...id3v1]);
  const [plain, withTags] = [await decodeAudio(mp3), await decodeAudio(tagged)];
  assert.equal(withTags.format, 'mp3');
  assert.equal(withTags.samples.length, plain.samples.length);
});

test('MP3: a file cut anywhere inside a frame is truncated, though decoders play it', async () => {
  const mp3 = fixture('media', 'tone.mp3');
  const truncated = (e: unknown) => e instanceof InvalidMediaError && e.code === 'BAD_USER_INPUT' && /Truncated MP3/.test(e.message);
  for (const share of [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
    await assert.rejects(decodeAudio(mp3.subarray(0, Math.floor(mp3.length * share))), truncated, `cut at ${share * 100}%`);
  }
  for (const cut of [1, 2, 4]) await assert.rejects(decodeAudio(mp3.subarray(0, mp3.length - cut)), truncated, `less ${cut} bytes`);
  const id3v1 = new Uint8Array(128);
  id3v1.set([0x54, 0x41, 0x47]); // "TAG": a cut frame before a trailing tag is still cut
  await assert.rejects(decodeAudio(new Uint8Array([...mp3.subarray(0, mp3.length - 10), ...id3v1])), truncated);
});

test('MP3: a file cut between two frames is truncated where a Xing/Info frame declares the count', async () => {
  const mp3 = fixture('media', 'tone.mp3');
  const ends: number[] = [];
  for (let at = 0, frame = mpegFrameHeader(mp3, 0); frame; frame = mpegFrameHeader(mp3, at)) ends.push((at += frame.length));
  const first = mpegFrameHeader(mp3, 0)!;
  // an Info frame like LAME's: tone.mp3's first header, its side information (MPEG1 stereo: 32 bytes) zero, then the tag
  const info = new Uint8Array(first.length);
  info.set(mp3.subarray(0, 4));
  info.set([...new TextEncoder().encode('Info'), 0, 0, 0, 1], 36);
  new DataView(info.buffer).setUint32(44, ends.length);
  const whole = new Uint8Array([...info, ...mp3]);
  assert.equal((await decodeAudio(whole)).format, 'mp3');
  await assert.rejects(
    decodeAudio(whole.subarray(0, info.length + ends[ends.length - 3])),
    (e: unknown) => e instanceof InvalidMediaError && /Truncated MP3: 58 frames of the 59/.test(e.message),
  );
  // without a declared count, a cut between frames is a shorter MP3: nothing tells them apart
  assert.ok((await decodeAudio(mp3.subarray(0, ends[ends.length - 3]))).durationSeconds > 1);
});

test('Ogg: a page that fails its CRC, or a last page cut short, is BAD_USER_INPUT', async () => {
  for (const file of ['tone.ogg', 'tone.opus']) {
    const ogg = fixture('media', file);
    const flipped = ogg.slice();
    flipped[Math.floor(ogg.length * 0.7)] ^= 0x01; // one bit, deep inside the audio pages
    await assert.rejects(decodeAudio(flipped), (e: unknown) => e instanceof InvalidMediaError && /CRC/.test(e.message), file);
    await assert.rejects(decodeAudio(ogg.subarray(0, Math.floor(ogg.length * 0.6))),
      (e: unknown) => e instanceof InvalidMediaError && /Truncated/.test(e.message), file);
    assert.ok((await decodeAudio(ogg)).durationSeconds > 1, file);
  }
});

test('an image or unknown bytes handed to decodeAudio is UNSUPPORTED_MEDIA', async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  await assert.rejects(decodeAudio(png), (e: unknown) => e instanceof UnsupportedMediaError && e.code === 'UNSUPPORTED_MEDIA');
  await assert.rejects(decodeAudio(new TextEncoder().encode('not audio at all')), UnsupportedMediaError);
});

test('limits: seconds (from the header and while decoding) and bytes are PAYLOAD_TOO_LARGE', async () => {
  const isLimit = (name: string) => (e: unknown) => e instanceof MediaLimitError && e.code === 'PAYLOAD_TOO_LARGE' && e.limit.name === name;
  const wav = makeWav([sine(440, 8000, 3)], 8000);
  await assert.rejects(decodeAudio(wav, { maxSeconds: 2 }), isLimit('maxSeconds'));
  assert.equal((await decodeAudio(wav, { maxSeconds: 3 })).durationSeconds, 3);
  for (const file of ['tone.mp3', 'tone.ogg', 'tone.opus', 'tone.flac']) {
    await assert.rejects(decodeAudio(fixture('media', file), { maxSeconds: 0.5 }), isLimit('maxSeconds'), file);
  }
});
