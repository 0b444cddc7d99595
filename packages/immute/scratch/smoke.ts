import { loadImmuteRows } from '/work/main/packages/immute/src/metadata/immute-metadata.ts';
import { planItem, renderItem, manifestEntry } from '/work/main/packages/immute/src/item.ts';
import { loadSoundBank } from '/work/main/packages/immute/src/render/soundfont.ts';
const rows = loadImmuteRows();
let t = performance.now(); loadSoundBank(); console.log('sf', performance.now() - t);
for (const i of [0, 1, 2, 3, 4, 5, 6, 7]) {
  t = performance.now();
  const p = planItem(rows[i]);
  const tp = performance.now() - t;
  const r = await renderItem(p, '/tmp/smoke-out');
  console.log(i, p.music.style, p.music.bpm, p.music.key, p.music.mode, p.music.parts.map(x => x.role + ':' + x.instrument).join(','), p.music.drums?.pattern, 'plan', tp.toFixed(1), r);
}
console.log(JSON.stringify(manifestEntry(planItem(rows[0]))).slice(0, 1500));
