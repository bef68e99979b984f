/** Isolation: host layout untouched, no cookies/storage/globals, one instance, strict CSP + Trusted Types. */
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ScriptedClient, cardRoot, cleanup, found, mount, selectWords, trigger, until } from './fixtures';

afterEach(cleanup);

const boxes = () =>
  [...document.body.querySelectorAll('*')].map((e) => {
    const r = e.getBoundingClientRect();
    return [e.tagName, r.x, r.y, r.width, r.height].join();
  });

test('adding the element, showing the trigger and opening the card do not move any host element', async () => {
  document.body.innerHTML = `<style>* { margin: 3px !important; padding: 2px; } body > * { display: inline-block; width: 300px; } button { all: unset; }</style>
    <main><p id="quote">The Secretary-General said: The fighting in Ukraine must stop now. That was the message.</p><p>Another paragraph.</p></main>`;
  const before = boxes();
  const { QuoteSource } = await import('../../widget/quote-source');
  const element = new QuoteSource();
  element.client = new ScriptedClient([found]);
  document.documentElement.appendChild(element);
  await element.updateComplete;
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  const button = await until(() => trigger(element));
  expect(boxes()).toEqual(before);
  await userEvent.click(button);
  await until(() => cardRoot(element)?.querySelector('mark'));
  expect(boxes()).toEqual(before);
  // Host CSS (`button { all: unset }`, `* { margin }`) does not reach into the shadow tree.
  expect(getComputedStyle(cardRoot(element)!.querySelector('[part=close]')!).cursor).toBe('pointer');
});

test('no cookies, no storage, and no new window globals', async () => {
  const cookies = document.cookie;
  const storage = [localStorage.length, sessionStorage.length];
  const globals = new Set(Object.getOwnPropertyNames(window));
  const element = await mount(new ScriptedClient([found]));
  selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
  await userEvent.click(await until(() => trigger(element)));
  await until(() => cardRoot(element)?.querySelector('mark'));
  expect(document.cookie).toBe(cookies);
  expect([localStorage.length, sessionStorage.length]).toEqual(storage);
  // Lit's reactive-element keeps decorator metadata in `litPropertyMetadata`; nothing of ours is global.
  const added = Object.getOwnPropertyNames(window).filter((name) => !globals.has(name) && name !== 'litPropertyMetadata');
  expect(added).toEqual([]);
});

/** Loads the built bundle into a same-origin iframe whose CSP forbids inline script/style and eval and enforces Trusted Types. */
async function strictFrame(extraScript = '', strict = true) {
  const bundle = await fetch('/dist/public/widget.js').catch(() => null);
  if (!bundle?.ok || !(await bundle.text()).includes('quote-source')) return null;
  const frame = document.createElement('iframe');
  frame.style.width = '800px';
  frame.style.height = '600px';
  const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html";
  frame.srcdoc = `<!doctype html><html lang="en"><head>${strict ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : ''}
    <script type="module" src="/dist/public/widget.js" data-lang="fr" data-theme="dark"></script>${extraScript}</head>
    <body><p id="quote">Le secrétaire général a dit : The fighting in Ukraine must stop now. Fin.</p></body></html>`;
  const violations: string[] = [];
  document.body.appendChild(frame);
  await new Promise((r) => frame.addEventListener('load', r, { once: true }));
  frame.contentDocument!.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  return { frame, violations };
}

test('under a strict CSP with Trusted Types enforced, the built widget boots once and shows the card with no violations', async (ctx) => {
  // The snippet pasted twice: the same module URL runs once, and the boot guard keeps one element.
  const setup = await strictFrame('<script type="module" src="/dist/public/widget.js"></script>');
  if (!setup) ctx.skip('dist/public/widget.js not built: run `npm run build:widget` (npm test does)');
  const { frame, violations } = setup!;
  const doc = frame.contentDocument!;
  const win = frame.contentWindow as Window & typeof globalThis;
  const element = await until(() => doc.querySelector('quote-source') as (HTMLElement & { client: unknown; updateComplete: Promise<unknown> }) | null);
  // The frame's load event (awaited by strictFrame) comes after every module script of the page has run, and each
  // boots synchronously (the document is past 'loading' by then): both tags have had their say.
  expect(doc.readyState).toBe('complete');
  expect(doc.querySelectorAll('quote-source')).toHaveLength(1); // the second script tag is harmless
  expect(element.getAttribute('theme')).toBe('dark');
  // Trusted Types really is enforced in this document: a plain string into innerHTML throws.
  expect(() => {
    doc.body.appendChild(doc.createElement('div')).innerHTML = '<b>x</b>';
  }).toThrow();
  await until(() => violations.length); // that probe's own violation report arrives asynchronously
  expect(violations).toEqual(['require-trusted-types-for trusted-types-sink']);
  violations.length = 0;
  element.client = new ScriptedClient([found]);
  const text = doc.getElementById('quote')!.firstChild as Text;
  const range = doc.createRange();
  const start = text.data.indexOf('The fighting');
  range.setStart(text, start);
  range.setEnd(text, start + 'The fighting in Ukraine must stop now.'.length);
  win.getSelection()!.removeAllRanges();
  win.getSelection()!.addRange(range);
  const button = await until(() => element.shadowRoot!.querySelector<HTMLButtonElement>('[part=trigger]'));
  button.click();
  const cardEl = await until(() => element.shadowRoot!.querySelector('quote-source-card'));
  await until(() => cardEl.shadowRoot?.querySelector('mark'));
  expect(cardEl.shadowRoot!.querySelector('time')!.textContent).toBe('28 février 2022');
  // The built bundle places the card too (its private names are shortened by the build), clear of the selection.
  await until(() => (cardEl as HTMLElement).style.maxHeight);
  const box = cardEl.getBoundingClientRect();
  const sel = range.getBoundingClientRect();
  expect(Math.min(box.bottom, sel.bottom) - Math.max(box.top, sel.top) <= 0 || Math.min(box.right, sel.right) - Math.max(box.left, sel.left) <= 0).toBe(true);
  // Styles applied (adoptedStyleSheets are not blocked by style-src): the card is a positioned box with a border.
  expect(win.getComputedStyle(cardEl).position).toBe('absolute');
  expect(win.getComputedStyle(cardEl).borderTopStyle).toBe('solid');
  // No violation from the widget: the same probe once more, whose report is queued after any the widget caused
  // (reports are events fired by tasks queued in order), so once it is in, every earlier one would be too.
  expect(() => {
    doc.body.appendChild(doc.createElement('div')).innerHTML = '<b>x</b>';
  }).toThrow();
  await until(() => violations.length);
  expect(violations).toEqual(['require-trusted-types-for trusted-types-sink']);
  frame.remove();
});

test('a second copy of the widget loaded from another URL finds the element and adds none', async (ctx) => {
  const setup = await strictFrame('<script type="module" src="/dist/public/widget.js?v=2"></script>', false);
  if (!setup) ctx.skip('dist/public/widget.js not built: run `npm run build:widget` (npm test does)');
  const doc = setup!.frame.contentDocument!;
  await until(() => doc.querySelector('quote-source'));
  // After the frame's load event every module script has run, so the second copy has booted (and found the element).
  expect(doc.readyState).toBe('complete');
  expect(doc.querySelectorAll('quote-source')).toHaveLength(1);
  setup!.frame.remove();
});
