/**
 * `GET /widget.js` (the embeddable widget bundle, from the ASSETS binding) and `GET /demo`
 * (a third-party-style article page with the widget embedded, under a strict CSP with Trusted
 * Types enforced). Mounted in worker/app.ts with `app.route('/', assets)`.
 */
import { Hono } from 'hono';

const WIDGET_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

const problem = (status: number, title: string, detail: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

async function strongEtag(body: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return `"${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

/** The demo page's CSP: no inline script, no eval, styles only by nonce, Trusted Types enforced (Lit's policy is `lit-html`). */
export function demoCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

export const assets = new Hono<{ Bindings: Env }>()
  .get('/widget.js', async (c) => {
    if (!c.env.ASSETS) return problem(503, 'Widget unavailable', 'The ASSETS binding is missing; run `npm run build:widget`.');
    const stored = await c.env.ASSETS.fetch(new Request(new URL('/widget.js', c.req.url)));
    if (!stored.ok) return problem(503, 'Widget unavailable', 'dist/public/widget.js is missing; run `npm run build:widget`.');
    const body = await stored.arrayBuffer();
    const etag = await strongEtag(body);
    const headers = new Headers({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': WIDGET_CACHE,
      etag,
      vary: 'Accept-Encoding',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    const ifNoneMatch = c.req.header('if-none-match') ?? '';
    if (ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*'))
      return new Response(null, { status: 304, headers });
    return new Response(body, { status: 200, headers });
  })
  .get('/demo', (c) => {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    return new Response(demoPage(nonce), {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': demoCsp(nonce),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      },
    });
  });

/**
 * A blog post by an imaginary third party that quotes the seed article: an exact quote, an altered
 * one (a negation added), one credited to the wrong speaker, and blockquotes for auto-scan.
 */
export function demoPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Ledger Weekly — Talks in Belarus, and a warning at the UN (QuoteSource demo)</title>
<style nonce="${nonce}">
  body { margin: 0; font: 18px/1.6 Georgia, 'Times New Roman', serif; color: #222; background: #fbfaf7; }
  header, main, footer { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
  header { border-bottom: 3px double #222; padding-top: 1rem; }
  .masthead { font: 700 1.1rem/1 system-ui, sans-serif; letter-spacing: 0.08em; text-transform: uppercase; margin: 0 0 0.5rem; }
  h1 { font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 0.5rem; }
  .byline { color: #555; font-style: italic; margin: 0 0 1.5rem; }
  blockquote { margin: 1.5rem 0; padding: 0.5rem 1.25rem; border-left: 4px solid #b08d57; background: #f3eee4; }
  .note { font: 0.9rem/1.5 system-ui, sans-serif; background: #eef3fb; border: 1px solid #9db3d6; padding: 0.75rem 1rem; }
  footer { color: #555; font-size: 0.9rem; padding-bottom: 3rem; }
  @media (prefers-color-scheme: dark) {
    body { color: #eee; background: #161616; }
    .byline, footer { color: #bbb; }
    blockquote { background: #2a2620; }
    .note { background: #1c2533; border-color: #40577a; }
  }
</style>
<script type="module" src="/widget.js" data-auto="blockquote" data-lang="en-GB"></script>
</head>
<body>
<header><p class="masthead">The Ledger Weekly</p></header>
<main>
<article>
<h1>Talks in Belarus, and a warning at the UN</h1>
<p class="byline">A QuoteSource demo page, 1 March 2022</p>
<p class="note">This page is a demonstration. Some quotes below are <strong>deliberately altered or misattributed</strong>
so you can see what QuoteSource tells a reader. Highlight any quote (three words or more) and press the
<strong>Find source</strong> button, or use the ❝ badges by the block quotes.</p>
<p>Delegations from Russia and Ukraine met on Monday near the Ukrainian border. At the United Nations, the
Secretary-General opened an emergency session with a blunt message: <span id="exact-quote">“Enough is enough. The fighting in Ukraine must stop now.”</span></p>
<p>Some commentators went further in their summaries. One widely shared post had Guterres saying that
<span id="altered-quote">“the fighting in Ukraine must not stop now”</span>, which is not what he said.</p>
<p>On the talks themselves, Ukrainian adviser Mykhailo Podolyak was widely credited with the line
<span id="misattributed-quote">“We discussed in detail every item on the agenda”</span>, though the words came from the other side of the table.</p>
<p>Guterres also spoke about the civilians caught up in the fighting:</p>
<blockquote id="scan-quote">We are seeing residential buildings and critical civilian infrastructure sustaining heavy damage.</blockquote>
<p>And he closed with an appeal to those in command:</p>
<blockquote id="scan-quote-2">Soldiers need to move back to their barracks. Leaders need to move back to peace.</blockquote>
<p>The General Assembly debate was expected to run for several days before a vote on a draft resolution.</p>
</article>
</main>
<footer><p>Quotes checked with QuoteSource: one script tag, <code>&lt;script type="module" src="/widget.js"&gt;&lt;/script&gt;</code>.</p></footer>
</body>
</html>
`;
}
