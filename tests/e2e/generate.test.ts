// End-to-end: the Generate page's image → music form in headless Chromium against a real API running the untrained
// tiny Imagic bundle that `.ci/run` exports (data/imagic/bundles/imagic-untrained): upload an image, generate 5 s,
// follow the progress, play the piece, download its WAV and MIDI, find it among the past generations, and refill
// the form from it ("same seed again", "continue this").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS, ROOT, startStack, type Stack } from './stack.js';
import { warmImage } from './media.js';
import { CHROMIUM, CHROMIUM_ARGS, keyedPage, recordProgress, type ProgressState, WAIT } from './generate-browser.js';

const BUNDLE = process.env.IMAGIC_TEST_BUNDLE ?? join(ROOT, 'data/imagic/bundles/imagic-untrained');
const skip = existsSync(join(BUNDLE, 'manifest.json')) ? false : `no Imagic bundle at ${BUNDLE}: run \`.ci/run\` (or training/imagic/export.py --untrained --config tiny --out …), or set IMAGIC_TEST_BUNDLE`;

describe('the Generate page in a browser', { timeout: 900_000, skip }, () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const libraries: Record<string, string> = {};
  const libraryAssets = async (id: string) =>
    (await stack.graphql<{ assets: { edges: { node: { id: string } }[] } }>('query($id: ID!) { assets(filter: { libraryId: $id }) { edges { node { id } } } }', { id })).assets.edges.map((e) => e.node.id);

  before(async () => {
    stack = await startStack({ apiEnv: { MUSE_IMAGIC_BUNDLE: BUNDLE } });
    for (const name of ['Soundtracks', 'Favourites']) {
      const { createLibrary } = await stack.graphql<{ createLibrary: { id: string } }>('mutation($name: String!) { createLibrary(name: $name) { id } }', { name });
      libraries[name] = createLibrary.id;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    ({ context, page } = await keyedPage(browser, stack, pageErrors));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  let pieceId = '';
  let seed = '';

  test('an uploaded image becomes 5 s of music, with live progress', async () => {
    await page.goto('/generate');
    const imagic = page.locator('section[data-engine="Imagic"]');
    await imagic.locator('form').waitFor(WAIT);
    await imagic.locator('fieldset[data-slot="image"] .dropzone[data-hydrated="true"]').waitFor(WAIT);
    await imagic.locator('fieldset[data-slot="image"] input[type=file]').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: warmImage(3) });
    await imagic.locator('fieldset[data-slot="image"][data-filled="true"] img').waitFor(WAIT);
    await imagic.getByLabel('Length (seconds)').fill('5');
    // a seed the untrained test bundle writes audible notes for (for some seeds it writes none, and the job fails saying so)
    await imagic.getByText('Sampling and seed').click();
    await imagic.getByLabel('Seed', { exact: true }).fill('42');
    await imagic.getByLabel('Save into library').selectOption(libraries.Soundtracks);

    // every state the progress panel shows, as it shows it (a string: tsx's helpers do not exist in the page)
    await page.evaluate(recordProgress('section[data-engine="Imagic"]'));
    await imagic.getByRole('button', { name: 'Generate music' }).click();

    const panel = page.locator('section[aria-label="Generation"]');
    await panel.waitFor(WAIT);
    await page.locator('section[aria-label="Generation"][data-status="SUCCEEDED"]').waitFor(WAIT);
    const seen = await page.evaluate(() => (window as unknown as { seenProgress: ProgressState[] }).seenProgress);
    writeFileSync(join(ARTIFACTS, 'generate-progress.json'), JSON.stringify(seen, null, 1));
    assert.ok(seen.length >= 2, `progress states seen: ${JSON.stringify(seen)}`);
    // updates came over the API's websocket (both the page and the API are on loopback here)
    assert.equal(seen[seen.length - 1].via, 'subscription', JSON.stringify(seen));
    assert.equal(seen[seen.length - 1].text, 'Done');
    assert.equal(seen[seen.length - 1].value, '100');
    for (const state of seen.filter((s) => s.status === 'RUNNING' && /^Bar /.test(s.text))) {
      assert.match(state.text, /^Bar \d+ of \d+, variation 1 of 1 · \d+%$/);
    }
    assert.ok(seen.some((s) => s.status === 'QUEUED' || s.status === 'RUNNING'), `no state before the end: ${JSON.stringify(seen)}`);

    const piece = page.locator('[aria-label="Results"] article.piece');
    await piece.first().waitFor(WAIT);
    assert.equal(await piece.count(), 1);
    pieceId = (await piece.getAttribute('data-generated-asset')) ?? '';
    assert.match(pieceId, /^[0-9a-f-]{36}$/);
    await piece.locator('.piano-roll[data-roll="ready"]').waitFor(WAIT);
    await page.screenshot({ path: join(ARTIFACTS, 'generate-result.png'), fullPage: true });
    // the form's library got the piece; the piece's own Save puts it in another
    assert.deepEqual(await libraryAssets(libraries.Soundtracks), [pieceId]);
    await piece.getByLabel(/^Library to save/).selectOption(libraries.Favourites);
    await piece.getByRole('button', { name: 'Save', exact: true }).click();
    await piece.getByText('Saved to “Favourites”.').waitFor(WAIT);
    assert.deepEqual(await libraryAssets(libraries.Favourites), [pieceId]);
  });

  test('the piece plays, and its WAV and MIDI download', async () => {
    assert.ok(pieceId, 'the first test made no piece');
    const piece = page.locator(`[aria-label="Results"] [data-generated-asset="${pieceId}"]`);
    await piece.locator('.player[data-waveform="ready"]').waitFor(WAIT);
    await piece.getByRole('button', { name: /^Play / }).click();
    await piece.getByRole('button', { name: /^Pause / }).waitFor(WAIT);
    await page.waitForFunction(
      (id) => {
        const audio = document.querySelector<HTMLAudioElement>(`[aria-label="Results"] [data-generated-asset="${id}"] audio`);
        return !!audio && audio.currentTime > 0.2;
      },
      pieceId,
      WAIT,
    );
    await piece.getByRole('button', { name: /^Pause / }).click();

    for (const [name, magic, extension] of [['⬇ WAV', 'RIFF', '.wav'], ['⬇ MIDI', 'MThd', '.mid']] as const) {
      const downloading = page.waitForEvent('download', WAIT);
      await piece.getByRole('link', { name }).click();
      const download = await downloading;
      assert.ok(download.suggestedFilename().endsWith(extension), download.suggestedFilename());
      const path = await download.path();
      const bytes = readFileSync(path);
      assert.equal(bytes.subarray(0, 4).toString('latin1'), magic, `${name} starts with ${bytes.subarray(0, 4).toString('hex')}`);
    }
  });

  test('it is among the past generations, and refills the form', async () => {
    assert.ok(pieceId, 'the first test made no piece');
    const past = page.locator(`[aria-label="Past generations"] [data-generated-asset="${pieceId}"]`);
    await past.waitFor(WAIT);
    // newest first: the piece just made leads the list
    assert.equal(await page.locator('[aria-label="Past generations"] [data-generated-asset]').first().getAttribute('data-generated-asset'), pieceId);
    const { asset } = await stack.graphql<{ asset: { generation: { seed: number; parameters: { seconds: number } } } }>(
      'query($id: ID!) { asset(id: $id) { generation { seed parameters } } }',
      { id: pieceId },
    );
    assert.equal(asset.generation.parameters.seconds, 5);
    seed = String(asset.generation.seed);

    await past.getByRole('button', { name: /Same seed again/ }).click();
    const imagic = page.locator('section[data-engine="Imagic"]');
    await imagic.getByText(`seed (${seed})`, { exact: false }).waitFor(WAIT);
    assert.equal(await imagic.getByLabel('Seed', { exact: true }).inputValue(), seed);
    assert.equal(await imagic.getByLabel('Length (seconds)').inputValue(), '5');
    assert.equal(await imagic.locator('fieldset[data-slot="image"]').getAttribute('data-filled'), 'true');

    await past.getByRole('button', { name: /Continue this/ }).click();
    await imagic.locator('fieldset[data-slot="prompt"][data-filled="true"]').waitFor(WAIT);
    await page.screenshot({ path: join(ARTIFACTS, 'generate-refilled.png'), fullPage: true });
  });

  test('without the websocket the page polls, and Cancel stops a long generation', async () => {
    const polling = await context.newPage();
    // the API's websocket refuses: the page must fall back to polling job(id)
    await polling.routeWebSocket(/\/graphql$/, (ws) => ws.close({ code: 1011, reason: 'blocked by the test' }));
    await polling.goto('/generate');
    const imagic = polling.locator('section[data-engine="Imagic"]');
    await imagic.locator('fieldset[data-slot="image"] .dropzone[data-hydrated="true"]').waitFor(WAIT);
    await imagic.locator('fieldset[data-slot="image"] input[type=file]').setInputFiles({ name: 'dusk.png', mimeType: 'image/png', buffer: warmImage(9) });
    await imagic.getByLabel('Length (seconds)').fill('120');
    await imagic.getByRole('radio', { name: '4' }).click();
    const before = (await stack.graphql<{ assets: { totalCount: number } }>('{ assets(filter: { sources: [GENERATED] }) { totalCount } }')).assets.totalCount;
    await imagic.getByRole('button', { name: 'Generate 4 variations' }).click();
    const panel = polling.locator('section[aria-label="Generation"]');
    await panel.getByRole('button', { name: 'Cancel' }).click(WAIT);
    await polling.locator('section[aria-label="Generation"][data-status="CANCELLED"]').waitFor(WAIT);
    assert.equal(await panel.getAttribute('data-via'), 'polling');
    assert.equal(await panel.locator('.job-text').textContent(), 'Cancelled');
    await panel.getByText(/nothing from this generation was kept/).waitFor(WAIT);
    const afterwards = (await stack.graphql<{ assets: { totalCount: number } }>('{ assets(filter: { sources: [GENERATED] }) { totalCount } }')).assets.totalCount;
    assert.equal(afterwards, before, 'a cancelled generation keeps no piece');
    await polling.close();
  });

  test('no page raised an uncaught error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
