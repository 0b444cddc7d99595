// Takes the README screenshots of every page against a real ingested corpus.
// Usage: npx tsx tests/e2e/screenshots.ts --corpus DIR [--limit 300] [--out docs/screenshots]
// (not a test: it writes committed images; the e2e tests keep their own under test-artifacts/)
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { readCorpusManifest } from '@muse/immute';
import { ROOT, startStack } from './stack.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpusDir = resolve(option('corpus') ?? join(ROOT, 'data', 'corpus'));
const outDir = resolve(option('out') ?? join(ROOT, 'docs', 'screenshots'));
mkdirSync(outDir, { recursive: true });

const manifest = readCorpusManifest(corpusDir);
// query with held-out items, so results are neighbours rather than the item itself
const queries = manifest.filter((m) => m.split === 'test').concat(manifest);
const imageQuery = readFileSync(join(corpusDir, queries[0].files.image));
const humQuery = readFileSync(join(corpusDir, queries[1].files.hum[0]));
const clipQuery = readFileSync(join(corpusDir, queries[2].files.audio));

const stack = await startStack({ corpusDir, corpusLibrary: 'ImMuTe demo', corpusLimit: Number(option('limit') ?? 300) });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function save(page: Page, name: string) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(400); // let waveforms and images paint
  await page.screenshot({ path: join(outDir, `${name}.jpg`), type: 'jpeg', quality: 78 });
  console.log(`wrote ${name}.jpg`);
}

try {
  const context = await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1280, height: 860 }, colorScheme: 'dark' });
  await context.addInitScript((key) => {
    if (window.location.protocol.startsWith('http')) window.localStorage.setItem('muse.apiKey', key);
  }, stack.apiKey);
  const page = await context.newPage();

  await page.goto('/');
  await page.locator('input[type=file]').first().setInputFiles({ name: 'painting.png', mimeType: 'image/png', buffer: imageQuery });
  await page.locator('.track .player[data-waveform="ready"]').first().waitFor({ timeout: 60_000 });
  await save(page, 'search-image-to-music');

  await page.goto('/?find=images');
  await page.locator('input[type=file]').first().setInputFiles({ name: 'hum.wav', mimeType: 'audio/wav', buffer: humQuery });
  await page.locator('[aria-label="Image results"] .card img').first().waitFor({ timeout: 60_000 });
  await save(page, 'search-hum-to-images');

  await page.goto('/library');
  await page.locator('[aria-label="Assets"] .card').first().waitFor({ timeout: 60_000 });
  await save(page, 'library');

  const firstImage = await page.locator('[aria-label="Assets"] .card[data-kind="IMAGE"]').first().getAttribute('data-asset-id');
  await page.goto(`/assets/${firstImage}`);
  await page.locator('[aria-label="Music for this image"] .track').first().waitFor({ timeout: 60_000 });
  await save(page, 'asset');

  await page.goto('/tag');
  const files = readdirSync(join(corpusDir, 'images')).slice(-2);
  await page.locator('input[type=file]').first().setInputFiles(files.map((f) => ({ name: f, mimeType: 'image/png', buffer: readFileSync(join(corpusDir, 'images', f)) })));
  await page.locator('[aria-label^="Suggested tags for"] button').nth(1).waitFor({ timeout: 60_000 });
  await page.locator('[aria-label^="Suggested tags for"]').nth(1).locator('button').first().waitFor({ timeout: 60_000 });
  await page.getByLabel(/Accept suggestions scoring at least/).fill('0.45');
  await save(page, 'tag');

  await page.goto('/generate');
  await page.locator('section[data-engine="Imagic"]').waitFor();
  await save(page, 'generate');

  // the picture tab with real results: four variations for a held-out clip, from the shipped MusIm bundle
  await page.goto('/generate?make=image');
  const musim = page.locator('section[data-engine="MusIm"]');
  await musim.locator('fieldset[data-slot="music"] .dropzone[data-hydrated="true"]').waitFor({ timeout: 60_000 });
  await musim.locator('fieldset[data-slot="music"] input[type=file]').setInputFiles({ name: 'clip.wav', mimeType: 'audio/wav', buffer: clipQuery });
  await musim.locator('fieldset[data-slot="music"][data-filled="true"]').waitFor({ timeout: 60_000 });
  await musim.getByRole('radiogroup', { name: 'Pictures' }).getByRole('radio', { name: '4' }).click();
  await musim.getByRole('button', { name: 'Generate 4 pictures' }).click();
  await musim.locator('section[aria-label="Generation"][data-status="SUCCEEDED"]').waitFor({ timeout: 180_000 });
  await musim.locator('[aria-label="Pictures"] article.picture img').nth(3).waitFor({ timeout: 60_000 });
  await musim.locator('section[aria-label="Generation"]').scrollIntoViewIfNeeded();
  await save(page, 'generate-image');

  await page.goto('/map');
  await page.getByText(/^\d+ points/).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Mood' }).click();
  await save(page, 'map');

  const phone = await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, colorScheme: 'dark' });
  const phonePage = await phone.newPage();
  await phonePage.goto('/');
  await phonePage.locator('input[type=file]').first().setInputFiles({ name: 'painting.png', mimeType: 'image/png', buffer: imageQuery });
  await phonePage.locator('.track').first().waitFor({ timeout: 60_000 });
  await save(phonePage, 'phone');
} finally {
  await browser.close();
  await stack.stop();
}
