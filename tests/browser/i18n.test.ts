/**
 * In the reader's language: every language's words in the trigger, the card and the badges, chosen
 * by data-lang, else the page's lang; Arabic laid out right to left; dates and numbers through Intl;
 * and axe-core finds no violation in any state, in any language, light or dark.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { LookupError } from '../../widget/api';
import { LANGS, pickLang, type Messages } from '../../widget/i18n';
import type { QuoteSource } from '../../widget/quote-source';
import { ScriptedClient, altered, cardRoot, cleanup, found, misattributed, mount, none, placedCard, reworded, selectWords, trigger, until } from './fixtures';

afterEach(() => {
  cleanup();
  document.documentElement.removeAttribute('lang');
});

const words = async (lang: string): Promise<Messages> => (await import(`../../widget/locales/${lang}.ts`)).default;
const SENTENCE = 'The Secretary-General said: The fighting in Ukraine must stop now. That was the message.';
const QUOTE = 'The fighting in Ukraine must stop now.';

async function openIn(locale: string, answer: ConstructorParameters<typeof ScriptedClient>[0][number], theme = 'light') {
  const element = await mount(new ScriptedClient([answer]), `<main style="max-width:40rem;margin:120px auto"><p id="quote">${SENTENCE}</p></main>`, { locale });
  element.theme = theme;
  selectWords(document.getElementById('quote')!, QUOTE);
  await userEvent.click(await until(() => trigger(element)));
  await until(() => cardRoot(element)?.querySelector('[aria-busy=false]'));
  await placedCard(element);
  return element;
}

async function violations(element: QuoteSource) {
  const result = await axe.run(element, { resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('choosing the language', () => {
  test('data-lang first, then the page, then the browser; a region keeps its dates (fr-CA), an unknown language falls back', () => {
    expect(pickLang(['fr-CA', 'de', 'en'])).toEqual(['fr-CA', 'fr']);
    expect(pickLang(['', 'de-AT', 'en'])).toEqual(['de-AT', 'de']);
    expect(pickLang([undefined, 'ja', 'uk-UA'])).toEqual(['uk-UA', 'uk']);
    expect(pickLang(['ja', 'ko'])).toEqual(['en', 'en']);
  });

  test('with no data-lang the page’s own lang decides', async () => {
    document.documentElement.lang = 'de-DE';
    const element = await mount(new ScriptedClient([found]), `<p id="quote">${SENTENCE}</p>`, { locale: '' });
    selectWords(document.getElementById('quote')!, QUOTE);
    expect((await until(() => trigger(element))).textContent).toContain('Quelle finden');
  });
});

test('axe sees inside the card (so a clean result means something)', async () => {
  const element = await openIn('en', found);
  cardRoot(element)!.querySelector('.body')!.appendChild(document.createElement('button'));
  expect((await violations(element)).join()).toContain('button-name');
});

describe.each(LANGS)('%s', (lang) => {
  test('trigger, banner, comparison, edits and dates in this language; laid out in its direction', async () => {
    const m = await words(lang);
    const element = await openIn(lang, reworded);
    const root = cardRoot(element)!;
    const dialog = root.querySelector('[role=dialog]')!;
    expect(dialog.getAttribute('lang')).toBe(lang);
    expect(dialog.getAttribute('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
    expect(root.querySelector('h2')!.textContent).toBe(m.changed);
    expect([...root.querySelectorAll('h3')].map((h) => h.textContent)).toContain(m.pageSays);
    expect(root.querySelector('.edits .tag')!.textContent).toBe(m.dropped);
    expect(root.querySelector('time')!.textContent).toBe(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date('2022-02-28')));
    expect(root.querySelector('.confidence')!.textContent).toContain(new Intl.NumberFormat(lang, { style: 'percent' }).format(0.97));
    // Mirrored in Arabic: the close button sits at the start of the line, i.e. on the left.
    const close = root.querySelector('[part=close]')!.getBoundingClientRect();
    const title = root.querySelector('h2')!.getBoundingClientRect();
    if (lang === 'ar') expect(close.right).toBeLessThanOrEqual(title.left + 1);
    else expect(close.left).toBeGreaterThanOrEqual(title.right - 1);
    const icon = root.querySelector('.banner .icon')!.getBoundingClientRect();
    if (lang === 'ar') expect(icon.left).toBeGreaterThanOrEqual(title.right - 1);
    else expect(icon.right).toBeLessThanOrEqual(title.left + 1);
    // The source's own words keep their own direction (dir="auto"): English stays left to right.
    expect(getComputedStyle(root.querySelector('.para')!).direction).toBe('ltr');
  });

  test('axe-core: no violations in any state, light and dark', async () => {
    const m = await words(lang);
    const states = [found, reworded, altered, misattributed, none, new LookupError('rate', 429, 30), new LookupError('offline')] as const;
    for (const theme of ['light', 'dark']) {
      for (const answer of states) {
        const element = await openIn(lang, answer, theme);
        expect(cardRoot(element)!.querySelector('h2')!.textContent).not.toBe('');
        expect(await violations(element), `${theme} ${cardRoot(element)!.querySelector('h2')!.textContent}`).toEqual([]);
        cleanup();
      }
    }
    // The loading state too.
    const client = new ScriptedClient([found]);
    client.hold = true;
    const element = await mount(client, `<p id="quote">${SENTENCE}</p>`, { locale: lang });
    selectWords(document.getElementById('quote')!, QUOTE);
    await userEvent.click(await until(() => trigger(element)));
    await until(() => cardRoot(element)?.querySelector('h2')?.textContent === m.loading);
    expect(await violations(element)).toEqual([]);
    client.release();
  });
});
