/**
 * The /check page end to end: the real worker (wrangler dev, the seeds in local KV, plus the
 * fictional harbour council published through PUT /v1/articles), the built widget and check.js,
 * Chromium. An editor pastes a draft and reads every quotation's status; the keyboard alone opens
 * and closes each quotation's card; hostile markup in a draft stays text; errors read as sentences.
 *
 * The draft's first three paragraphs are real text from seeds/: the UN press release GA/12404's own
 * sentence, the seed report's paragraph printing "leaders need to move back to peace", and Xinhua's
 * wording of the same remarks (its first three sentences: with a fourth the quotation differs from
 * the original in more places than one statement's edits, and the check calls it no record). Altered, misattributed and no-record come from fictional people
 * (tests/harbour.ts and a harbour master invented here): no words are put in a real person's mouth.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTICLES } from '../harbour';
import { axeViolations, publishThrough, sharedSetup, type Worker, openWatched, type Watched } from './harness';

let worker: Worker;
let browser: Browser;

beforeAll(async () => {
  ({ worker, browser } = await sharedSetup());
  await publishThrough(worker, ARTICLES);
});

const UN_PRESS_RELEASE = '“Enough is enough,” said Mr. Guterres, adding:  “The fighting in Ukraine must stop now.”';
const SEED_REPORT =
  '"Enough is enough, soldiers need to move back to their barracks and leaders need to move back to peace," António Guterres further said, highlighting the need to protect the civilians, and uphold the international human rights laws.';
const XINHUA = '"Enough is enough. Soldiers need to move back to their barracks. Leaders need to move to peace," said Guterres.';
const HARBOUR =
  '"The night ferry will be cancelled this winter," Councillor Maren Holt said. Councillor Okonjo said: "The maintenance budget shows a surplus of forty thousand pounds this year."';
const UNRECORDED = '"The lighthouse will reopen to visitors in the spring," said the harbour master, Ines Calder.';
const HOSTILE =
  'The comment box held <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> twice. A resident wrote: "<b>Bold</b> claims need <img src=x onerror=window.__pwned=3> new harbour lights now."';
const DRAFT = [UN_PRESS_RELEASE, SEED_REPORT, XINHUA, HARBOUR, UNRECORDED, HOSTILE].join('\n\n');

/** Each quotation as the page shows it, in document order. */
const EXPECTED = [
  { status: 'verbatim', label: 'Verbatim', icon: '✓', words: 'Enough is enough' },
  { status: 'verbatim', label: 'Verbatim', icon: '✓', words: 'The fighting in Ukraine must stop now.' },
  { status: 'verbatim', label: 'Verbatim', icon: '✓', words: 'leaders need to move back to peace' },
  { status: 'changed', label: 'Changed', icon: '✎', words: 'Leaders need to move to peace' },
  { status: 'altered', label: 'Altered', icon: '⚠', words: 'The night ferry will be cancelled this winter' },
  { status: 'misattributed', label: 'Misattributed', icon: '⊘', words: 'The maintenance budget shows a surplus' },
  { status: 'no-record', label: 'No record', icon: '?', words: 'The lighthouse will reopen' },
  { status: 'no-record', label: 'No record', icon: '?', words: '<b>Bold</b> claims need <img src=x onerror=window.__pwned=3>' },
];

const openCheck = (options: Parameters<Browser['newContext']>[0] = {}): Promise<Watched> => openWatched(browser, `${worker.url}/check`, 900, options);

async function checkDraft(page: Page, text: string) {
  await page.fill('#draft', text);
  await page.click('#check-submit');
  await page.locator('#results:not([hidden])').waitFor({ timeout: 30_000 });
}

const quotes = (page: Page) => page.locator('#checked-draft .quote');
const card = (page: Page, part = '') => page.locator(`quote-source [part=card] ${part}`.trim());
const active = (page: Page) =>
  page.evaluate(() => ({ index: (document.activeElement as HTMLElement | null)?.dataset.index ?? null, tag: document.activeElement?.tagName }));

