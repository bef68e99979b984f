import { afterEach, expect, test, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ScriptedClient, cardRoot, cleanup, delivered, found, mount, selectWords, trigger, until } from './fixtures';

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

test('selecting text inside the open card (to copy it) neither shows a trigger nor closes the card', async () => {
  const element = await mount(new ScriptedClient([found]));
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  await userEvent.click(await until(() => trigger(element)));
  const paragraph = await until(() => cardRoot(element)?.querySelector('blockquote'));
  // The element's selection settle delay is faked: once the selection is delivered and the delay run, it has decided.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const selected = delivered(document, 'selectionchange');
  await userEvent.tripleClick(paragraph);
  await selected;
  expect(document.getSelection()!.toString()).toContain('Enough is enough'); // the card's text really is selected
  vi.runOnlyPendingTimers();
  await element.updateComplete;
  expect(trigger(element)).toBeNull();
  expect(cardRoot(element)?.querySelector('mark')).not.toBeNull();
});

test('a hand-placed element takes its options from attributes', async () => {
  document.body.innerHTML = '<quote-source api="https://api.example" auto="blockquote" locale="fr" theme="dark"></quote-source>';
  const element = document.querySelector('quote-source')!;
  await element.updateComplete;
  expect([element.api, element.auto, element.locale, element.theme]).toEqual(['https://api.example', 'blockquote', 'fr', 'dark']);
  expect(getComputedStyle(element).position).toBe('absolute');
});
