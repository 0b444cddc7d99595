// End-to-end: the Generate page's music → image form in headless Chromium against a real API running the untrained
// tiny MusIm bundle that `.ci/run` exports (data/musim/bundles/musim-untrained; its pictures are noise, which is all
// these tests need): upload a WAV, generate one picture with few steps, follow the progress, see the picture,
// download its PNG, use it as the guide for a second picture, open the form from an asset page's "Use as guide",
// and cancel a long generation while its preview shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS, ROOT, startStack, type Stack } from './stack.js';
import { brightTone, lowTone } from './media.js';
import { CHROMIUM, CHROMIUM_ARGS, keyedPage, recordProgress, type ProgressState, WAIT } from './generate-browser.js';

const BUNDLE = process.env.MUSIM_TEST_BUNDLE ?? join(ROOT, 'data/musim/bundles/musim-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false : `no MusIm bundle at ${BUNDLE}: run \`.ci/run\` (or training/musim/export.py --untrained --config tiny --seed 0 --out …), or set MUSIM_TEST_BUNDLE`;
const PNG_SIGNATURE = '89504e470d0a1a0a';
const MUSIM = 'section[data-engine="MusIm"]';

interface PictureGeneration {
  seed: number;
  parameters: { steps: number; strength?: number };
  sources: { role: string; asset: { id: string } | null }[];
}

describe('the Generate page makes pictures from music in a browser', { timeout: 900_000, skip }, () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let libraryId = '';
  const generatedCount = async () =>
    (await stack.graphql<{ assets: { totalCount: number } }>('{ assets(filter: { sources: [GENERATED] }) { totalCount } }')).assets.totalCount;
  const generationOf = async (id: string) =>
    (await stack.graphql<{ asset: { generation: PictureGeneration } }>('query($id: ID!) { asset(id: $id) { generation { seed parameters sources { role asset { id } } } } }', { id })).asset.generation;

  /** Opens the picture form on a page and drops a WAV into its music slot. */
  async function formWithClip(on: Page, path: string, clip: Buffer, name: string): Promise<Locator> {
    await on.goto(path);
    const musim = on.locator(MUSIM);
    await musim.locator('fieldset[data-slot="music"] .dropzone[data-hydrated="true"]').waitFor(WAIT);
    await musim.locator('fieldset[data-slot="music"] input[type=file]').setInputFiles({ name, mimeType: 'audio/wav', buffer: clip });
    await musim.locator('fieldset[data-slot="music"][data-filled="true"]').waitFor(WAIT);
    await musim.getByText('Diffusion and seed').click();
    return musim;
  }

  /** The one picture a finished generation shows, once its image has loaded; its asset id. */
  async function shownPicture(musim: Locator): Promise<string> {
    const picture = musim.locator('[aria-label="Pictures"] article.picture');
    await picture.first().waitFor(WAIT);
    assert.equal(await picture.count(), 1);
    await picture.locator('img').evaluate((img: HTMLImageElement) =>
      img.complete && img.naturalWidth > 0 ? undefined : new Promise((resolve, reject) => {
        img.addEventListener('load', resolve, { once: true });
        img.addEventListener('error', () => reject(new Error(`the picture ${img.src} did not load`)), { once: true });
      }),
    );
    assert.equal(await picture.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), 256);
    const id = (await picture.getAttribute('data-generated-asset')) ?? '';
    assert.match(id, /^[0-9a-f-]{36}$/);
    return id;
  }

  before(async () => {
    stack = await startStack({ apiEnv: { MUSE_MUSIM_BUNDLE: BUNDLE } });
    libraryId = (await stack.graphql<{ createLibrary: { id: string } }>('mutation { createLibrary(name: "Artwork") { id } }')).createLibrary.id;
    // a synthetic microphone (a beep) that needs no permission prompt
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
    ({ context, page } = await keyedPage(browser, stack, pageErrors, { permissions: ['microphone'] }));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  let pictureId = '';

  test('an uploaded clip becomes a picture, with live progress; its PNG downloads and it is saved to a library', async () => {
    const musim = await formWithClip(page, '/generate?make=image', brightTone(2), 'harbour.wav');
    await musim.getByLabel('Steps', { exact: true }).fill('4');
    await musim.getByLabel('Seed', { exact: true }).fill('7');

    await page.evaluate(recordProgress(MUSIM));
    await musim.getByRole('button', { name: 'Generate a picture' }).click();
    await musim.locator('section[aria-label="Generation"][data-status="SUCCEEDED"]').waitFor(WAIT);
    const seen = await page.evaluate(() => (window as unknown as { seenProgress: ProgressState[] }).seenProgress);
    writeFileSync(join(ARTIFACTS, 'generate-image-progress.json'), JSON.stringify(seen, null, 1));
    assert.ok(seen.some((s) => s.status === 'QUEUED' || s.status === 'RUNNING'), `no state before the end: ${JSON.stringify(seen)}`);
    for (const state of seen.filter((s) => s.status === 'RUNNING' && /^Step /.test(s.text))) {
      assert.match(state.text, /^Step \d of 4, picture 1 of 1 · \d+%$/);
    }
    const last = seen[seen.length - 1];
    assert.deepEqual([last.status, last.via, last.text, last.value], ['SUCCEEDED', 'subscription', 'Done', '100'], JSON.stringify(seen));

    pictureId = await shownPicture(musim);
    const generation = await generationOf(pictureId);
    assert.deepEqual([generation.seed, generation.parameters.steps], [7, 4]);
    assert.deepEqual(generation.sources.map((s) => s.role), ['AUDIO']);

    const downloading = page.waitForEvent('download', WAIT);
    await musim.locator(`[data-generated-asset="${pictureId}"]`).getByRole('link', { name: '⬇ PNG' }).click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /-seed-7\.png$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 8).toString('hex'), PNG_SIGNATURE);

    const picture = musim.locator(`[data-generated-asset="${pictureId}"]`);
    await picture.getByLabel(/^Library to save/).selectOption(libraryId);
    await picture.getByRole('button', { name: 'Save', exact: true }).click();
    await picture.getByText('Saved to “Artwork”.').waitFor(WAIT);
    const saved = await stack.graphql<{ assets: { edges: { node: { id: string } }[] } }>('query($id: ID!) { assets(filter: { libraryId: $id }) { edges { node { id } } } }', { id: libraryId });
    assert.deepEqual(saved.assets.edges.map((e) => e.node.id), [pictureId]);
    await page.screenshot({ path: join(ARTIFACTS, 'generate-image-result.png'), fullPage: true });
  });

  test('"use as guide" presets the guide, and the guided picture starts from it', async () => {
    assert.ok(pictureId, 'the first test made no picture');
    const musim = page.locator(MUSIM);
    await musim.locator(`[data-generated-asset="${pictureId}"]`).getByRole('button', { name: /Use as guide/ }).click();
    const guide = musim.locator('fieldset[data-slot="guide"][data-filled="true"]');
    await guide.locator('img').waitFor(WAIT);
    await musim.getByText(/is the guide image now/).waitFor(WAIT);
    await guide.getByLabel('Guide strength').fill('0.5');

    const firstJob = await musim.locator('section[aria-label="Generation"]').getAttribute('data-job-id');
    await musim.getByRole('button', { name: 'Generate a picture' }).click();
    // the new job's panel replaces the finished one
    await musim.locator(`section[aria-label="Generation"][data-status="SUCCEEDED"]:not([data-job-id="${firstJob}"])`).waitFor(WAIT);
    const guidedId = await shownPicture(musim);
    assert.notEqual(guidedId, pictureId);
    const generation = await generationOf(guidedId);
    assert.equal(generation.parameters.strength, 0.5);
    assert.deepEqual(generation.sources.find((s) => s.role === 'GUIDE')?.asset?.id, pictureId);
  });

  test('an image page\'s "Use as guide" opens the picture form with that guide', async () => {
    assert.ok(pictureId, 'the first test made no picture');
    const other = await context.newPage();
    await other.goto(`/assets/${pictureId}`);
    await other.getByRole('link', { name: 'Use as guide' }).click();
    await other.waitForURL(new RegExp(`/generate\\?guide=${pictureId}$`), WAIT);
    const musim = other.locator(MUSIM);
    await musim.locator('fieldset[data-slot="guide"][data-filled="true"] img').waitFor(WAIT);
    await musim.getByText(/is the guide image; choose the music/).waitFor(WAIT);
    assert.equal(await other.getByRole('tab', { name: 'Music → image' }).getAttribute('aria-selected'), 'true');
    await other.close();
  });

  test('a clip recorded from the microphone, then a track picked from the library, each become a picture', async () => {
    const other = await context.newPage();
    await other.goto('/generate?make=image');
    const musim = other.locator(MUSIM);
    const music = musim.locator('fieldset[data-slot="music"]');
    await music.getByRole('tab', { name: 'Record' }).click();
    await music.getByRole('button', { name: 'Record a clip' }).click();
    await other.waitForFunction((scope) => {
      const text = document.querySelector(`${scope} [aria-label="Recorded time"]`)?.textContent ?? '';
      return Number.parseFloat(text) >= 1.2;
    }, MUSIM, WAIT);
    await music.getByRole('button', { name: 'Stop recording' }).click();
    await musim.locator('fieldset[data-slot="music"][data-filled="true"]').getByText(/^recording-.*\.wav$/).waitFor(WAIT);
    await musim.getByText('Diffusion and seed').click();
    await musim.getByLabel('Steps', { exact: true }).fill('2');
    await musim.getByRole('button', { name: 'Generate a picture' }).click();
    await musim.locator('section[aria-label="Generation"][data-status="SUCCEEDED"]').waitFor(WAIT);
    const recordedId = await shownPicture(musim);
    const recorded = (await generationOf(recordedId)).sources.find((s) => s.role === 'AUDIO')?.asset?.id;
    assert.ok(recorded, 'the recording is stored as the picture\'s AUDIO source');

    await music.getByRole('button', { name: 'Replace' }).click();
    await music.getByRole('tab', { name: 'From the library' }).click();
    await music.locator(`button.pick[data-asset-id="${recorded}"]`).click();
    await musim.locator('fieldset[data-slot="music"][data-filled="true"]').waitFor(WAIT);
    const firstJob = await musim.locator('section[aria-label="Generation"]').getAttribute('data-job-id');
    await musim.getByRole('button', { name: 'Generate a picture' }).click();
    await musim.locator(`section[aria-label="Generation"][data-status="SUCCEEDED"]:not([data-job-id="${firstJob}"])`).waitFor(WAIT);
    const pickedId = await shownPicture(musim);
    assert.notEqual(pickedId, recordedId);
    assert.equal((await generationOf(pickedId)).sources.find((s) => s.role === 'AUDIO')?.asset?.id, recorded, 'the library track is the source, not a new upload');
    await other.close();
  });

  test('Cancel stops a long generation while the picture so far shows, and keeps nothing', async () => {
    const cancelling = await context.newPage();
    const musim = await formWithClip(cancelling, '/generate?make=image', lowTone(4), 'drone.wav');
    await musim.getByLabel('Steps', { exact: true }).fill('50');
    await musim.getByRole('radio', { name: '3' }).click();
    const before = await generatedCount();
    await musim.getByRole('button', { name: 'Generate 3 pictures' }).click();
    const panel = musim.locator('section[aria-label="Generation"]');
    await panel.locator('img.job-preview').waitFor(WAIT);
    assert.match((await panel.locator('.job-text').textContent()) ?? '', /^Step \d+ of 50, picture [1-3] of 3 · \d+%$/);
    assert.match((await panel.locator('img.job-preview').getAttribute('src')) ?? '', /^data:image\/jpeg;base64,/);
    await panel.getByRole('button', { name: 'Cancel' }).click(WAIT);
    await musim.locator('section[aria-label="Generation"][data-status="CANCELLED"]').waitFor(WAIT);
    assert.equal(await panel.locator('.job-text').textContent(), 'Cancelled');
    await panel.getByText(/nothing from this generation was kept/).waitFor(WAIT);
    assert.equal(await panel.locator('img.job-preview').count(), 0);
    assert.equal(await generatedCount(), before, 'a cancelled generation keeps no picture');
    await cancelling.close();
  });

  test('no page raised an uncaught error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
