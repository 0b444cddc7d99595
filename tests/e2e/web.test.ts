// End-to-end: the built web app in headless Chromium against a real API with a small corpus.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS, startStack, type Stack } from './stack.js';
import { brightTone, coolImage, lowTone, warmImage } from './media.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // a synthetic microphone (a beep) that needs no permission prompt
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
const WAIT = { timeout: 60_000 };

const INGEST = `mutation($file: Upload!, $title: String, $tags: [String!]) {
  ingestAsset(file: $file, title: $title, tags: $tags) { id kind tags { name origin score } }
}`;

interface IngestedAsset {
  id: string;
  kind: string;
  tags: { name: string; origin: string; score: number }[];
}

describe('web app in a browser', { timeout: 900_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  const corpus: IngestedAsset[] = [];

  before(async () => {
    stack = await startStack();
    const items: [Buffer, string, string[]][] = [];
    for (let i = 0; i < 6; i++) {
      items.push([warmImage(i), `sunrise-${i}.png`, ['warm', 'bright', 'happy']]);
      items.push([coolImage(i), `night-${i}.png`, ['cool', 'calm', 'dark']]);
      items.push([brightTone(i), `fanfare-${i}.wav`, ['warm', 'bright', 'happy']]);
      items.push([lowTone(i), `drone-${i}.wav`, ['cool', 'calm', 'dark']]);
    }
    for (const [bytes, name, tags] of items) {
      const { ingestAsset } = await stack.graphql<{ ingestAsset: IngestedAsset }>(
        INGEST,
        { file: null, title: name.replace(/\.\w+$/, ''), tags },
        { file: { bytes, name } },
      );
      corpus.push(ingestAsset);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const pageErrors: string[] = [];

  async function open(path: string, options: { key?: boolean; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      baseURL: stack.webUrl,
      viewport: { width: options.width ?? 1280, height: 900 },
      permissions: ['microphone'],
    });
    if (options.key) {
      await context.addInitScript((key) => {
        if (window.location.protocol.startsWith('http')) window.localStorage.setItem('muse.apiKey', key);
      }, stack.apiKey);
    }
    context.on('weberror', (error) => pageErrors.push(`${error.page()?.url()}: ${error.error().message}`));
    const page = await context.newPage();
    await page.goto(path);
    return { context, page };
  }

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  test('image search returns ranked music that plays', async () => {
    const { context, page } = await open('/');
    // the drop zone is reachable and usable from the keyboard
    const dropZone = page.getByRole('button', { name: /Drop an image or click to pick one/ });
    await page.locator('.dropzone[data-hydrated="true"]').first().waitFor(WAIT);
    await dropZone.focus();
    const chooserEvent = page.waitForEvent('filechooser', WAIT);
    // Playwright enables file-chooser interception asynchronously; one round trip to the page makes
    // sure it is on before the key press, or a cold browser opens the native dialog instead.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    await page.keyboard.press('Enter');
    const chooser = await chooserEvent;
    await chooser.setFiles({ name: 'query.png', mimeType: 'image/png', buffer: warmImage(7) });
    const tracks = page.locator('.track');
    await tracks.first().waitFor(WAIT);
    const count = await tracks.count();
    assert.ok(count >= 1 && count <= 12, `expected 1..12 tracks, got ${count}`);
    // each hit shows its score, and the list is ranked by it
    const scores = (await page.locator('.track .score-badge').allTextContents()).map((t) => Number(t.replace(/[^0-9.-]/g, '')));
    assert.equal(scores.length, count);
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] >= scores[i], `scores not ranked: ${scores.join(', ')}`);
    // the waveform is drawn from the decoded audio fetched through the web app's /media proxy
    const first = tracks.first();
    await first.locator('.player[data-waveform="ready"]').waitFor(WAIT);
    await first.getByRole('button', { name: /^Play / }).click();
    await page.waitForFunction(() => {
      const audio = document.querySelector<HTMLAudioElement>('.track audio');
      return !!audio && audio.currentTime > 0.2 && !audio.paused;
    }, undefined, WAIT);
    assert.match(page.url(), /find=music/);
    await first.getByRole('button', { name: /^Pause / }).click();
    await shot(page, 'search-image-to-music');

    // "More like this" is a URL: opened anywhere, it runs the same search
    const trackId = await first.getAttribute('data-asset-id');
    await first.getByRole('link', { name: 'More like this' }).click();
    await page.waitForURL(new RegExp(`asset=${trackId}`));
    await page.waitForFunction((id) => {
      const ids = [...document.querySelectorAll('.track')].map((e) => e.getAttribute('data-asset-id'));
      return ids.length > 0 && !ids.includes(id);
    }, trackId, WAIT);
    const ranked = await page.locator('.track').evaluateAll((els) => els.map((e) => e.getAttribute('data-asset-id')));
    assert.ok(!ranked.includes(trackId), 'the query track is left out of its own results');
    const shared = await context.newPage();
    await shared.goto(page.url());
    await shared.locator('.track').first().waitFor(WAIT);
    assert.deepEqual(await shared.locator('.track').evaluateAll((els) => els.map((e) => e.getAttribute('data-asset-id'))), ranked);
    await context.close();
  });

  test('an audio upload returns an image grid', async () => {
    const { context, page } = await open('/?find=images');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'clip.wav', mimeType: 'audio/wav', buffer: lowTone(7) });
    const cards = page.locator('[aria-label="Image results"] .card');
    await cards.first().waitFor(WAIT);
    assert.ok((await cards.count()) >= 1);
    const loaded = await cards.first().locator('img').evaluate(async (img: HTMLImageElement) => {
      if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
      return img.naturalWidth;
    });
    assert.ok(loaded > 0, 'the first result image did not load');
    const kinds = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.ok(kinds.every((k) => k === 'IMAGE'));
    await shot(page, 'search-audio-to-images');
    await context.close();
  });

  test('a hummed clip finds music that carries the tune: ranked tracks', async () => {
    const { context, page } = await open('/?find=music-by-sound');
    assert.equal(await page.getByRole('tab', { name: 'Hum → music' }).getAttribute('aria-selected'), 'true');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'hum.wav', mimeType: 'audio/wav', buffer: brightTone(3) });
    const tracks = page.locator('.track');
    await tracks.first().waitFor(WAIT);
    const count = await tracks.count();
    assert.ok(count >= 1 && count <= 12, `expected 1..12 tracks, got ${count}`);
    const scores = (await page.locator('.track .score-badge').allTextContents()).map((t) => Number(t.replace(/[^0-9.-]/g, '')));
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] >= scores[i], `scores not ranked: ${scores.join(', ')}`);
    assert.equal(await page.locator('[aria-label="Image results"]').count(), 0, 'no image grid');
    await context.close();
  });

  test('humming into the microphone (10 s cap) returns images', async () => {
    const { context, page } = await open('/?find=images');
    await page.getByRole('button', { name: /Record/ }).click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[aria-label="Recorded time"]')?.textContent ?? '';
      return Number.parseFloat(text) >= 1.2;
    }, undefined, WAIT);
    const level = Number(await page.getByRole('meter', { name: 'Input level' }).getAttribute('aria-valuenow'));
    assert.ok(level >= 0 && level <= 100);
    await page.getByRole('button', { name: /Stop and search/ }).click();
    await page.locator('[aria-label="Image results"] .card').first().waitFor(WAIT);
    await context.close();
  });

  test('tag suggestions can be accepted and applied', async () => {
    const { context, page } = await open('/tag', { key: true });
    await page.locator('input[type=file]').first().setInputFiles({ name: 'tag-me.png', mimeType: 'image/png', buffer: warmImage(11) });
    const suggestions = page.locator('[aria-label="Suggested tags for tag-me.png"] button');
    await suggestions.first().waitFor(WAIT);
    await page.getByRole('button', { name: 'Accept all' }).click();
    const accepted = (await suggestions.allTextContents()).map((t) => t.replace(/^[✓✕]\s*/, '').replace(/\s*[0-9.]+$/, '').trim());
    assert.ok(accepted.length >= 1);
    // reject the last one to prove the choice is honoured
    const rejected = accepted.length > 1 ? accepted[accepted.length - 1] : null;
    if (rejected) await suggestions.last().click();
    await shot(page, 'tag-review');
    await page.getByRole('button', { name: /^Apply \d+ tags? to 1 item/ }).click();
    await page.getByText(/Tags applied/).waitFor(WAIT);
    const { assets } = await stack.graphql<{ assets: { edges: { node: IngestedAsset }[] } }>(
      `{ assets(filter: { text: "tag-me" }, first: 5) { edges { node { id kind tags { name origin score } } } } }`,
    );
    assert.equal(assets.edges.length, 1);
    const tags = assets.edges[0].node.tags.filter((t) => t.origin === 'USER').map((t) => t.name).sort();
    const expected = accepted.filter((t) => t !== rejected).sort();
    assert.deepEqual(tags, expected);
    await context.close();
  });

  test('an apply refused for want of a key can be retried once a key is saved', async () => {
    const { context, page } = await open('/tag');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'keyless.png', mimeType: 'image/png', buffer: coolImage(12) });
    const suggestions = page.locator('[aria-label="Suggested tags for keyless.png"] button');
    await suggestions.first().waitFor(WAIT);
    await page.getByRole('button', { name: 'Accept all' }).click();
    const applyAll = page.getByRole('button', { name: /^Apply \d+ tags? to 1 item$/ });
    const label = await applyAll.textContent();
    await applyAll.click();
    const error = page.locator('[data-name="keyless.png"] [role="alert"]');
    await error.waitFor(WAIT);
    assert.equal(await error.getAttribute('data-code'), 'UNAUTHENTICATED');
    // nothing is lost: the suggestions, their choices and both Apply buttons are still there
    assert.equal(await applyAll.textContent(), label);
    assert.ok(await applyAll.isEnabled());
    assert.ok(await page.locator('[data-name="keyless.png"]').getByRole('button', { name: /^Apply \d+$/ }).isEnabled());
    assert.ok((await suggestions.count()) >= 1);

    await error.getByRole('button', { name: 'Enter API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Key', { exact: true }).fill(stack.apiKey);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await applyAll.click();
    await page.getByText(/Tags applied/).waitFor(WAIT);
    const { assets } = await stack.graphql<{ assets: { edges: { node: IngestedAsset }[] } }>(
      `{ assets(filter: { text: "keyless" }, first: 5) { edges { node { id kind tags { name origin score } } } } }`,
    );
    assert.equal(assets.edges.length, 1);
    assert.ok(assets.edges[0].node.tags.some((t) => t.origin === 'USER'));
    await context.close();
  });

  test('a file that is not an image never shows as a broken preview', async () => {
    const notAnImage = { name: 'words.png', mimeType: 'image/png', buffer: Buffer.from('plain words, not a picture\n'.repeat(20)) };
    const previews = (page: Page) => page.locator('.dropzone img');
    const refused = async (page: Page) => {
      const error = page.locator('[aria-label="Results"] [role="alert"]');
      await error.waitFor(WAIT);
      assert.equal(await error.getAttribute('data-code'), 'UNSUPPORTED_MEDIA');
    };
    // decoded: loaded with a size, or not yet settled
    const settledSources = (page: Page) =>
      previews(page).evaluateAll(async (imgs: HTMLImageElement[]) => {
        await Promise.all(imgs.map((img) => img.decode().catch(() => undefined)));
        return imgs.map((img) => ({ src: img.src, width: img.naturalWidth }));
      });

    const { context, page } = await open('/?find=music');
    await page.locator('input[type=file]').first().setInputFiles(notAnImage);
    await refused(page);
    assert.deepEqual(await settledSources(page), [], 'no preview for a file that is not an image');

    await page.locator('input[type=file]').first().setInputFiles({ name: 'good.png', mimeType: 'image/png', buffer: warmImage(8) });
    await page.locator('.track').first().waitFor(WAIT);
    await previews(page).first().waitFor(WAIT);
    const good = await settledSources(page);
    assert.equal(good.length, 1);
    assert.ok(good[0].width > 0, 'the good image is previewed');

    await page.locator('input[type=file]').first().setInputFiles(notAnImage);
    await refused(page);
    assert.deepEqual(await settledSources(page), good, 'the good preview stays, not a broken one');
    await context.close();
  });

  test('on the Tag page a file that is not an image shows its error and no broken thumbnail', async () => {
    const { context, page } = await open('/tag', { key: true });
    await page.locator('input[type=file]').first().setInputFiles([
      { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('plain words, not a picture\n'.repeat(20)) },
      { name: 'real.png', mimeType: 'image/png', buffer: warmImage(13) },
    ]);
    await page.locator('[data-name="fake.png"] [role="alert"]').waitFor(WAIT);
    await page.locator('[aria-label="Suggested tags for real.png"] button').first().waitFor(WAIT);
    const thumbs = (name: string) =>
      page.locator(`[data-name="${name}"] img`).evaluateAll(async (imgs: HTMLImageElement[]) => {
        await Promise.all(imgs.map((img) => img.decode().catch(() => undefined)));
        return imgs.map((img) => img.naturalWidth);
      });
    assert.deepEqual(await thumbs('fake.png'), [], 'no thumbnail for a file that is not an image');
    const real = await thumbs('real.png');
    assert.equal(real.length, 1);
    assert.ok(real[0] > 0, 'the real picture is shown');
    await context.close();
  });

  test('tagging a whole library runs as a job with progress', async () => {
    const { createLibrary } = await stack.graphql<{ createLibrary: { id: string } }>(`mutation { createLibrary(name: "e2e untagged") { id } }`);
    const untagged: string[] = [];
    for (const [bytes, name] of [[coolImage(20), 'plain-a.png'], [brightTone(20), 'plain-b.wav']] as const) {
      const { ingestAsset } = await stack.graphql<{ ingestAsset: IngestedAsset }>(
        `mutation($file: Upload!, $lib: ID) { ingestAsset(file: $file, libraryId: $lib) { id kind tags { name origin score } } }`,
        { file: null, lib: createLibrary.id },
        { file: { bytes, name } },
      );
      untagged.push(ingestAsset.id);
    }
    const { context, page } = await open('/tag', { key: true });
    await page.getByRole('tab', { name: 'A library' }).click();
    await page.getByLabel('Library', { exact: true }).selectOption(createLibrary.id);
    await page.locator('[aria-label^="Suggested tags for"]').first().waitFor(WAIT);
    await page.getByLabel(/Accept suggestions scoring at least/).fill('0');
    await page.getByRole('button', { name: 'Tag the whole library' }).click();
    await page.getByText(/^Done: 2 items looked at/).waitFor(WAIT);
    assert.equal(await page.getByRole('progressbar', { name: 'Library tagging progress' }).getAttribute('aria-valuenow'), '100');
    for (const id of untagged) {
      const { asset } = await stack.graphql<{ asset: IngestedAsset }>(`query($id: ID!) { asset(id: $id) { id kind tags { name origin score } } }`, { id });
      assert.ok(asset.tags.some((t) => t.origin === 'PREDICTED'), `asset ${id} got no predicted tags`);
    }
    await context.close();
  });

  test('a bad upload shows its error per file, the good one goes through', async () => {
    const before = await stack.graphql<{ assets: { totalCount: number } }>(`{ assets { totalCount } }`);
    const { context, page } = await open('/library', { key: true });
    await page.getByRole('button', { name: /Upload files/ }).click();
    await page.locator('input[type=file]').first().setInputFiles([
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are plain words, not a picture\n'.repeat(20)) },
      { name: 'good.png', mimeType: 'image/png', buffer: coolImage(30) },
    ]);
    const failed = page.locator('.file-list li[data-state="failed"]');
    await failed.waitFor(WAIT);
    await page.locator('.file-list li[data-state="done"]').waitFor(WAIT);
    assert.equal(await failed.count(), 1);
    assert.match(await failed.textContent() ?? '', /notes\.png/);
    const error = failed.locator('[role="alert"]');
    assert.equal(await error.getAttribute('data-code'), 'UNSUPPORTED_MEDIA');
    assert.match(await error.textContent() ?? '', /not supported/);
    await shot(page, 'library-upload-errors');
    const afterUpload = await stack.graphql<{ assets: { totalCount: number } }>(`{ assets { totalCount } }`);
    assert.equal(afterUpload.assets.totalCount, before.assets.totalCount + 1);
    await context.close();
  });

  test('without a key, a mutation explains that one is needed', async () => {
    const { context, page } = await open('/library');
    await page.getByRole('button', { name: /Upload files/ }).click();
    await page.locator('input[type=file]').first().setInputFiles({ name: 'nokey.png', mimeType: 'image/png', buffer: coolImage(40) });
    const error = page.locator('.file-list [role="alert"]');
    await error.waitFor(WAIT);
    assert.equal(await error.getAttribute('data-code'), 'UNAUTHENTICATED');
    await error.getByRole('button', { name: 'Enter API key' }).click();
    await page.getByRole('dialog').getByText(/asked for a key/).waitFor(WAIT);
    await context.close();
  });

  test('library, asset, generate and map pages render', async () => {
    const { context, page } = await open('/library');
    const pageRequests: unknown[] = [];
    page.on('request', (request) => {
      const body = request.postData();
      if (request.url().endsWith('/graphql') && body?.includes('query Assets')) pageRequests.push(JSON.parse(body).variables.after);
    });
    await page.reload();
    const cards = page.locator('[aria-label="Assets"] .card');
    await cards.first().waitFor(WAIT);
    const { assets } = await stack.graphql<{ assets: { totalCount: number } }>(`{ assets { totalCount } }`);
    assert.ok(assets.totalCount > 24, 'the corpus should span more than one page');
    await shot(page, 'library');
    // a sound tile can be listened to in place
    const soundTile = cards.and(page.locator('[data-kind="AUDIO"]')).first();
    await soundTile.getByRole('button', { name: /^Listen to / }).click();
    await soundTile.getByRole('button', { name: /^Stop / }).click(WAIT);
    await soundTile.getByRole('button', { name: /^Listen to / }).waitFor(WAIT);
    // infinite scroll: reaching the end loads the next page
    await page.mouse.wheel(0, 20_000);
    await page.getByText('That is everything.').waitFor(WAIT);
    assert.equal(await cards.count(), assets.totalCount);
    assert.equal(pageRequests[0], null);
    assert.ok(pageRequests.slice(1).some((after) => typeof after === 'string'), 'the next page is asked for with a cursor');
    await page.getByRole('button', { name: 'Music', exact: true }).click();
    await page.waitForURL(/kind=AUDIO/);
    await page.waitForFunction(() => {
      const kinds = [...document.querySelectorAll('[aria-label="Assets"] .card')].map((c) => c.getAttribute('data-kind'));
      return kinds.length > 0 && kinds.every((k) => k === 'AUDIO');
    }, undefined, WAIT);

    const track = corpus.find((a) => a.kind === 'AUDIO')!;
    await page.goto(`/assets/${track.id}`);
    await page.locator('[aria-label="Images for this track"] .card').first().waitFor(WAIT);
    await shot(page, 'asset-track');

    await page.goto('/generate');
    // two forms in two tabs (tests/e2e/generate.test.ts and generate-image.test.ts generate with them)
    const imagic = page.locator('section[data-engine="Imagic"]');
    await imagic.getByRole('button', { name: /Generate music/ }).waitFor(WAIT);
    await shot(page, 'generate');
    await page.getByRole('tab', { name: 'Music → image' }).click();
    await page.locator('section[data-engine="MusIm"]').getByRole('button', { name: 'Generate a picture' }).waitFor(WAIT);

    await page.goto('/map');
    const canvas = page.locator('.map-wrap canvas');
    await canvas.waitFor(WAIT);
    const mapped = await stack.graphql<{ assets: { totalCount: number } }>(`{ assets { totalCount } }`);
    await page.getByText(new RegExp(`^${mapped.assets.totalCount} points`)).waitFor(WAIT);
    const legend = await page.getByLabel('Legend').getByRole('button').allTextContents();
    assert.ok(legend.some((t) => /warm|bright|happy|cool|calm|dark/.test(t)), `legend shows ${legend.join(', ')}`);
    await shot(page, 'map');
    // zoom from the keyboard, then open the point nearest the centre
    await canvas.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/assets\/[0-9a-f-]{36}$/, WAIT);
    await context.close();

    const phone = await open('/?find=music', { width: 390 });
    await phone.page.locator('input[type=file]').first().setInputFiles({ name: 'q.png', mimeType: 'image/png', buffer: coolImage(3) });
    await phone.page.locator('.track').first().waitFor(WAIT);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than a phone screen`);
    await shot(phone.page, 'search-phone');
    await phone.context.close();
  });

  test('an asset page adds and removes tags', async () => {
    const image = corpus.find((a) => a.kind === 'IMAGE')!;
    const { context, page } = await open(`/assets/${image.id}`, { key: true });
    await page.getByLabel('Add tags').fill('Golden Hour, e2e');
    await page.getByRole('button', { name: 'Add tags' }).click();
    await page.getByRole('list', { name: 'Tags' }).getByText('e2e', { exact: true }).waitFor(WAIT);
    const tagsOf = async () =>
      (await stack.graphql<{ asset: IngestedAsset }>(`query($id: ID!) { asset(id: $id) { id kind tags { name origin score } } }`, { id: image.id })).asset.tags;
    const added = (await tagsOf()).filter((t) => t.origin === 'USER').map((t) => t.name);
    assert.ok(added.includes('e2e'), `USER tags are ${added.join(', ')}`);
    assert.ok(added.some((t) => t.startsWith('golden')), `USER tags are ${added.join(', ')}`);
    await page.getByLabel('Remove a tag').selectOption('e2e');
    await page.getByRole('list', { name: 'Tags' }).getByText('e2e', { exact: true }).waitFor({ state: 'detached', ...WAIT });
    assert.ok(!(await tagsOf()).some((t) => t.name === 'e2e'));
    await context.close();
  });

  test('no page raised an uncaught error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
