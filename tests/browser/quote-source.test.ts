import { afterEach, describe, expect, test, vi } from 'vitest';
import { page as viewer, userEvent } from 'vitest/browser';
import { LookupError } from '../../widget/api';
import { CONTEXT_CHARS } from '../../widget/selection';
import {
  ScriptedClient,
  altered,
  cardRoot,
  cleanup,
  delivered,
  found,
  mount,
  none,
  placedCard,
  reworded,
  selectWords,
  shadow,
  trigger,
  until,
  card,
} from './fixtures';

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

const heading = (el: Parameters<typeof cardRoot>[0]) => cardRoot(el)?.querySelector('h2')?.textContent?.trim();

async function openCardFor(client: ScriptedClient, words = 'The fighting in Ukraine must stop now.', body?: string) {
  const element = await mount(client, body);
  selectWords(document.getElementById('quote')!, words);
  const button = await until(() => trigger(element));
  await userEvent.click(button);
  return element;
}

describe('selection → trigger → card', () => {
  test('a mouse selection of a few words shows the trigger inside the viewport, and a click shows the source', async () => {
    const client = new ScriptedClient([found]);
    const element = await mount(client);
    await userEvent.tripleClick(document.getElementById('quote')!);
    const button = await until(() => trigger(element));
    const box = button.getBoundingClientRect();
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(innerHeight);
    expect(box.right).toBeLessThanOrEqual(innerWidth);
    expect(button.textContent).toContain('Find source');

    await userEvent.click(button);
    await until(() => heading(element) === 'Quoted accurately');
    const root = cardRoot(element)!;
    expect(root.querySelector('mark')!.textContent).toBe('The fighting in Ukraine must stop now.');
    expect(root.querySelector('blockquote')!.textContent).toContain('“Enough is enough,” said Mr. Guterres');
    expect(root.querySelector('.speaker')!.textContent).toContain('António Guterres');
    expect(root.querySelector('.speaker')!.textContent).toContain('Secretary-General of the United Nations');
    const link = root.querySelector('a')!;
    expect(link.href).toBe('https://news.example/2022/02/28/talks');
    expect(link.rel).toBe('noopener noreferrer');
    expect(root.querySelector('.source')!.textContent).toContain('Example News');
    expect(root.querySelector('time')!.textContent).toBe('28 February 2022');
    expect(root.querySelector('.confidence')!.textContent).toContain('Match: 97%');
    expect(root.querySelector('.banner .icon')!.textContent).toBe('✓');
    expect(root.querySelector('.said.page')!.textContent).toBe(document.getElementById('quote')!.textContent!.trim());
    expect(root.querySelector('[role=dialog]')!.getAttribute('aria-labelledby')).toBe('qs-title');
  });

  test('the lookup sends a TextQuoteSelector: exact plus up to 32 characters of page context each side', async () => {
    const client = new ScriptedClient([found]);
    await openCardFor(client);
    await until(() => client.calls.length);
    const [selector] = client.calls;
    expect(selector.exact).toBe('The fighting in Ukraine must stop now.');
    expect(selector.prefix).toBe('The Secretary-General said: ');
    expect(selector.suffix).toBe(' That was the message.');
    expect(selector.prefix!.length).toBeLessThanOrEqual(CONTEXT_CHARS);
  });

  test('a selection of one or two words shows no trigger', async () => {
    const element = await mount(new ScriptedClient([found]));
    await until(() => shadow(element).querySelector('[role=status]')); // its words are in: a longer selection would show the trigger
    // The selection settle delay is faked: once the selection is delivered and the delay run, the element has decided.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const selected = delivered(document, 'selectionchange');
    selectWords(document.getElementById('short')!, 'Two words');
    await selected;
    vi.runOnlyPendingTimers();
    await element.updateComplete;
    expect(trigger(element)).toBeNull();
  });

  test('the trigger flips below a selection at the top edge of the viewport', async () => {
    const element = await mount(new ScriptedClient([found]), `<p id="quote" style="margin:0">The fighting in Ukraine must stop now, he said.</p>`);
    selectWords(document.getElementById('quote')!, 'The fighting in Ukraine');
    const button = await until(() => trigger(element));
    const selection = document.getSelection()!.getRangeAt(0).getBoundingClientRect();
    expect(button.getBoundingClientRect().top).toBeGreaterThanOrEqual(selection.bottom);
  });
});

