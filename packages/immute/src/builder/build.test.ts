// Builds the first 64 items once (two workers) and checks the corpus contract on them.
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import decodeAudio from 'audio-decode';
import { buildCorpus, type BuildReport } from './build.js';
import { decodeWav } from '../render/wav.js';
import { loadImmuteRows } from '../metadata/immute-metadata.js';
import { planItem, renderItem, type ManifestEntry } from '../item.js';
import { framePitches, readMidi, readPng } from '../testing/helpers.js';

const N = 64;
let dir: string;
let report: BuildReport;
let manifest: ManifestEntry[];

describe('a 64-item corpus build', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'immute-test-'));
    report = await buildCorpus({ outDir: dir, limit: N, workers: 2, quiet: true });
    manifest = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('renders every item and writes a sorted manifest in the contract shape', () => {
    assert.equal(report.failed.length, 0);
    assert.equal(report.rendered, N);
    assert.equal(report.complete, true);
    assert.equal(manifest.length, N);
    manifest.forEach((e, i) => {
      assert.equal(e.index, i);
      assert.ok(['train', 'val', 'test'].includes(e.split));
      assert.ok(Number.isInteger(e.seed));
      assert.ok(Array.isArray(e.aspects) && Array.isArray(e.tags));
      assert.equal(typeof e.music.bpm, 'number');
      assert.ok(typeof e.music.key === 'string' && ['major', 'minor'].includes(e.music.mode));
      assert.ok(Array.isArray(e.visual.palette) && e.visual.palette.every((c) => /^#[0-9a-f]{6}$/.test(c)));
      const id = String(i).padStart(5, '0');
      assert.deepEqual(e.files, { audio: `audio/${id}.wav`, midi: `midi/${id}.mid`, image: `images/${id}.png`, hum: [`hum/${id}_0.wav`, `hum/${id}_1.wav`] });
      for (const s of e.views.snippets) assert.ok(s.start >= 0 && s.end <= 10 && s.end - s.start >= 3 - 1e-9 && s.end - s.start <= 5 + 1e-9);
      for (const c of e.views.crops) assert.ok(c.x >= 0 && c.y >= 0 && c.x + c.w <= 256 && c.y + c.h <= 256 && c.w > 0);
    });
  });

  test('every WAV decodes as mono 16 kHz PCM16 of 10.0 s, and is not silent', async () => {
    for (const e of manifest) {
      for (const f of [e.files.audio, ...e.files.hum]) {
        const wav = decodeWav(readFileSync(join(dir, f)));
        assert.equal(wav.sampleRate, 16000, f);
        assert.equal(wav.channels, 1, f);
        assert.equal(wav.bitsPerSample, 16, f);
        assert.equal(wav.samples.length, 160000, f);
        let sq = 0;
        for (const v of wav.samples) sq += v * v;
        assert.ok(Math.sqrt(sq / wav.samples.length) > 0.005, `${f} is silent`);
      }
    }
    // and an independent decoder agrees
    const other = await decodeAudio(new Uint8Array(readFileSync(join(dir, manifest[0].files.audio))));
    assert.equal(other.sampleRate, 16000);
    assert.equal(other.channelData.length, 1);
    assert.equal(other.channelData[0].length, 160000);
  });

  test('every image is a 256×256 8-bit RGB PNG and every MIDI file is well formed', () => {
    for (const e of manifest) {
      const png = readPng(join(dir, e.files.image));
      assert.deepEqual([png.width, png.height, png.colourType, png.bitDepth], [256, 256, 2, 8]);
      assert.equal(png.rawBytes, 256 * (256 * 3 + 1));
      const midi = readMidi(join(dir, e.files.midi));
      assert.ok(midi.tracks >= 2 && midi.noteOns > 0);
    }
  });

  test('the same seed gives byte-identical files', async () => {
    const again = mkdtempSync(join(tmpdir(), 'immute-again-'));
    try {
      const rows = loadImmuteRows();
      for (const i of [3, 17, 42]) {
        await renderItem(planItem(rows[i]), again);
        const e = manifest[i];
        for (const f of [e.files.audio, e.files.midi, e.files.image, ...e.files.hum]) {
          assert.ok(readFileSync(join(again, f)).equals(readFileSync(join(dir, f))), `${f} differs`);
        }
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  test('aspects change the plans as their rules say', () => {
    let checked = 0;
    for (const e of manifest) {
      if (e.tags.includes('slow-tempo')) { assert.ok(e.music.bpm < 80, `#${e.index} slow but ${e.music.bpm}`); checked++; }
      if (e.tags.includes('fast-tempo')) { assert.ok(e.music.bpm > 120, `#${e.index} fast but ${e.music.bpm}`); checked++; }
      if (e.tags.includes('sad')) { assert.equal(e.music.mode, 'minor'); assert.equal(e.visual.temperature, 'cool'); checked++; }
      if (e.tags.includes('no-drums')) assert.equal(e.music.drums, null);
    }
    assert.ok(checked >= 10, `only ${checked} rule checks applied`);
  });

  test('hum views hold only the melody’s pitches (transposed as recorded)', () => {
    for (const e of manifest.slice(0, 16)) {
      e.views.hums.forEach((h, k) => {
        const allowed = new Set(e.music.melody.pitches.map((p) => (((p + h.transpose) % 12) + 12) % 12));
        const wav = decodeWav(readFileSync(join(dir, e.files.hum[k])));
        const pitches = framePitches(wav.samples, wav.sampleRate);
        assert.ok(pitches.length > 10, `#${e.index} hum ${k}: too few voiced frames`);
        const inside = pitches.filter((p) => allowed.has(((Math.round(p) % 12) + 12) % 12)).length;
        assert.ok(inside / pitches.length >= 0.85, `#${e.index} hum ${k} (${h.timbre}): ${inside}/${pitches.length} frames on melody pitches`);
        // and in the melody's own register, not the bass's or the chords'
        const shifted = e.music.melody.pitches.map((p) => p + h.transpose);
        const median = [...pitches].sort((a, b) => a - b)[Math.floor(pitches.length / 2)];
        assert.ok(median >= Math.min(...shifted) - 1 && median <= Math.max(...shifted) + 1, `#${e.index} hum ${k}: median pitch ${median.toFixed(1)} outside the melody`);
      });
    }
  });

  test('an interrupted build resumes: only missing items render, temp files go, output is unchanged', async () => {
    const target = join(dir, manifest[5].files.audio);
    const before = readFileSync(target);
    unlinkSync(target);
    writeFileSync(`${target}.tmp-999-abc`, 'half-written');
    const again = await buildCorpus({ outDir: dir, limit: N, workers: 1, quiet: true });
    assert.equal(again.alreadyComplete, N - 1);
    assert.equal(again.rendered, 1);
    assert.ok(readFileSync(target).equals(before));
    assert.ok(!readdirSync(join(dir, 'audio')).some((f) => f.includes('.tmp-')));
    assert.equal(readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').length, N);
    assert.ok(existsSync(join(dir, 'build-report.json')));
  });

  test('bad options fail with a stable code', async () => {
    await assert.rejects(buildCorpus({ outDir: dir, limit: 0 }), { code: 'BAD_USER_INPUT' });
    await assert.rejects(buildCorpus({ outDir: dir, from: 999999 }), { code: 'BAD_USER_INPUT' });
    await assert.rejects(buildCorpus({ outDir: dir, limit: 1, workers: 99 }), { code: 'BAD_USER_INPUT' });
  });
});
