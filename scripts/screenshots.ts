/**
 * `npm run screenshots`: the pictures in docs/widget.md, taken from the real widget in Chromium.
 *
 * Starts the real workers (`wrangler dev` through the e2e harness, the rate limiter on) on the seeds plus one FICTIONAL
 * primary record (scripts/screenshot-fixtures/: Port Wenlow, so a changed or misattributed quote
 * never puts words in a real person's mouth), opens `/demo`, adds the reader's paragraphs each
 * state needs (real texts: the seed's, Xinhua's printed wording; fictional ones for the rest),
 * selects the words as a reader would, clicks "Find source" and photographs the card beside its
 * selection. Every state (accurate, wording changed, meaning changed, misattributed, no reliable
 * source, too many lookups) in four looks: light, dark, Arabic (right to left), phone (390×844).
 * The 429 is the worker's own: the script spends the lookup budget first (300 a minute).
 *
 * Writes docs/widget/<state>-<look>.png and the table between the screenshot markers in
 * docs/widget.md. Loopback only; the worker and the browser are stopped however the run ends.
 */
import { rm, mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PROJECT_DIR, startWorker } from '../tests/e2e/harness';

const PERSIST = '.wrangler/screenshots';
const OUT_DIR = 'docs/widget';
const DOC = 'docs/widget.md';
const START = '<!-- screenshots:start (npm run screenshots) -->';
const END = '<!-- screenshots:end -->';

interface State {
  id: string;
  title: string;
  /** A paragraph the reader's page adds (HTML-free text), or none to select in the demo's own text. */
  paragraph?: string;
  /** Where to select: the added paragraph, or a demo element. */
  selector: string;
  words: string;
}

const STATES: State[] = [
  { id: 'accurate', title: 'Quoted accurately (the UN press release is the primary record)', selector: '#seed-5', words: 'Enough is enough' },
  {
    id: 'changed',
    title: 'Wording changed (Xinhua’s printed wording against the earliest report)',
    paragraph: '“Soldiers need to move back to their barracks. Leaders need to move to peace,” Xinhua printed on 1 March 2022.',
    selector: '#qs-shot',
    words: 'Leaders need to move to peace',
  },
  {
    id: 'meaning',
    title: 'Meaning changed (fictional speaker)',
    paragraph: 'Ada Wenlow, who chairs the (fictional) Port Wenlow assembly, said: “The harbour must stay closed to every ship this winter.”',
    selector: '#qs-shot',
    words: 'The harbour must stay closed to every ship this winter.',
  },
  {
    id: 'misattributed',
    title: 'Misattributed (fictional speakers)',
    paragraph: 'The (fictional) mayor Bo Harrow said: “The harbour must stay open to every ship this winter.”',
    selector: '#qs-shot',
    words: 'The harbour must stay open to every ship this winter.',
  },
  {
    id: 'none',
    title: 'No reliable source (words nobody holds)',
    paragraph: 'The lighthouse keeper said the lamp on the north pier would be relit on Friday evening.',
    selector: '#qs-shot',
    words: 'the lamp on the north pier would be relit on Friday evening',
  },
  { id: 'rate-limited', title: 'Too many lookups (a real 429 from the worker, Retry-After counted down)', selector: '#seed-5', words: 'Enough is enough' },
];

interface Look {
  id: string;
  title: string;
  viewport: { width: number; height: number };
  colorScheme: 'light' | 'dark';
  locale?: string;
}

const LOOKS: Look[] = [
  { id: 'light', title: 'light', viewport: { width: 1100, height: 760 }, colorScheme: 'light' },
  { id: 'dark', title: 'dark', viewport: { width: 1100, height: 760 }, colorScheme: 'dark' },
  { id: 'rtl', title: 'Arabic, right to left', viewport: { width: 1100, height: 760 }, colorScheme: 'light', locale: 'ar' },
  { id: 'mobile', title: 'phone, 390×844', viewport: { width: 390, height: 844 }, colorScheme: 'light' },
];

/** Spends this client's lookup budget until the worker answers 429 (its limiter counts per client). */
async function exhaustLookups(url: string) {
  for (let n = 0; n < 700; n++) {
    const res = await fetch(`${url}/v1/lookup?q=${encodeURIComponent('the harbour must stay open')}`);
    await res.arrayBuffer();
    if (res.status === 429) return;
  }
  throw new Error('no 429 after 700 lookups: is the rate limiter on?');
}