describe('card states', () => {
  test('loading, then found', async () => {
    const client = new ScriptedClient([found]);
    client.hold = true;
    const element = await openCardFor(client);
    await until(() => heading(element) === 'Looking up the source…');
    expect(cardRoot(element)!.querySelector('[aria-busy=true]')).not.toBeNull();
    client.release();
    await until(() => heading(element) === 'Quoted accurately');
  });

  test('altered: the verdict comes first, the added word is marked in what this page says and called out as a meaning change', async () => {
    const body = '<p id="quote">The Secretary-General said: The fighting in Ukraine must not stop now. That was the message.</p>';
    const element = await openCardFor(new ScriptedClient([altered]), 'The fighting in Ukraine must not stop now.', body);
    await until(() => heading(element) === 'Meaning changed');
    const root = cardRoot(element)!;
    expect(root.querySelector('.banner .icon')!.textContent).toBe('⚠'); // an icon and words, not colour alone
    expect(root.querySelector('.why')!.textContent).toContain('This page changes what the source says.');
    const ins = root.querySelector('.said.page ins')!;
    expect(ins.textContent).toContain('not');
    expect(ins.textContent).toContain('added'); // a text label for screen readers
    const edit = root.querySelector('.edits li')!.textContent!.replace(/\s+/g, ' ');
    expect(edit).toContain('added not');
    expect(edit).toContain('changes the meaning');
    expect(edit).toContain('negation');
    expect(getComputedStyle(ins).textDecorationLine).toContain('underline');
  });

  test('wording changed: dropped words struck through in what the source says and listed; a review of the source’s own wording is not shown', async () => {
    const body = '<p id="quote">He said leaders need to move to peace, and so on.</p>';
    const element = await openCardFor(new ScriptedClient([reworded]), 'leaders need to move to peace', body);
    await until(() => heading(element) === 'Wording changed');
    const root = cardRoot(element)!;
    const del = root.querySelector('.said.src del')!;
    expect(del.textContent).toContain('back');
    expect(getComputedStyle(del).textDecorationLine).toContain('line-through');
    expect(root.querySelector('.edits')!.textContent!.replace(/\s+/g, ' ')).toContain('dropped back');
    expect(root.querySelector('.edits')!.textContent).not.toContain('changes the meaning');
    // The sample review rates "Leaders need to move back to peace" (with "back"): not a verdict on words without it.
    expect(root.querySelector('.review')).toBeNull();
  });

  test('no reliable source', async () => {
    const element = await openCardFor(new ScriptedClient([none]));
    await until(() => heading(element) === 'No reliable source');
    expect(cardRoot(element)!.querySelector('mark')).toBeNull();
  });

  test('error with retry: the retry asks again and shows the answer', async () => {
    const client = new ScriptedClient([new LookupError('http', 503), found]);
    const element = await openCardFor(client);
    await until(() => heading(element) === 'Lookup failed');
    await userEvent.click(cardRoot(element)!.querySelector('[part=retry]')!);
    await until(() => heading(element) === 'Quoted accurately');
    expect(client.calls).toHaveLength(2);
  });

  test('offline, with retry', async () => {
    const client = new ScriptedClient([new LookupError('offline'), found]);
    const element = await openCardFor(client);
    await until(() => heading(element) === 'Lookup failed' && cardRoot(element)!.textContent!.includes('You are offline'));
    await userEvent.click(cardRoot(element)!.querySelector('[part=retry]')!);
    await until(() => heading(element) === 'Quoted accurately');
  });

  test('the card is placed inside the viewport', async () => {
    const element = await openCardFor(new ScriptedClient([reworded]));
    await until(() => heading(element) === 'Wording changed');
    const box = (await placedCard(element)).getBoundingClientRect();
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(innerWidth);
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(innerHeight);
  });
});

describe('keyboard, focus and dismissal', () => {
  test('Tab reaches the trigger, Enter opens the card with focus inside, Escape returns focus, Escape again hides the trigger', async () => {
    const element = await mount(new ScriptedClient([found]));
    selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
    const button = await until(() => trigger(element));
    await userEvent.keyboard('{Tab}');
    expect(element.shadowRoot!.activeElement).toBe(button);
    await userEvent.keyboard('{Enter}');
    await until(() => heading(element) === 'Quoted accurately');
    await until(() => cardRoot(element)!.activeElement?.tagName === 'H2');
    await userEvent.keyboard('{Escape}');
    await until(() => !card(element));
    await until(() => element.shadowRoot!.activeElement === trigger(element));
    await userEvent.keyboard('{Escape}');
    await until(() => !trigger(element));
  });

  test('the close button closes the card', async () => {
    const element = await openCardFor(new ScriptedClient([found]));
    await until(() => heading(element) === 'Quoted accurately');
    await userEvent.click(cardRoot(element)!.querySelector('[part=close]')!);
    await until(() => !card(element));
  });

  test('a click elsewhere on the page closes the card', async () => {
    const element = await openCardFor(new ScriptedClient([found]));
    await until(() => heading(element) === 'Quoted accurately');
    await userEvent.click(document.getElementById('intro')!);
    await until(() => !card(element));
  });

  test('the live region announces the result', async () => {
    const element = await openCardFor(new ScriptedClient([found]));
    await until(() => shadow(element).querySelector('[role=status]')!.textContent!.includes('Quoted accurately'));
    expect(shadow(element).querySelector('[role=status]')!.textContent).toContain('Said by António Guterres');
  });
});

