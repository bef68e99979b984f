/** Async work is cancellable and everything the element attaches to the page is detached again. */
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { LookupError } from '../../widget/api';
import { QuoteSource } from '../../widget/quote-source';
import { ScriptedClient, cardRoot, cleanup, found, mount, selectWords, trigger, until } from './fixtures';

afterEach(cleanup);

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
