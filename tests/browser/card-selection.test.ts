import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ScriptedClient, cardRoot, cleanup, found, mount, selectWords, trigger, until } from './fixtures';

afterEach(cleanup);

test('selecting text inside the open card (to copy it) neither shows a trigger nor closes the card', async () => {
  const element = await mount(new ScriptedClient([found]));
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  await userEvent.click(await until(() => trigger(element)));
  const paragraph = await until(() => cardRoot(element)?.querySelector('blockquote'));
  await userEvent.tripleClick(paragraph);
  expect(document.getSelection()!.toString()).toContain('Enough is enough'); // the card's text really is selected
  await new Promise((r) => setTimeout(r, 400));
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
