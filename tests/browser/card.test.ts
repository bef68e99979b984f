/** The card a reader trusts at a glance: verdict first, a diff that reads right, the matching fact-check only, errors in words, focus ring for keyboard users only. */
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { LookupError } from '../../widget/api';
import type { QuoteSource } from '../../widget/quote-source';
import {
  ScriptedClient,
  addedBackWithReviews,
  altered,
  cardRoot,
  cleanup,
  found,
  misattributed,
  mount,
  none,
  peaceToWar,
  reworded,
  selectWords,
  shadow,
  trigger,
  until,
} from './fixtures';

afterEach(cleanup);

const heading = (el: QuoteSource) => cardRoot(el)?.querySelector('h2')?.textContent?.trim();
const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function open(client: ScriptedClient, sentence: string, words: string) {
  const element = await mount(client, `<main style="max-width:40rem;margin:120px auto"><p id="quote">${sentence}</p></main>`);
  selectWords(document.getElementById('quote')!, words);
  await userEvent.click(await until(() => trigger(element)));
  await until(() => cardRoot(element)?.querySelector('[aria-busy=false]'));
  return element;
}

describe('verdict first', () => {
  test('the banner leads, then this page against the source (speaker, title, date, link), the edits, the paragraph, the spread, the fact-check', async () => {
    const element = await open(
      new ScriptedClient([addedBackWithReviews]),
      'Guterres said leaders need to move back to peace, reports said.',
      'leaders need to move back to peace',
    );
    const root = cardRoot(element)!;
    expect(heading(element)).toBe('Wording changed');
    // Reading order of what a reader sees.
    const order = [...root.querySelectorAll('.banner, h3, .said.page, .said.src, .who, .edits, blockquote, .review')].map((e) =>
      e.matches('h3') ? `h3:${e.textContent}` : e.className.split(' ').slice(0, 2).join('.'),
    );
    expect(order).toEqual([
      'banner.v-changed',
      'h3:This page says',
      'said.page',
      'h3:Earliest report',
      'said.src',
      'who',
      'h3:What changed',
      'edits',
      'h3:In its paragraph',
      'para',
      'h3:Fact-check of this claim',
      'review',
    ]);
    expect(text(root.querySelector('.who'))).toContain('Said by António Guterres');
    expect(text(root.querySelector('.who'))).toContain('28 February 2022');
    expect(root.querySelector<HTMLAnchorElement>('.who a')!.href).toBe('https://news.example/2022/02/28/talks');
  });

  test('each verdict has its own icon and words, not colour alone', async () => {
    const cases = [
      [found, 'Quoted accurately', '✓'],
      [reworded, 'Wording changed', '✎'],
      [altered, 'Meaning changed', '⚠'],
      [misattributed, 'Misattributed', '⇄'],
      [none, 'No reliable source', '?'],
    ] as const;
    const seen = new Set<string>();
    for (const [answer, words, icon] of cases) {
      const element = await open(
        new ScriptedClient([answer]),
        'The Secretary-General said: The fighting in Ukraine must stop now. That was the message.',
        'The fighting in Ukraine must stop now.',
      );
      expect(heading(element)).toBe(words);
      expect(cardRoot(element)!.querySelector('.banner .icon')?.textContent).toBe(icon);
      seen.add(getComputedStyle(cardRoot(element)!.querySelector('h2')!).color);
      cleanup();
    }
    expect(seen.size).toBeGreaterThanOrEqual(4); // colour helps, on top of icon and words
  });

  test('misattributed: says whom the source credits and whom the page credits', async () => {
    const element = await open(
      new ScriptedClient([misattributed]),
      'Bo Harrow said: Leaders need to move back to peace.',
      'Leaders need to move back to peace',
    );
    expect(text(cardRoot(element)!.querySelector('.why'))).toContain('The source credits Ada Wenlow; this page credits Bo Harrow.');
  });
});

describe('a diff that reads right', () => {
  test('a replaced word shows both sides, apart and labelled; the page side reads as the page does', async () => {
    const element = await open(new ScriptedClient([peaceToWar]), 'The chair said: Leaders need to move back to war.', 'Leaders need to move back to war');
    const root = cardRoot(element)!;
    expect(heading(element)).toBe('Meaning changed');
    expect(text(root.querySelector('.said.page'))).toBe('Leaders need to move back to [added: war]');
    expect(text(root.querySelector('.said.src'))).toBe('Leaders need to move back to [dropped: peace]');
    const edit = root.querySelector('.edits li')!;
    expect(text(edit)).toBe('peace →: war — changes the meaning (opposite)'); // the colon is for screen readers only
    expect(edit.querySelector('del')!.textContent).toBe('peace');
    expect(edit.querySelector('ins')!.textContent).toBe('war');
    // Deleted and added words never run together: separate boxes with space between.
    const del = edit.querySelector('del')!.getBoundingClientRect();
    const ins = edit.querySelector('ins')!.getBoundingClientRect();
    expect(ins.left - del.right).toBeGreaterThan(8);
  });
});

