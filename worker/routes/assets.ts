/**
 * `GET /widget.js` (the embeddable widget bundle, from the ASSETS binding) with the modules it
 * loads on demand, and `GET /demo` (the seed document as given, with the widget embedded, under a
 * strict CSP with Trusted Types enforced). `builtScript` and `pageHeaders` also serve the /check
 * page and its script (routes/check-page.ts). Mounted in worker/app.ts with `app.route('/', assets)`.
 */
import { Hono, type Context } from 'hono';
import { ifNoneMatchHits, strongEtag } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import seedText from '../../seeds/articles/000_f31f24ae895fee86.txt';

const WIDGET_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

/** The CSP of the HTML pages (/demo, /check): no inline script, no eval, styles only by nonce, Trusted Types enforced (Lit's policy is `lit-html`). */
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

/**
 * `widget.js` and the modules it loads on demand: the card (`widget-card-<hash>.js`) and one per
 * language (`widget-<lang>-<HASH>.js`); see scripts/build-widget.ts. Those names carry a content
 * hash, so they may be cached for a year; widget.js itself (and check.js) keeps a short max-age.
 */
const WIDGET_MODULE = /^widget(?:-[a-z]{2}-[A-Z0-9]{8}|-card-[a-f0-9]{8})?\.js$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A script built into dist/public (`npm run build:widget`) served from the ASSETS binding: strong
 * ETag (304 on a match), loadable from any origin (the widget is embedded on publishers' pages),
 * and only ever as JavaScript. Entry scripts (widget.js, check.js) keep WIDGET_CACHE, and their
 * absence is the deployment's fault (503); a content-hashed module is IMMUTABLE, and a name this
 * build does not hold is simply not found (404: an old page asking for a replaced module).
 */
export async function builtScript(c: Context<{ Bindings: Env }>, file: string, contentHashed = false): Promise<Response> {
  if (!c.env.ASSETS) throw new ProblemError('asset-unavailable', 'The ASSETS binding is missing; run `npm run build:widget`.');
  const stored = await c.env.ASSETS.fetch(new Request(new URL(`/${file}`, c.req.url)));
  if (!stored.ok)
    throw contentHashed
      ? new ProblemError('not-found', `No widget module named ${file} in this build.`)
      : new ProblemError('asset-unavailable', `dist/public/${file} is missing; run \`npm run build:widget\`.`);
  const body = await stored.arrayBuffer();
  const etag = await strongEtag(body);
  const headers = new Headers({
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': contentHashed ? IMMUTABLE : WIDGET_CACHE,
    etag,
    vary: 'Accept-Encoding',
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  if (ifNoneMatchHits(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers });
}

/** Headers of the HTML pages (/demo, /check): never cached (each carries its own nonce), never framed. */
export const pageHeaders = (nonce: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': demoCsp(nonce),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
});

/** A fresh CSP nonce: 128 random bits, base64. */
export const newNonce = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));

export const assets = new Hono<{ Bindings: Env }>()
  .get('/:file{widget[a-zA-Z0-9-]*\\.js}', (c) => {
    const file = c.req.param('file');
    if (!WIDGET_MODULE.test(file)) throw new ProblemError('not-found', `No widget module named ${file}.`);
    return builtScript(c, file, file !== 'widget.js');
  })
  .get('/demo', () => {
    const nonce = newNonce();
    return new Response(demoPage(nonce), { headers: pageHeaders(nonce) });
  });

/** Text for HTML element content: the seed is data, never markup. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The demo page: the seed document exactly as given (a report of 28 February 2022 whose publisher is
 * not named, typos included), so a reader can highlight its sentences and see what QuoteSource holds:
 * the UN's own press release for "Enough is enough", no primary record (only earlier and later
 * reports, in two wordings) for "leaders need to move back to peace". Paragraphs that open with a
 * quotation are block quotes, which auto-scan badges.
 */
export function demoPage(nonce: string): string {
  const paragraphs = seedText
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p, i) => (/^["“]/.test(p) ? `<blockquote id="seed-${i}">${escapeHtml(p)}</blockquote>` : `<p id="seed-${i}">${escapeHtml(p)}</p>`))
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The seed report: talks in Belarus and the UN emergency session (QuoteSource demo)</title>
<style nonce="${nonce}">
  body { margin: 0; font: 18px/1.6 Georgia, 'Times New Roman', serif; color: #222; background: #fbfaf7; }
  header, main, footer { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
  header { border-bottom: 3px double #222; padding-top: 1rem; }
  .masthead { font: 700 1.1rem/1 system-ui, sans-serif; letter-spacing: 0.08em; text-transform: uppercase; margin: 0 0 0.5rem; }
  h1 { font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 0.5rem; }
  blockquote { margin: 1.5rem 0; padding: 0.5rem 1.25rem; border-left: 4px solid #b08d57; background: #f3eee4; }
  .note { font: 0.9rem/1.5 system-ui, sans-serif; background: #eef3fb; border: 1px solid #9db3d6; padding: 0.75rem 1rem; }
  footer { color: #555; font-size: 0.9rem; padding-bottom: 3rem; }
  @media (prefers-color-scheme: dark) {
    body { color: #eee; background: #161616; }
    footer { color: #bbb; }
    blockquote { background: #2a2620; }
    .note { background: #1c2533; border-color: #40577a; }
  }
</style>
<script type="module" src="/widget.js" data-auto="blockquote" data-lang="en-GB"></script>
</head>
<body>
<header><p class="masthead">QuoteSource demo</p></header>
<main>
<article>
<h1>A report on the talks in Belarus and the UN emergency session</h1>
<p class="note">Below is the seed document exactly as it was given: a news report dated 28 February 2022
whose publisher it does not name, typos included. Highlight any sentence (three words or more) and press
<strong>Find source</strong>, or use the ❝ badges by the block quotes, to see where its words come from:
the speaker's own record when QuoteSource holds one, otherwise the earliest report, and every wording in print.</p>
${paragraphs}
</article>
</main>
<footer><p>Quotes checked with QuoteSource: one script tag, <code>&lt;script type="module" src="/widget.js"&gt;&lt;/script&gt;</code>.</p></footer>
</body>
</html>
`;
}