describe('events', () => {
  test('quote-source-open, -result and -close bubble out of the shadow tree (composed) with details', async () => {
    const seen: CustomEvent[] = [];
    const record = (e: Event) => seen.push(e as CustomEvent);
    for (const name of ['quote-source-open', 'quote-source-result', 'quote-source-close']) document.addEventListener(name, record);
    try {
      const element = await openCardFor(new ScriptedClient([altered]));
      await until(() => seen.some((e) => e.type === 'quote-source-result'));
      await userEvent.keyboard('{Escape}');
      await until(() => seen.some((e) => e.type === 'quote-source-close'));
      expect(seen.map((e) => e.type)).toEqual(['quote-source-open', 'quote-source-result', 'quote-source-close']);
      expect(seen.every((e) => e.bubbles && e.composed)).toBe(true);
      expect(seen[0].detail.selector.exact).toBe('The fighting in Ukraine must stop now.');
      expect(seen[1].detail.state).toBe('altered');
      expect(seen[1].detail.matches[0].altered).toBe(true);
      expect(element.isConnected).toBe(true);
    } finally {
      for (const name of ['quote-source-open', 'quote-source-result', 'quote-source-close']) document.removeEventListener(name, record);
    }
  });
});

describe('auto-scan', () => {
  const page = `
    <blockquote id="a">Soldiers need to move back to their barracks. Leaders need to move to peace.</blockquote>
    <blockquote id="b">Something nobody ever said on the record anywhere.</blockquote>
    <div style="height: 3000px"></div>
    <blockquote id="far">The fighting in Ukraine must stop now.</blockquote>`;

  test('visible quotes are looked up in one batch, only those with a source get a badge, and the badge opens the card without a second request', async () => {
    const client = new ScriptedClient([none], (s) => (s.exact.startsWith('Soldiers') || s.exact.startsWith('The fighting') ? reworded : none));
    const element = await mount(client, page, { auto: 'blockquote' });
    await until(() => shadow(element).querySelectorAll('[part=badge]').length === 1);
    expect(client.batches).toHaveLength(1);
    expect(client.batches[0].map((s) => s.exact)).toEqual([
      'Soldiers need to move back to their barracks. Leaders need to move to peace.',
      'Something nobody ever said on the record anywhere.',
    ]);
    const badge = shadow(element).querySelector<HTMLElement>('[part=badge]')!;
    expect(badge.getAttribute('aria-label')).toContain('Soldiers need to move');
    await userEvent.click(badge);
    await until(() => heading(element) === 'Wording changed');
    expect(client.calls).toHaveLength(0);
  });

  test('a badge opened long after its scan looks the quote up again: a source retracted meanwhile is never shown from the page', async () => {
    // The scan found a source; by the time the reader opens the badge (a page open for minutes), it was retracted.
    const client = new ScriptedClient([none], (s) => (s.exact.startsWith('Soldiers') ? reworded : none));
    const element = await mount(client, page, { auto: 'blockquote' });
    await until(() => shadow(element).querySelectorAll('[part=badge]').length === 1);
    const scannedAt = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(scannedAt + 31_000);
    try {
      await userEvent.click(shadow(element).querySelector<HTMLElement>('[part=badge]')!);
      await until(() => heading(element) === 'No reliable source');
      expect(client.calls.map((s) => s.exact)).toEqual(['Soldiers need to move back to their barracks. Leaders need to move to peace.']);
    } finally {
      clock.mockRestore();
    }
  });

  test('quotes scrolled into view later, and quotes added later by a script, are scanned too', async () => {
    const client = new ScriptedClient([none], () => reworded);
    const element = await mount(client, page, { auto: 'blockquote' });
    await until(() => client.batches.length === 1);
    document.getElementById('far')!.scrollIntoView();
    await until(() => client.batches.length === 2);
    expect(client.batches[1].map((s) => s.exact)).toEqual(['The fighting in Ukraine must stop now.']);
    const added = document.createElement('blockquote');
    added.textContent = 'Enough is enough, the Secretary-General said.';
    document.getElementById('far')!.insertAdjacentElement('afterend', added);
    await until(() => client.batches.length === 3);
    expect(client.batches[2][0].exact).toBe('Enough is enough, the Secretary-General said.');
    await until(() => shadow(element).querySelectorAll('[part=badge]').length === 4);
    scrollTo(0, 0);
  });
});

