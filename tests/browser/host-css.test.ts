/**
 * Host CSS stays out: a deliberately hostile stylesheet on the page (every inherited property on
 * html, body, * and the element itself, !important) changes no computed style of the trigger, the
 * card, or anything inside them. Compared element by element with and without the stylesheet.
 */
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { QuoteSource } from '../../widget/quote-source';
import { ScriptedClient, addedBackWithReviews, cardRoot, cleanup, mount, placedCard, selectWords, shadow, trigger, until } from './fixtures';

afterEach(cleanup);

const HOSTILE = `
  html, body, *, quote-source, :root {
    letter-spacing: 6px !important; word-spacing: 14px !important; text-transform: uppercase !important;
    white-space: pre !important; font: italic small-caps 700 26px/3.5 cursive !important; text-align: right !important;
    direction: rtl !important; color: rgb(255, 0, 0) !important; text-indent: 30px !important; text-shadow: 2px 2px 2px lime !important;
    visibility: visible !important; cursor: wait !important; line-height: 4 !important; font-style: oblique !important;
    writing-mode: horizontal-tb !important; text-decoration: underline wavy !important; word-break: break-all !important;
    hyphens: auto !important; tab-size: 20 !important; font-kerning: none !important; text-rendering: optimizeSpeed !important;
    -webkit-text-stroke: 1px blue !important; quotes: "<" ">" !important; list-style: square inside !important;
    border-collapse: separate !important; caption-side: bottom !important; empty-cells: hide !important; orphans: 9 !important;
    font-variant-numeric: oldstyle-nums !important; paint-order: markers !important; color-scheme: dark !important;
  }`;

/** Inherited properties: what the page could push into the widget through the host element. */
const PROPERTIES = [
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'white-space',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'font-variant-caps',
  'line-height',
  'text-align',
  'direction',
  'color',
  'text-indent',
  'text-shadow',
  'visibility',
  'cursor',
  'word-break',
  'hyphens',
  'tab-size',
  'font-kerning',
  'text-rendering',
  '-webkit-text-stroke-width',
  'quotes',
  'list-style-type',
  'list-style-position',
  'font-variant-numeric',
  'color-scheme',
];

function styles(element: QuoteSource): string[] {
  const roots = [shadow(element), cardRoot(element)].filter((r): r is ShadowRoot => !!r);
  return roots.flatMap((root) =>
    [...root.querySelectorAll('*')].map((node) => {
      const s = getComputedStyle(node);
      return `${node.tagName.toLowerCase()}.${node.className}: ${PROPERTIES.map((p) => `${p}=${s.getPropertyValue(p)}`).join('; ')}`;
    }),
  );
}

async function render(hostile: boolean) {
  const body = `${hostile ? `<style>${HOSTILE}</style>` : ''}<main style="max-width:40rem;margin:120px auto"><p id="quote">Guterres said leaders need to move back to peace, reports said.</p></main>`;
  const element = await mount(new ScriptedClient([addedBackWithReviews]), body);
  selectWords(document.getElementById('quote')!, 'leaders need to move back to peace');
  const button = await until(() => trigger(element));
  const triggerStyle = styles(element);
  await userEvent.click(button);
  await until(() => cardRoot(element)?.querySelector('[aria-busy=false]'));
  await placedCard(element);
  cardRoot(element)!.querySelector('details')?.setAttribute('open', '');
  return { trigger: triggerStyle, card: styles(element) };
}

test('a hostile page stylesheet changes no computed style inside the trigger or the card', async () => {
  const plain = await render(false);
  cleanup();
  const hostile = await render(true);
  // The hostile sheet really applies to the page.
  expect(getComputedStyle(document.getElementById('quote')!).letterSpacing).toBe('6px');
  const differ = (a: string[], b: string[]) => a.flatMap((line, i) => (line === b[i] ? [] : [`${line}\n  !=\n${b[i]}`]));
  expect(differ(hostile.trigger, plain.trigger)).toEqual([]);
  expect(hostile.card).toEqual(plain.card);
  expect(plain.card.length).toBeGreaterThan(30);
});
