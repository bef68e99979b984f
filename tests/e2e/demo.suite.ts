/**
 * The whole product on /demo: real worker (wrangler dev, seed in local KV), built widget, Chromium.
 * A reader highlights a sentence of the seed report with the mouse, clicks the trigger, and sees its original.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, sharedSetup, wordsBoxScript, type Worker, openWatched, type Watched } from './harness';

let worker: Worker;
let browser: Browser;

beforeAll(async () => {
  ({ worker, browser } = await sharedSetup());
});

const openDemo = (options: Parameters<Browser['newContext']>[0] = {}): Promise<Watched> => openWatched(browser, `${worker.url}/demo`, 800, options);

async function dragSelect(page: Page, selector: string, words: string) {
  // The seed's later paragraphs sit below the fold: a drag happens where the reader can see it.
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.evaluate(wordsBoxScript, [selector, words] as [string, string]);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, box.y2, { steps: 4 });
  await page.mouse.move(box.x2, box.y2, { steps: 4 });
  await page.mouse.up();
}

const cardText = (page: Page, part: string) => page.locator(`quote-source [part=card] ${part}`);

describe('/demo', () => {
  test('the seed\'s "leaders need to move back to peace": no primary record, the earliest report, and both wordings in print', async () => {
    const { page, context, errors, violations } = await openDemo();
    try {
      await dragSelect(page, '#seed-5', 'leaders need to move back to peace');
      const trigger = page.locator('quote-source [part=trigger]');
      await trigger.waitFor();
      const started = Date.now();
      await trigger.click();
      await expect.poll(() => cardText(page, 'h2').textContent(), { timeout: 10_000 }).toBe('Quoted accurately');
      console.log(`e2e: click to card ${Date.now() - started} ms`);
      expect(await cardText(page, '.why').textContent()).toContain('We hold no primary record');
      expect(await cardText(page, 'h3').nth(1).textContent()).toBe('Earliest report');
      expect(await cardText(page, 'mark').textContent()).toBe('leaders need to move back to peace');
      expect(await cardText(page, 'blockquote').textContent()).toContain('Enough is enough, soldiers need to move back to their barracks');
      expect(await cardText(page, '.speaker').textContent()).toContain('António Guterres');
      expect(await cardText(page, 'time').textContent()).toBe('28 February 2022'); // data-lang="en-GB"
      expect((await cardText(page, '.spread summary').textContent())!.replace(/\s+/g, ' ')).toBe('Printed in 2 articles · 2 wordings');
      await cardText(page, '.spread summary').click();
      const wordings = (await cardText(page, '.spread ul').textContent())!.replace(/\s+/g, ' ');
      expect(wordings).toContain('Leaders need to move to peace');
      expect(wordings).toContain('(as the source)');
      expect(await cardText(page, '.spread').textContent()).toContain('none is verified');
      // Focus is in the card; Escape closes it and puts focus back on the trigger.
      expect(await page.evaluate(() => document.querySelector('quote-source')!.shadowRoot!.activeElement?.tagName)).toBe('QUOTE-SOURCE-CARD');
      await page.keyboard.press('Escape');
      await page.locator('quote-source [part=card]').waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.querySelector('quote-source')!.shadowRoot!.activeElement?.getAttribute('part'))).toBe('trigger');
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('"Enough is enough" comes back with the UN\'s press release as the primary source', async () => {
    const { page, context, errors, violations } = await openDemo();
    try {
      await dragSelect(page, '#seed-5', 'Enough is enough');
      await page.locator('quote-source [part=trigger]').click();
      await expect.poll(() => cardText(page, 'h2').textContent(), { timeout: 10_000 }).toBe('Quoted accurately');
      expect(await cardText(page, 'h3').nth(1).textContent()).toBe('The source says');
      expect(await cardText(page, 'mark').textContent()).toBe('Enough is enough');
      expect(await cardText(page, '.source').textContent()).toContain('United Nations Stands with People of Ukraine');
      expect(await cardText(page, '.source a').getAttribute('href')).toBe('https://www.un.org/press/en/2022/ga12404.doc.htm');
      expect(await cardText(page, '.edits').count()).toBe(0);
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('auto-scan badges the block quotes that have a source; a badge opens the card with the fact-check', async () => {
    const { page, context, errors } = await openDemo();
    try {
      const badges = page.locator('quote-source [part=badge]');
      // Auto-scan looks up block quotes as they scroll into view.
      await page.locator('#seed-5').scrollIntoViewIfNeeded();
      await expect.poll(() => badges.count(), { timeout: 10_000 }).toBe(2);
      await badges.nth(1).click();
      await expect.poll(() => cardText(page, 'h2').textContent(), { timeout: 10_000 }).toBe('Quoted accurately');
      expect(await cardText(page, 'mark').textContent()).toContain('leaders need to move back to peace');
      // The sample fact-check of these very words, with its reason and link.
      expect(await cardText(page, '.review').textContent()).toContain('rates it “Misquoted”');
      expect(await cardText(page, '.review').textContent()).toContain('adds "back"');
      expect(await cardText(page, '.review a').getAttribute('href')).toBe('https://www.un.org/press/en/2022/ga12404.doc.htm');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core finds no violations on /demo with a card open, its wordings expanded (${colorScheme})`, async () => {
      // axe injects its own script, so this page alone runs with CSP bypassed.
      // Dark also asks for reduced motion: the card must then appear without animation.
      const reducedMotion = colorScheme === 'dark' ? 'reduce' : 'no-preference';
      const { page, context } = await openDemo({ bypassCSP: true, colorScheme, reducedMotion });
      try {
        await dragSelect(page, '#seed-5', 'leaders need to move back to peace');
        await page.locator('quote-source [part=trigger]').click();
        await expect.poll(() => cardText(page, 'h2').textContent(), { timeout: 10_000 }).toBe('Quoted accurately');
        await cardText(page, '.spread summary').click();
        const animation = await page.evaluate(
          () => getComputedStyle(document.querySelector('quote-source')!.shadowRoot!.querySelector('quote-source-card')!).animationName,
        );
        expect(animation).toBe(reducedMotion === 'reduce' ? 'none' : 'qs-in');
        // Contrast is measured once the card's entrance animation is over (none under reduced motion).
        await page.evaluate(() =>
          Promise.all(
            document
              .querySelector('quote-source')!
              .shadowRoot!.querySelector('quote-source-card')!
              .getAnimations({ subtree: true })
              .map((a) => a.finished),
          ),
        );
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  test('/widget.js is served as JavaScript with an ETag, caching and CORS, and answers 304 to If-None-Match', async () => {
    const response = await fetch(`${worker.url}/widget.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toContain('max-age=');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{24}"$/); // the one strong ETag of every answer (SHA-256, base64url)
    expect(await response.text()).toContain('quote-source');
    const again = await fetch(`${worker.url}/widget.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // The modules it loads on demand: the card and each language, content-hashed and cached for good.
    const body = await (await fetch(`${worker.url}/widget.js`)).text();
    const modules = [...body.matchAll(/\.\/(widget-[\w-]+\.js)/g)].map((m) => m[1]);
    expect(modules.filter((m) => m.startsWith('widget-card-'))).toHaveLength(1);
    expect(new Set(modules.filter((m) => !m.startsWith('widget-card-')).map((m) => m.split('-')[1]))).toEqual(
      new Set(['en', 'fr', 'de', 'es', 'ru', 'uk', 'ar', 'zh']),
    );
    for (const name of modules) {
      const module = await fetch(`${worker.url}/${name}`);
      expect(module.status, name).toBe(200);
      expect(module.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(module.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(module.headers.get('access-control-allow-origin')).toBe('*');
      await module.arrayBuffer();
    }
    expect((await fetch(`${worker.url}/widget-xx-ABCDEFGH.js`)).status).toBe(404);
    expect((await fetch(`${worker.url}/widget-card-..%2fwrangler.js`)).status).toBeGreaterThanOrEqual(400);
    const demo = await fetch(`${worker.url}/demo`);
    const csp = demo.headers.get('content-security-policy')!;
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });
});