describe('show() and hide(): pages that mark their quotations themselves (the /check page)', () => {
  const page = `<p>The Secretary-General said: <span id="mark" tabindex="0" role="button">The fighting in Ukraine must stop now.</span> That was it.</p>
    <div style="height: 1500px"></div><p><span id="low" tabindex="0" role="button">Soldiers need to move back to their barracks.</span></p>`;

  test('show() looks the selector up, opens the card beside the anchor with focus in it; Escape puts focus back on the anchor', async () => {
    const client = new ScriptedClient([found]);
    const element = await mount(client, page);
    const anchor = document.getElementById('mark')!;
    anchor.focus();
    const opened: unknown[] = [];
    element.addEventListener('quote-source-open', (e) => opened.push((e as CustomEvent).detail));
    element.show({ exact: 'The fighting in Ukraine must stop now.', prefix: 'The Secretary-General said: ', suffix: ' That was it.' }, anchor);
    await until(() => heading(element) === 'Quoted accurately');
    expect(client.calls).toEqual([{ exact: 'The fighting in Ukraine must stop now.', prefix: 'The Secretary-General said: ', suffix: ' That was it.' }]);
    expect(opened).toEqual([{ selector: client.calls[0], origin: 'badge' }]);
    expect(shadow(element).activeElement?.tagName).toBe('QUOTE-SOURCE-CARD');
    // Beside the anchor: just below or above it, overlapping it horizontally, inside the viewport.
    const a = anchor.getBoundingClientRect();
    const c = (await placedCard(element)).getBoundingClientRect(); // once its entrance animation is over
    expect(c.top >= a.bottom - 1 || c.bottom <= a.top + 1).toBe(true);
    expect(c.left).toBeLessThan(a.right);
    expect(c.right).toBeGreaterThan(a.left);
    await userEvent.keyboard('{Escape}');
    await until(() => !card(element));
    expect(document.activeElement).toBe(anchor);
  });

  test('show() with an answer needs no request; show() for another anchor replaces the card and places it there; hide() closes it', async () => {
    // A desktop window: below 600 px the card is a sheet along the screen's edge, not beside the anchor (card-placement.test.ts).
    const [width, height] = [innerWidth, innerHeight];
    await viewer.viewport(1280, 800);
    const client = new ScriptedClient([altered]);
    const element = await mount(client, page);
    const first = document.getElementById('mark')!;
    element.show({ exact: 'The fighting in Ukraine must stop now.' }, first, found);
    await until(() => heading(element) === 'Quoted accurately');
    expect(client.calls).toHaveLength(0);
    const low = document.getElementById('low')!;
    low.scrollIntoView({ block: 'center' });
    element.show({ exact: 'Soldiers need to move back to their barracks.' }, low);
    await until(() => heading(element) === 'Meaning changed');
    const a = low.getBoundingClientRect();
    const c = (await placedCard(element)).getBoundingClientRect(); // once its entrance animation is over
    expect(c.top >= a.bottom - 1 || c.bottom <= a.top + 1).toBe(true);
    expect(Math.min(Math.abs(c.top - a.bottom), Math.abs(a.top - c.bottom))).toBeLessThan(40);
    element.hide();
    await until(() => !card(element));
    scrollTo(0, 0);
    await viewer.viewport(width, height);
  });
});

describe('page text the API would refuse', () => {
  test('controls, bidi overrides, zero-width characters and lone surrogates are left out of the selector', async () => {
    const client = new ScriptedClient([found]);
    const body = `<p id="quote">Said\u202E: The\u200B fighting\u0085 in \uD800Ukraine\u2066 must\uFEFF stop now.\u200D That was it.</p>`;
    const element = await mount(client, body);
    selectWords(document.getElementById('quote')!, 'The\u200B fighting\u0085 in \uD800Ukraine\u2066 must\uFEFF stop now.');
    await userEvent.click(await until(() => trigger(element)));
    await until(() => client.calls.length);
    expect(client.calls[0].exact).toBe('The fighting in Ukraine must stop now.');
    expect(client.calls[0].prefix).toBe('Said: ');
    expect(client.calls[0].suffix).toBe(' That was it.');
  });
});
