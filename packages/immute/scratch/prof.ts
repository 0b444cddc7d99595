import { loadImmuteRows } from '../src/metadata/immute-metadata.ts';
import { planItem } from '../src/item.ts';
import { loadSoundBank } from '../src/render/soundfont.ts';
import { renderEvents, scoreEvents } from '../src/render/synth-render.ts';
import { renderHum } from '../src/render/hum.ts';
import { melodyNotes } from '../src/compose/composer.ts';
import { paintImage } from '../src/paint/painter.ts';
import { applyRecording } from '../src/render/recording.ts';
import { createRng } from '../src/rng.ts';
const rows = loadImmuteRows(); loadSoundBank();
const T = { plan: 0, main: 0, rec: 0, hum: 0, img: 0 };
for (let i = 0; i < 40; i++) {
  let t = performance.now(); const p = planItem(rows[i]); T.plan += performance.now() - t;
  t = performance.now(); const x = await renderEvents(scoreEvents(p.score), 10); T.main += performance.now() - t;
  t = performance.now(); applyRecording(x, 16000, p.music.recording, p.music.loudness, createRng(1)); T.rec += performance.now() - t;
  t = performance.now(); for (const h of p.hums) await renderHum(melodyNotes(p.score), p.score.bpm, h, createRng(2)); T.hum += performance.now() - t;
  t = performance.now(); paintImage(p.visual, p.seed); T.img += performance.now() - t;
}
for (const k in T) console.log(k, (T[k as keyof typeof T] / 40).toFixed(1));
