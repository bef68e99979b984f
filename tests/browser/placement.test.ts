import { afterEach, expect, test } from 'vitest';
import { placeNear } from '../../widget/placement';
import { ScriptedClient, cleanup, found, mount, selectWords, trigger, until } from './fixtures';

afterEach(cleanup);

const rect = (x: number, y: number, w: number, h: number) => new DOMRect(x, y, w, h);

test('mouse and keyboard: above the start of the selection; touch: below its end, clear of the native selection menu', () => {
  const first = rect(100, 300, 200, 20);
  const last = rect(100, 320, 150, 20);
  const mouse = placeNear(first, last, 120, 30, false);
  expect(mouse.top + 30).toBeLessThanOrEqual(first.top);
  const touch = placeNear(first, last, 120, 30, true);
  expect(touch.top).toBeGreaterThanOrEqual(last.bottom);
});

test('flips at the edges and never leaves the viewport', () => {
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const top = placeNear(rect(vw - 20, 2, 15, 18), rect(vw - 20, 2, 15, 18), 120, 30, false);
  expect(top.flipped).toBe(true);
  expect(top.top).toBeGreaterThanOrEqual(20);
  expect(top.left + 120).toBeLessThanOrEqual(vw);
  const bottom = placeNear(rect(10, vh - 20, 50, 18), rect(10, vh - 20, 50, 18), 120, 30, true);
  expect(bottom.flipped).toBe(true);
  expect(bottom.top + 30).toBeLessThanOrEqual(vh - 20);
});

test('the trigger follows the selection when the page scrolls', async () => {
  const element = await mount(
    new ScriptedClient([found]),
    `<div style="height: 400px"></div><p id="quote">The Secretary-General said: The fighting in Ukraine must stop now. That was the message.</p><div style="height: 3000px"></div>`,
  );
  scrollTo(0, 0);
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  const button = await until(() => trigger(element));
  const selection = () => document.getSelection()!.getRangeAt(0).getBoundingClientRect();
  const gap = () => button.getBoundingClientRect().top - selection().top;
  const before = gap();
  scrollBy(0, 150);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  expect(Math.abs(gap() - before)).toBeLessThan(2); // sub-pixel rounding of the scrolled position
  scrollTo(0, 0);
});

test('after a touch, the trigger goes below the selection (the native menu sits above it)', async () => {
  const element = await mount(
    new ScriptedClient([found]),
    `<div style="height: 300px"></div><p id="quote">The Secretary-General said: The fighting in Ukraine must stop now. That was the message.</p>`,
  );
  const quote = document.getElementById('quote')!;
  quote.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true }));
  selectWords(quote, 'The fighting in Ukraine must stop now.');
  quote.dispatchEvent(new PointerEvent('pointerup', { pointerType: 'touch', bubbles: true, composed: true }));
  const button = await until(() => trigger(element));
  const selection = document.getSelection()!.getRangeAt(0).getBoundingClientRect();
  expect(button.getBoundingClientRect().top).toBeGreaterThanOrEqual(selection.bottom);
});
