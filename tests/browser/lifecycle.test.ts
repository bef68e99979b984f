/** Async work is cancellable and everything the element attaches to the page is detached again. */
import { afterEach, expect, test, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { LookupError } from '../../widget/api';
import { QuoteSource } from '../../widget/quote-source';
import { ScriptedClient, cardRoot, cleanup, delivered, found, inView, mount, none, reworded, selectWords, shadow, trigger, until } from './fixtures';

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

/** Only the element's own delays are faked (its selection settle, auto-scan's batching); animation frames and observers run as ever. */
const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

test('closing the card while the lookup runs aborts the request', async () => {
  const client = new ScriptedClient([found]);
  client.hold = true;
  const element = await mount(client);
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  await userEvent.click(await until(() => trigger(element)));
  await until(() => client.signals.length);
  expect(client.signals[0]!.aborted).toBe(false);
  await userEvent.keyboard('{Escape}');
  await until(() => client.signals[0]!.aborted);
  client.release();
});

test('offline: when the connection comes back the lookup is retried by itself', async () => {
  const client = new ScriptedClient([new LookupError('offline'), found]);
  const element = await mount(client);
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  await userEvent.click(await until(() => trigger(element)));
  await until(() => cardRoot(element)?.querySelector('.why')?.textContent === 'You are offline. Try again when you are back online.');
  dispatchEvent(new Event('online'));
  await until(() => cardRoot(element)?.querySelector('h2')?.textContent === 'Quoted accurately');
});

test('every listener and observer the element adds is removed when it leaves the page', async () => {
  const added = new Map<string, number>();
  const key = (target: string, type: string, fn: unknown) => `${target}:${type}:${String(fn).slice(0, 40)}`;
  const originals = [document, window].map((target) => {
    const name = target === document ? 'document' : 'window';
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    target.addEventListener = function (this: EventTarget, type: string, fn: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) {
      const k = key(name, type, fn);
      added.set(k, (added.get(k) ?? 0) + 1);
      // A listener added with an AbortSignal is removed when the signal aborts.
      const signal = typeof options === 'object' ? options.signal : undefined;
      signal?.addEventListener('abort', () => added.set(k, added.get(k)! - 1), { once: true });
      return add.call(this, type, fn, options);
    } as typeof add;
    target.removeEventListener = function (this: EventTarget, type: string, fn: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions) {
      if (added.has(key(name, type, fn))) added.set(key(name, type, fn), added.get(key(name, type, fn))! - 1);
      return remove.call(this, type, fn, options);
    } as typeof remove;
    return { target, add, remove };
  });
  try {
    const element = new QuoteSource();
    element.client = new ScriptedClient([found]);
    element.auto = 'blockquote';
    document.documentElement.appendChild(element);
    await element.updateComplete;
    expect(added.size).toBeGreaterThanOrEqual(6);
    element.remove();
    expect([...added].filter(([, count]) => count !== 0)).toEqual([]);
  } finally {
    for (const { target, add, remove } of originals) {
      target.addEventListener = add;
      target.removeEventListener = remove;
    }
  }
});

test('once removed from the page it hears no more selections (no trigger, no request); put back, a selection opens the card again', async () => {
  const client = new ScriptedClient([found]);
  const element = await mount(client);
  const quote = document.getElementById('quote')!;
  await until(() => shadow(element).querySelector('[role=status]')); // its words are in: a selection would show the trigger
  element.remove();
  fakeTimers();
  const heard = delivered(document, 'selectionchange');
  selectWords(quote, 'The fighting in Ukraine must stop now.');
  await heard; // every listener on the page has had the selection…
  vi.runOnlyPendingTimers(); // …and the settle delay a listening element would wait out is over
  await element.updateComplete;
  expect(trigger(element)).toBeNull();
  expect(shadow(element).querySelector('[role=status]')!.textContent).toBe('');
  expect(client.calls).toEqual([]);
  vi.useRealTimers();

  document.documentElement.appendChild(element);
  document.getSelection()!.removeAllRanges();
  selectWords(quote, 'The fighting in Ukraine must stop now.');
  await userEvent.click(await until(() => trigger(element)));
  await until(() => cardRoot(element)?.querySelector('h2')?.textContent === 'Quoted accurately');
  expect(client.calls.map((s) => s.exact)).toEqual(['The fighting in Ukraine must stop now.']);
});

test('once removed from the page it leaves the keyboard to the page; put back, Tab after a selection goes to its trigger again', async () => {
  const element = await mount(new ScriptedClient([found]));
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  const button = await until(() => trigger(element));
  let key = delivered(document, 'keydown');
  await userEvent.keyboard('{Tab}');
  expect((await key).defaultPrevented).toBe(true); // on the page, Tab right after a selection jumps to the trigger
  expect(shadow(element).activeElement).toBe(button);

  element.remove(); // its trigger stays in its own (now detached) tree, so only the listener decides
  key = delivered(document, 'keydown');
  await userEvent.keyboard('{Tab}');
  expect((await key).defaultPrevented).toBe(false);
  key = delivered(document, 'keydown');
  await userEvent.keyboard('{Escape}');
  expect((await key).defaultPrevented).toBe(false);
  expect(trigger(element)).not.toBeNull(); // Escape did not reach it either: it would have hidden the trigger

  document.documentElement.appendChild(element);
  key = delivered(document, 'keydown');
  await userEvent.keyboard('{Tab}');
  expect((await key).defaultPrevented).toBe(true);
  expect(shadow(element).activeElement).toBe(trigger(element));
});

test('once removed from the page auto-scan stops: quotes scrolled into view or added are not looked up; put back, it scans again', async () => {
  const page = `
    <blockquote id="near">Soldiers need to move back to their barracks. Leaders need to move to peace.</blockquote>
    <div style="height: 3000px"></div>
    <blockquote id="far">The fighting in Ukraine must stop now.</blockquote>`;
  const client = new ScriptedClient([none], () => reworded);
  const element = await mount(client, page, { auto: 'blockquote' });
  await until(() => shadow(element).querySelectorAll('[part=badge]').length === 1);
  expect(client.batches).toHaveLength(1);
  const scans: unknown[] = [];
  element.addEventListener('quote-source-scan', (e) => scans.push(e.detail));

  element.remove();
  fakeTimers();
  const far = document.getElementById('far')!;
  const added = document.createElement('blockquote');
  added.textContent = 'Enough is enough, the Secretary-General said.';
  far.insertAdjacentElement('afterend', added);
  const seen = inView([far, added]);
  far.scrollIntoView();
  await seen; // the browser has reported both quotes in view (to a scan still observing them first: it was made earlier)…
  vi.runOnlyPendingTimers(); // …and a scan's batching delay is over
  expect(client.batches).toHaveLength(1);
  expect(scans).toEqual([]);
  vi.useRealTimers();

  document.documentElement.appendChild(element);
  await until(() => client.batches.length === 2);
  expect(client.batches[1].map((s) => s.exact).sort()).toEqual(['Enough is enough, the Secretary-General said.', 'The fighting in Ukraine must stop now.']);
  await until(() => shadow(element).querySelectorAll('[part=badge]').length === 2);
  expect(scans).toEqual([{ scanned: 2, found: 2 }]);
  scrollTo(0, 0);
});

test("auto-scan follows the element's `auto`: switched off, its badges go and nothing more is looked up; switched on, it scans afresh", async () => {
  const page = `<blockquote>Soldiers need to move back to their barracks. Leaders need to move to peace.</blockquote>`;
  const client = new ScriptedClient([none], () => reworded);
  const element = await mount(client, page, { auto: 'blockquote' });
  await until(() => shadow(element).querySelectorAll('[part=badge]').length === 1);
  element.auto = '';
  await until(() => !shadow(element).querySelector('[part=badge]'));
  expect(client.batches).toHaveLength(1);
  element.auto = 'blockquote';
  await until(() => shadow(element).querySelectorAll('[part=badge]').length === 1);
  expect(client.batches).toHaveLength(2);
});