describe('fact-checks', () => {
  test('only the fact-check of the highlighted claim, with its reason and link; a neighbouring sentence’s is left out', async () => {
    const element = await open(
      new ScriptedClient([addedBackWithReviews]),
      'Guterres said leaders need to move back to peace, reports said.',
      'leaders need to move back to peace',
    );
    const reviews = cardRoot(element)!.querySelectorAll('.review');
    expect(reviews).toHaveLength(1);
    expect(text(reviews[0])).toContain('QuoteSource samples rates it “Misquoted”');
    expect(text(reviews[0])).toContain('The text adds "back" to the second sentence.');
    expect(reviews[0].querySelector('a')!.href).toBe('https://www.un.org/press/en/2022/ga12404.doc.htm');
    expect(text(cardRoot(element))).not.toContain('Medinsky');
  });

  test('a review of the source’s own wording is no verdict on a page that changed it', async () => {
    // The page drops "back": the sample review rates the wording with "back".
    const element = await open(new ScriptedClient([reworded]), 'He said leaders need to move to peace, and so on.', 'leaders need to move to peace');
    expect(cardRoot(element)!.querySelector('.review')).toBeNull();
  });
});

describe('errors a reader understands', () => {
  const sentence = 'The Secretary-General said: The fighting in Ukraine must stop now. That was the message.';
  const words = 'The fighting in Ukraine must stop now.';

  test('429: "Too many lookups — try again in N s", Try again disabled until then, then it works', async () => {
    const client = new ScriptedClient([new LookupError('rate', 429, 2), found]);
    const element = await open(client, sentence, words);
    const root = cardRoot(element)!;
    expect(heading(element)).toBe('Lookup failed');
    expect(text(root.querySelector('.why'))).toBe('Too many lookups — try again in 2 s.');
    const retry = root.querySelector<HTMLButtonElement>('[part=retry]')!;
    expect(retry.disabled).toBe(true);
    await until(() => text(root.querySelector('.why')) === 'Too many lookups — try again in 1 s.');
    expect(retry.disabled).toBe(true);
    await until(() => !retry.disabled, 4000);
    await userEvent.click(retry);
    await until(() => heading(element) === 'Quoted accurately');
    expect(client.calls).toHaveLength(2);
  });

  test('offline, timeout, server error and unreachable each get their own short message', async () => {
    const messages = new Set<string>();
    for (const error of [new LookupError('offline'), new LookupError('timeout'), new LookupError('http', 503), new LookupError('network')]) {
      const element = await open(new ScriptedClient([error]), sentence, words);
      const message = text(cardRoot(element)!.querySelector('.why'));
      expect(message.length).toBeLessThan(80);
      expect(cardRoot(element)!.querySelector<HTMLButtonElement>('[part=retry]')!.disabled).toBe(false);
      messages.add(message);
      cleanup();
    }
    expect([...messages]).toEqual([
      'You are offline. Try again when you are back online.',
      'QuoteSource took too long to answer.',
      'QuoteSource has a problem right now.',
      'QuoteSource could not be reached.',
    ]);
  });
});

describe('focus ring', () => {
  const sentence = 'The Secretary-General said: The fighting in Ukraine must stop now. That was the message.';
  const outline = (element: QuoteSource) => getComputedStyle(cardRoot(element)!.querySelector('h2')!).outlineStyle;

  test('opened with the mouse: the heading has focus but no ring, even after earlier key presses', async () => {
    const element = await mount(new ScriptedClient([found]), `<p id="quote">${sentence}</p>`);
    // A key pressed before (Shift, as when extending a selection) makes Chromium guess "keyboard user"
    // for any focus moved by script until a pointer focuses something, and the trigger's mousedown is cancelled.
    await userEvent.keyboard('{Shift}');
    selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
    await userEvent.click(await until(() => trigger(element)));
    await until(() => cardRoot(element)?.activeElement?.tagName === 'H2');
    expect(outline(element)).toBe('none');
  });

  test('opened from the keyboard: the heading shows the ring', async () => {
    const element = await mount(new ScriptedClient([found]), `<p id="quote">${sentence}</p>`);
    selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
    await until(() => trigger(element));
    await userEvent.keyboard('{Tab}');
    await userEvent.keyboard('{Enter}');
    await until(() => cardRoot(element)?.activeElement?.tagName === 'H2');
    expect(outline(element)).toBe('solid');
  });
});

describe('badges say what they found', () => {
  test('accurate, changed, meaning changed and misattributed each have their own shape and label', async () => {
    const page = `
      <blockquote>The fighting in Ukraine must stop now, said the first.</blockquote>
      <blockquote>Leaders need to move to peace, said the second.</blockquote>
      <blockquote>The fighting in Ukraine must not stop now, said the third.</blockquote>
      <blockquote>Leaders need to move back to peace, said the fourth.</blockquote>`;
    const answers = [found, reworded, altered, misattributed];
    const client = new ScriptedClient([none], (s) => answers[['first', 'second', 'third', 'fourth'].findIndex((w) => s.exact.includes(w))]);
    const element = await mount(client, page, { auto: 'blockquote' });
    const badges = await until(() => {
      const all = [...shadow(element).querySelectorAll<HTMLElement>('[part=badge]')];
      return all.length === 4 && all;
    });
    const labels = badges.map((b) => text(b));
    expect(labels).toEqual(['✓ Quoted accurately', '✎ Wording changed', '⚠ Meaning changed', '⇄ Misattributed']);
    expect(badges.map((b) => b.getAttribute('aria-label'))).toEqual([
      'Source check for “The fighting in Ukraine must stop now, said the first.”: Quoted accurately',
      'Source check for “Leaders need to move to peace, said the second.”: Wording changed',
      'Source check for “The fighting in Ukraine must not stop now, said the third.”: Meaning changed',
      'Source check for “Leaders need to move back to peace, said the fourth.”: Misattributed',
    ]);
    const shape = (b: HTMLElement) => {
      const s = getComputedStyle(b);
      return [s.borderTopLeftRadius, s.borderTopRightRadius, s.borderTopStyle].join(' ');
    };
    expect(new Set(badges.map(shape)).size).toBe(4);
  });
});
