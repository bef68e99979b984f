/**
 * The card never covers the selection: beside, above or below it, inside the viewport, also after
 * scrolling and resizing; below 600 px wide a sheet with 44 px touch targets. Bounding boxes in
 * Chromium at 1280×800 and 390×844.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { QuoteSource } from '../../widget/quote-source';
import { ScriptedClient, addedBackWithReviews, cardRoot, cleanup, found, placedCard, selectWords, trigger, until } from './fixtures';
import { QuoteSource as Element } from '../../widget/quote-source';

afterEach(cleanup);

const SENTENCE = 'Guterres said leaders need to move back to peace, reports said.';
const QUOTE = 'leaders need to move back to peace';

/** Where on the page the quote sits: vertical position, horizontal alignment, and the page height. */
const layouts = {
  top: 'margin: 8px 40px',
  middle: 'margin: 360px 40px',
  bottom: 'margin: 740px 40px 2000px',
  'right edge': 'margin: 360px 8px 0 auto; width: 240px; text-align: right',
  'left edge, narrow column': 'margin: 300px auto 0 8px; width: 180px',
  'long selection in a wide column': 'margin: 200px 20px; font-size: 28px',
  'near the bottom of a long page': 'margin: 1400px 40px 3000px',
};

async function openAt(style: string, answer = addedBackWithReviews, locale = 'en') {
  document.body.innerHTML = `<p id="quote" style="${style}; font: 18px/1.5 serif">${SENTENCE.repeat(style.includes('28px') ? 3 : 1)}</p>`;
  const element = new Element();
  element.client = new ScriptedClient([answer]);
  element.locale = locale;
  document.documentElement.appendChild(element);
  await element.updateComplete;
  const quote = document.getElementById('quote')!;
  quote.scrollIntoView({ block: style.includes('long page') ? 'end' : 'nearest' });
  selectWords(quote, QUOTE);
  await userEvent.click(await until(() => trigger(element)));
  await until(() => cardRoot(element)?.querySelector('[aria-busy=false]'));
  return element;
}

const overlap = (a: DOMRect, b: DOMRect) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

async function expectClear(element: QuoteSource) {
  const box = (await placedCard(element)).getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  expect(box.left).toBeGreaterThanOrEqual(0);
  expect(box.top).toBeGreaterThanOrEqual(0);
  expect(box.right).toBeLessThanOrEqual(vw + 0.5);
  expect(box.bottom).toBeLessThanOrEqual(vh + 0.5);
  const range = document.getSelection()!.getRangeAt(0);
  for (const line of range.getClientRects()) {
    const visible = new DOMRect(line.left, Math.max(0, line.top), line.width, Math.min(vh, line.bottom) - Math.max(0, line.top));
    if (visible.height <= 0) continue;
    expect(overlap(box, visible), `card ${JSON.stringify(box)} over selection line ${JSON.stringify(line)}`).toBe(0);
  }
  return box;
}

describe.each([
  [1280, 800, 'en'],
  [390, 844, 'en'],
  [1280, 800, 'ar'],
])('%i×%i %s', (width, height, locale) => {
  for (const [name, style] of Object.entries(layouts)) {
    // A short card (it fits above or below) and a long one (with a fact-check: beside, or cut to the larger band).
    test.each([
      ['short', found],
      ['long', addedBackWithReviews],
    ] as const)(`${name}, %s card: never over the selection, inside the viewport, also after scroll and resize`, async (_, answer) => {
      await page.viewport(width, height);
      const element = await openAt(style, answer, locale);
      const box = await expectClear(element);
      if (width < 600) {
        expect(box.width).toBe(document.documentElement.clientWidth); // a sheet across the screen
        for (const target of cardRoot(element)!.querySelectorAll<HTMLElement>('button, summary')) {
          const r = target.getBoundingClientRect();
          if (r.height) expect(Math.min(r.width, r.height), target.outerHTML.slice(0, 60)).toBeGreaterThanOrEqual(44);
        }
      }
      scrollBy(0, 120);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await expectClear(element);
      await page.viewport(width - 60, height - 100);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await expectClear(element);
    });
  }
});
