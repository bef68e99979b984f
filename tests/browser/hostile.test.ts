/** Hostile API data renders inert: markup stays text, bad URLs never become links, huge words stay in the card. */
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { LookupResponse } from '../../worker/core/types';
import { ScriptedClient, card, cardRoot, cleanup, match, mount, selectWords, trigger, until } from './fixtures';

afterEach(cleanup);

/** Elements under `root`, through every open shadow tree, that could run code now or later. */
function runnable(root: Element | ShadowRoot): string[] {
  const found: string[] = [];
  for (const element of root.querySelectorAll('*')) {
    if (/^(?:SCRIPT|IMG|IFRAME|OBJECT|EMBED|SVG)$/i.test(element.tagName) || [...element.attributes].some((a) => /^on/i.test(a.name)))
      found.push(element.outerHTML.slice(0, 80));
    if (element.shadowRoot) found.push(...runnable(element.shadowRoot));
  }
  return found;
}

const SCRIPT = '<script>window.__qsPwned = 1</script>';
const IMG = '<img src=x onerror="window.__qsPwned = 2">';
const RTL = '\u202Eevil.exe\u202C';
const HUGE = 'x'.repeat(10_000);

function hostile(url: string, reviewUrl: string): LookupResponse {
  const m = match('The fighting in Ukraine must stop now.');
  const prefix = `${SCRIPT} ${IMG} ${HUGE} `;
  return {
    matches: [
      {
        ...m,
        excerpt: { ...m.excerpt, text: prefix + m.excerpt.text },
        quote: { ...m.quote, start: m.quote.start + prefix.length, end: m.quote.end + prefix.length },
        article: { ...m.article, url, title: `${IMG}${HUGE}`, publisher: `${SCRIPT}${RTL}`, published: '<b>not a date</b>' },
        speaker: { name: `${RTL}${SCRIPT}`, role: HUGE },
        // The card shows the original: the same hostile data there.
        source: {
          ...m.source,
          excerpt: { ...m.source.excerpt, text: prefix + m.source.excerpt.text },
          start: m.source.start + prefix.length,
          end: m.source.end + prefix.length,
          article: { ...m.article, url, title: `${IMG}${HUGE}`, publisher: `${SCRIPT}${RTL}`, published: '<b>not a date</b>' },
          speaker: { name: `${RTL}${SCRIPT}`, role: HUGE },
        },
        appearances: {
          count: 2,
          wordings: 2,
          first: [],
          variants: [{ wording: `${SCRIPT}${RTL}`, count: 1, differences: [], altered: true, original: false, since: '' }],
        },
        speakerMismatch: { credited: IMG, original: SCRIPT },
        differences: [
          {
            kind: 'replace',
            source: IMG,
            quoted: SCRIPT,
            sourceStart: m.quote.start + prefix.length,
            sourceEnd: m.quote.start + prefix.length + 3,
            meaning: 'number',
          },
        ],
        claims: [
          {
            id: 'c',
            text: IMG,
            claimant: SCRIPT,
            claimDate: '',
            reviews: [{ publisher: { name: SCRIPT, site: '' }, url: reviewUrl, title: SCRIPT, textualRating: IMG, explanation: IMG, reviewDate: '' }],
          },
        ],
      },
    ],
  };
}

for (const [url, reviewUrl] of [
  ['javascript:window.__qsPwned=3', 'data:text/html,<script>alert(1)</script>'],
  ['data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', ' javascript:alert(1)'],
  ['vbscript:msgbox(1)', '//evil.example/x'],
]) {
  test(`markup, ${url.split(':')[0]}: URLs, RTL overrides and 10,000-character words render inert`, async () => {
    const element = await mount(new ScriptedClient([hostile(url, reviewUrl)]));
    selectWords(document.getElementById('quote')!, 'The fighting in Ukraine must stop now.');
    await userEvent.click(await until(() => trigger(element)));
    await until(() => cardRoot(element)?.querySelector('mark'));
    const root = cardRoot(element)!;
    // No element came from API data: no script, img, b; the markup is visible as text.
    expect(root.querySelectorAll('script, img, b')).toHaveLength(0);
    expect(root.textContent).toContain('<script>window.__qsPwned = 1</script>');
    expect(root.textContent).toContain('<img src=x onerror=');
    expect(root.querySelector('.speaker bdi')!.textContent).toContain(RTL); // kept, but isolated in <bdi>
    // No link from a javascript:/data:/vbscript:/protocol-relative URL.
    expect(root.querySelectorAll('a')).toHaveLength(0);
    expect(root.querySelector('time')!.textContent).toBe('<b>not a date</b>');
    // A 10,000-character word wraps inside the card, which stays inside the viewport.
    await new Promise((r) => requestAnimationFrame(r));
    const box = card(element)!.getBoundingClientRect();
    expect(box.right).toBeLessThanOrEqual(innerWidth);
    expect(box.left).toBeGreaterThanOrEqual(0);
    const inner = root.querySelector('.card')!;
    expect(inner.scrollWidth).toBeLessThanOrEqual(inner.clientWidth + 1);
    // Nothing that could run later exists: no script, image, frame or event-handler attribute in the page's body or in
    // the widget's shadow trees (an image's error handler would fire only after its load fails), and nothing has run so far.
    expect([...runnable(document.body), ...runnable(element.shadowRoot!)]).toEqual([]);
    expect((window as { __qsPwned?: number }).__qsPwned).toBeUndefined();
  });
}

test('hostile page text in the selection and in auto-scanned quotes is sent as text and shown as text', async () => {
  const client = new ScriptedClient([{ matches: [] }], () => hostile('https://ok.example/', 'https://ok.example/r'));
  const body = `<p id="quote">${'&lt;img src=x onerror=alert(1)&gt; said the fighting in Ukraine must stop now'}</p><blockquote>&lt;script&gt;x()&lt;/script&gt; in a quote here</blockquote>`;
  const element = await mount(client, body, { auto: 'blockquote' });
  await until(() => client.batches.length);
  expect(client.batches[0][0].exact).toBe('<script>x()</script> in a quote here');
  const badge = await until(() => element.shadowRoot!.querySelector('[part=badge]'));
  expect(badge.getAttribute('aria-label')).toContain('<script>x()</script>');
  expect(element.shadowRoot!.querySelectorAll('script, img')).toHaveLength(0);
});