describe('/check', () => {
  test('a draft from the seeds and the harbour record: every quotation marked with its status by colour, icon and label; counts per status', async () => {
    const { page, context, errors, violations } = await openCheck();
    try {
      await checkDraft(page, DRAFT);
      const shown = await quotes(page).evaluateAll((els) =>
        els.map((el) => ({
          status: [...el.classList].find((c) => c.startsWith('status-'))!.slice('status-'.length),
          label: el.querySelector('.tag .label')!.textContent,
          icon: el.querySelector('.tag .icon')!.textContent,
          words: el.querySelector('.words')!.textContent!,
          background: getComputedStyle(el).backgroundColor,
          tagBackground: getComputedStyle(el.querySelector('.tag')!).backgroundColor,
          role: el.getAttribute('role'),
          tabIndex: (el as HTMLElement).tabIndex,
        })),
      );
      expect(shown.map(({ status, label, icon }) => ({ status, label, icon }))).toEqual(EXPECTED.map(({ status, label, icon }) => ({ status, label, icon })));
      shown.forEach((q, i) => {
        expect(q.words).toContain(EXPECTED[i].words);
      });
      for (const q of shown) expect([q.role, q.tabIndex]).toEqual(['button', 0]);
      // Each status has its own colour (and its own icon and label, above).
      const byStatus = new Map(shown.map((q) => [q.status, q.tagBackground]));
      expect(new Set(byStatus.values()).size).toBe(5);
      const counts = await page.locator('#counts li').evaluateAll((els) => els.map((el) => el.textContent!.replace(/\s+/g, ' ').trim()));
      expect(counts).toEqual([
        expect.stringMatching(/^⊘\s*Misattributed 1 — /),
        expect.stringMatching(/^⚠\s*Altered 1 — /),
        expect.stringMatching(/^✎\s*Changed 1 — /),
        expect.stringMatching(/^✓\s*Verbatim 3 — /),
        expect.stringMatching(/^\?\s*No record 2 — /),
      ]);
      expect(await page.locator('#results-title').textContent()).toBe('8 quotations checked');
      expect(await page.locator('#check-status').textContent()).toBe('Checked 8 quotations: 2 to fix before publishing.');
      // The draft reads as it was written: every paragraph's text is there, quotations in place.
      const paragraphs = await page
        .locator('#checked-draft p')
        .evaluateAll((els) =>
          els.map((p) => [...p.childNodes].map((n) => (n instanceof HTMLElement ? n.querySelector('.words')!.textContent : n.textContent)).join('')),
        );
      expect(paragraphs).toEqual([UN_PRESS_RELEASE.replace(/ {2}/, ' '), SEED_REPORT, XINHUA, HARBOUR, UNRECORDED, HOSTILE]);
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test("keyboard alone: Tab reaches each quotation in order, Enter and Space open its card (the widget's), Escape closes it and returns focus", async () => {
    const { page, context, errors, violations } = await openCheck();
    try {
      await page.locator('#draft').focus();
      await page.keyboard.insertText(DRAFT);
      await page.keyboard.press('Control+Enter');
      await page.locator('#results:not([hidden])').waitFor({ timeout: 30_000 });
      // From the draft: the submit button, then every quotation in document order.
      await page.keyboard.press('Tab');
      expect((await active(page)).tag).toBe('BUTTON');
      for (let i = 0; i < EXPECTED.length; i++) {
        await page.keyboard.press('Tab');
        expect(await active(page)).toEqual({ index: String(i), tag: 'SPAN' });
      }
      // Back to the first quotation (the UN's "Enough is enough"): Enter opens the card on the primary source.
      for (let i = 0; i < EXPECTED.length - 1; i++) await page.keyboard.press('Shift+Tab');
      expect((await active(page)).index).toBe('0');
      await page.keyboard.press('Enter');
      await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe('Quoted accurately');
      expect(await card(page, 'h3').nth(1).textContent()).toBe('The source says');
      expect(await card(page, 'mark').textContent()).toBe('Enough is enough');
      expect(await card(page, '.source a').getAttribute('href')).toBe('https://www.un.org/press/en/2022/ga12404.doc.htm');
      expect(await page.evaluate(() => document.querySelector('quote-source')!.shadowRoot!.activeElement?.tagName)).toBe('QUOTE-SOURCE-CARD');
      await page.keyboard.press('Escape');
      await card(page).waitFor({ state: 'detached' });
      expect(await active(page)).toEqual({ index: '0', tag: 'SPAN' });

      // The seed's own paragraph: no primary record, the earliest report, both wordings in print.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect((await active(page)).index).toBe('2');
      await page.keyboard.press(' ');
      await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe('Quoted accurately');
      expect(await card(page, '.why').textContent()).toContain('We hold no primary record');
      expect(await card(page, 'h3').nth(1).textContent()).toBe('Earliest report');
      expect(await card(page, 'mark').textContent()).toContain('leaders need to move back to peace');
      await page.keyboard.press('Escape');
      await card(page).waitFor({ state: 'detached' });
      expect((await active(page)).index).toBe('2');

      // Xinhua's wording, the altered and the misattributed quotations open the card in those states.
      for (const [index, title] of [
        ['3', 'Wording changed'],
        ['4', 'Meaning changed'],
        ['5', 'Misattributed'],
      ] as const) {
        await page.locator(`#checked-draft .quote[data-index="${index}"]`).focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe(title);
        await page.keyboard.press('Escape');
        await card(page).waitFor({ state: 'detached' });
        expect((await active(page)).index).toBe(index);
      }
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a click opens the card beside the quotation; a click on another quotation opens that one instead; checking again closes it', async () => {
    const { page, context, errors } = await openCheck();
    try {
      await checkDraft(page, DRAFT);
      await quotes(page).nth(4).click();
      await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe('Meaning changed');
      const edit = (await card(page, '.edits li').first().textContent())!.replace(/\s+/g, ' ');
      expect(edit).toContain('dropped not');
      expect(edit).toContain('changes the meaning (negation)');
      const quote = (await quotes(page).nth(4).boundingBox())!;
      // Measured once the card's entrance animation is over.
      await card(page).evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
      const box = (await card(page).boundingBox())!;
      // Beside it (below, above, or to a side where neither has room), never over it.
      const gaps = [box.y - (quote.y + quote.height), quote.y - (box.y + box.height), box.x - (quote.x + quote.width), quote.x - (box.x + box.width)];
      expect(Math.max(...gaps)).toBeGreaterThanOrEqual(-1);
      expect(Math.min(...gaps.filter((gap) => gap >= -1))).toBeLessThan(40);
      // Another quotation clicked while the card is open: its card replaces this one.
      await quotes(page).nth(6).click();
      await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe('No reliable source');
      expect(await card(page).count()).toBe(1);
      // Ctrl+Enter in the draft checks it again: the card of the old results closes.
      await page.locator('#draft').focus();
      await page.keyboard.press('Control+Enter');
      await card(page).waitFor({ state: 'detached' });
      await expect.poll(() => page.locator('#check-status').textContent()).toBe('Checked 8 quotations: 2 to fix before publishing.');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('hostile HTML in a draft is shown as text and never runs', async () => {
    const { page, context, errors, violations } = await openCheck();
    try {
      await checkDraft(page, DRAFT);
      // Give an injected onerror every chance: wait for the images the markup would have loaded (none).
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('#checked-draft img, #checked-draft script, #checked-draft b').count()).toBe(0);
      const text = await page.locator('#checked-draft p').last().textContent();
      expect(text).toContain('<script>window.__pwned = 1</script>');
      expect(text).toContain('<img src=x onerror="window.__pwned = 2">');
      expect(await quotes(page).last().locator('.words').textContent()).toBe(
        '<b>Bold</b> claims need <img src=x onerror=window.__pwned=3> new harbour lights now.',
      );
      // The quotation's card: the lookup finds nothing, and says so in text.
      await quotes(page).last().click();
      await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe('No reliable source');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('errors read as sentences: a draft over 100,000 characters (413), an empty draft (400), offline', async () => {
    const { page, context } = await openCheck();
    try {
      const error = page.locator('#check-error');
      await page.fill('#draft', `${'The harbour was quiet. '.repeat(4500)}`);
      await page.click('#check-submit');
      await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/^The draft is too long to check in one go\. .*100,000/);
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await page.locator('#results').isHidden()).toBe(true);

      await page.fill('#draft', '   \n\n  ');
      await page.click('#check-submit');
      await expect.poll(() => error.textContent()).toBe('The draft could not be checked. The draft is empty; send its text.');

      // A good check, then the connection drops: the old results go, the message says why.
      await checkDraft(page, UNRECORDED);
      expect(await error.isHidden()).toBe(true);
      await context.setOffline(true);
      await page.click('#check-submit');
      await expect.poll(() => error.textContent()).toBe('You are offline, so the draft could not be checked. Try again when you are back online.');
      expect(await page.locator('#results').isHidden()).toBe(true);
      await context.setOffline(false);
      await checkDraft(page, UNRECORDED);
      expect(await error.isHidden()).toBe(true);
      expect(await quotes(page).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${colorScheme}: the page follows the colour scheme, and axe-core finds no violations with results and a card open`, async () => {
      // axe injects its own script, so this page alone runs with CSP bypassed.
      const { page, context } = await openCheck({ bypassCSP: true, colorScheme, reducedMotion: 'reduce' });
      try {
        await checkDraft(page, DRAFT);
        const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(body).toBe(colorScheme === 'dark' ? 'rgb(22, 22, 22)' : 'rgb(251, 250, 247)');
        await quotes(page).nth(5).click();
        await expect.poll(() => card(page, 'h2').textContent(), { timeout: 15_000 }).toBe('Misattributed');
        const cardBackground = await page.evaluate(
          () => getComputedStyle(document.querySelector('quote-source')!.shadowRoot!.querySelector('quote-source-card')!).backgroundColor,
        );
        expect(cardBackground).toBe(colorScheme === 'dark' ? 'rgb(31, 32, 35)' : 'rgb(255, 255, 255)');
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  test('/check and /check.js: strict CSP (no inline script, Trusted Types), the script cached with an ETag', async () => {
    const page = await fetch(`${worker.url}/check`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is an external file
    const script = await fetch(`${worker.url}/check.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = script.headers.get('etag')!;
    expect((await fetch(`${worker.url}/check.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});
