import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { gradientPng } from '../testing/png.js';
import { contactSheet, escapeXml, shortCaption } from './contact-sheet.js';

test('captions are cut at a word before the limit, with an ellipsis, and escaped for SVG', () => {
  assert.equal(shortCaption('short one', 60), 'short one');
  const cut = shortCaption('The low quality recording features a ballad song that contains sustained strings', 40);
  assert.ok(cut.length <= 40 && cut.endsWith('…'), cut);
  assert.equal(cut, 'The low quality recording features a…');
  assert.equal(escapeXml(`R&B <live> "x"`), 'R&amp;B &lt;live&gt; &quot;x&quot;');
});

test('the sheet lays items out in rows of pairs and draws the caption text', async () => {
  const item = (seed: number) => ({ generated: gradientPng(64, 64, seed), original: gradientPng(80, 60, seed + 1), caption: 'A <loud> rock song & drums', label: `#${seed}` });
  const png = await contactSheet([item(1), item(2), item(3), item(4)], { columns: 3, thumb: 96 });
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 12 + 3 * (2 * 96 + 4 + 12));
  assert.equal(meta.height, 26 + 2 * (96 + 36 + 12) + 12);
  // the caption strip under the first item holds dark text pixels on the light background
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (let y = 26 + 96 + 2; y < 26 + 96 + 34; y++) {
    for (let x = 12; x < 12 + 180; x++) if (data[(y * info.width + x) * 3] < 120) dark++;
  }
  assert.ok(dark > 30, `text pixels under the first item: ${dark}`);
  await assert.rejects(contactSheet([]));
});