async function shoot(browser: Browser, url: string, state: State, look: Look): Promise<string> {
  const context = await browser.newContext({
    viewport: look.viewport,
    colorScheme: look.colorScheme,
    reducedMotion: 'reduce',
    deviceScaleFactor: 1,
    hasTouch: look.id === 'mobile',
  });
  try {
    const page = await context.newPage();
    await page.goto(`${url}/demo`);
    await page.waitForFunction(() => !!document.querySelector('quote-source')?.shadowRoot);
    if (look.locale) await page.evaluate((l) => ((document.querySelector('quote-source') as HTMLElement & { locale: string }).locale = l), look.locale);
    if (state.paragraph)
      await page.evaluate((text) => {
        const p = document.createElement('p');
        p.id = 'qs-shot';
        p.textContent = text;
        const anchor = document.querySelector('#seed-5')!;
        anchor.parentElement!.insertBefore(p, anchor);
      }, state.paragraph);
    await select(page, state.selector, state.words);
    const trigger = page.locator('quote-source [part=trigger]');
    await trigger.waitFor();
    await trigger.click();
    await page.locator('quote-source [part=card] [aria-busy=false]').waitFor();
    await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
    await page.waitForTimeout(150); // the card's placement settles after its answer renders (no animation: reduced motion)
    // A picture of a card beside nothing proves nothing: the reader's selection must still be there.
    const selected = await page.evaluate(() => getSelection()!.toString().trim());
    if (selected !== state.words) throw new Error(`selection lost before the picture (${JSON.stringify(selected)})`);
    const covers = await page.evaluate(() => {
      const card = document.querySelector('quote-source')!.shadowRoot!.querySelector('quote-source-card')!.getBoundingClientRect();
      return [...getSelection()!.getRangeAt(0).getClientRects()].some(
        (r) => Math.min(card.right, r.right) > Math.max(card.left, r.left) && Math.min(card.bottom, r.bottom) > Math.max(card.top, r.top),
      );
    });
    if (covers) throw new Error('the card covers the selection: a widget bug, not a picture to keep');
    const file = `${OUT_DIR}/${state.id}-${look.id}.png`;
    const clip = await page.evaluate(() => {
      const card = document.querySelector('quote-source')!.shadowRoot!.querySelector('quote-source-card')!.getBoundingClientRect();
      const range = getSelection()!.rangeCount ? getSelection()!.getRangeAt(0).getBoundingClientRect() : card;
      const pad = 24;
      const x = Math.max(0, Math.min(card.left, range.left) - pad);
      const y = Math.max(0, Math.min(card.top, range.top) - pad);
      const right = Math.min(innerWidth, Math.max(card.right, range.right) + pad);
      const bottom = Math.min(innerHeight, Math.max(card.bottom, range.bottom) + pad);
      return { x, y, width: right - x, height: bottom - y };
    });
    await page.screenshot({ path: resolve(PROJECT_DIR, file), clip });
    return file;
  } finally {
    await context.close();
  }
}

/** Selects `words` inside `selector` as a reader would: scrolled to a third of the screen, then dragged over. */
async function select(page: Page, selector: string, words: string) {
  await page.evaluate((s) => {
    const element = document.querySelector(s)!;
    scrollBy(0, element.getBoundingClientRect().top - innerHeight / 3);
  }, selector);
  const box = await page.evaluate(
    ([s, w]) => {
      const element = document.querySelector(s)!;
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        const at = node.data.indexOf(w);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + w.length);
        const rects = [...range.getClientRects()];
        return { x1: rects[0].left + 1, y1: rects[0].top + rects[0].height / 2, x2: rects.at(-1)!.right - 1, y2: rects.at(-1)!.top + rects.at(-1)!.height / 2 };
      }
      throw new Error(`"${w}" not found in ${s}`);
    },
    [selector, words] as const,
  );
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, box.y2, { steps: 4 });
  await page.mouse.move(box.x2, box.y2, { steps: 4 });
  await page.mouse.up();
}

async function main() {
  await mkdir(resolve(PROJECT_DIR, OUT_DIR), { recursive: true });
  // A fresh local KV with the seeds and the fictional record; the worker's own rate limit on (the 429 shot).
  await rm(resolve(PROJECT_DIR, PERSIST), { recursive: true, force: true });
  const worker = await startWorker({
    persistTo: PERSIST,
    paths: [resolve(PROJECT_DIR, 'seeds'), resolve(PROJECT_DIR, 'scripts/screenshot-fixtures')],
    rateLimit: true,
  });
  let browser: Browser | undefined;
  const shots: Record<string, Record<string, string>> = {};
  try {
    browser = await launchChromium();
    for (const state of STATES) {
      shots[state.id] = {};
      for (const look of LOOKS) {
        if (state.id === 'rate-limited') await exhaustLookups(worker.url);
        // A drag now and then ends collapsed on a loaded 2-core machine: try again rather than keep a bad picture.
        for (let attempt = 1; ; attempt++) {
          try {
            shots[state.id][look.id] = await shoot(browser, worker.url, state, look);
            break;
          } catch (error) {
            if (attempt >= 3) throw error;
            console.warn(`screenshots: ${state.id}-${look.id}: ${(error as Error).message}; again`);
          }
        }
        console.log(`screenshots: ${shots[state.id][look.id]}`);
      }
    }
  } finally {
    await browser?.close();
    await worker.stop();
  }
  const table = [
    START,
    `| state | ${LOOKS.map((l) => l.title).join(' | ')} |`,
    `|---|${LOOKS.map(() => '---').join('|')}|`,
    ...STATES.map((s) => `| ${s.title} | ${LOOKS.map((l) => `![${s.id}, ${l.title}](${shots[s.id][l.id].replace(/^docs\//, '')})`).join(' | ')} |`),
    END,
  ].join('\n');
  const doc = await readFile(resolve(PROJECT_DIR, DOC), 'utf8');
  const at = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (at < 0 || end < 0) throw new Error(`${DOC} has no screenshot markers (${START} … ${END})`);
  await writeFile(resolve(PROJECT_DIR, DOC), doc.slice(0, at) + table + doc.slice(end + END.length));
  console.log(`screenshots: ${STATES.length * LOOKS.length} pictures, table written to ${DOC}`);
}

await main();
