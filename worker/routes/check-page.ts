/**
 * `GET /check`: the quote check for editors as a page. Paste or type a draft; `check.js`
 * (pages/check.ts) sends it to `POST /v1/check` and shows it with every quotation marked by status
 * (colour, icon and label), the counts per status, and the widget's own source card for a quotation
 * on click or Enter. `GET /check.js` serves that script like `/widget.js`.
 *
 * Invariants:
 * - The page is static: no draft, no API data and nothing from the request is ever written into
 *   this HTML. The script puts the draft on screen as text nodes only.
 * - The CSP is the demo's (worker/routes/assets.ts): scripts only from this origin, no inline
 *   script, styles by nonce, Trusted Types enforced; the page itself needs no Trusted Types policy
 *   (it never writes markup), the widget's card uses Lit's.
 */
import { Hono } from 'hono';
import { MAX_DRAFT_CHARS, MAX_DRAFT_QUOTATIONS } from '../store/check';
import { builtScript, newNonce, pageHeaders } from './assets';

export const checkPage = new Hono<{ Bindings: Env }>()
  .get('/check.js', (c) => builtScript(c, 'check.js'))
  .get('/check', () => {
    const nonce = newNonce();
    return new Response(checkPageHtml(nonce), { headers: pageHeaders(nonce) });
  });

/*
 * Status colours: each tag's text against its background is at least 4.5:1 (WCAG AA) in both
 * schemes, and axe-core checks it in the e2e suite. Colour is never alone: the tag carries an icon
 * and a word, and each status underlines its words in its own line style.
 */
export function checkPageHtml(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Check the quotes in a draft — QuoteSource</title>
<style nonce="${nonce}">
  :root {
    color-scheme: light dark;
    --bg: #fbfaf7; --fg: #1f1f1f; --muted: #4d4d4d; --panel: #ffffff; --border: #8a8a8a; --accent: #0b57d0; --on-accent: #ffffff;
    --misattributed: #6a1b9a; --misattributed-bg: #f3e5f5;
    --altered: #b3261e; --altered-bg: #fde7e7;
    --changed: #7a4f00; --changed-bg: #fff2d1;
    --verbatim: #1b6e3a; --verbatim-bg: #e3f4e8;
    --no-record: #545454; --no-record-bg: #ececec;
    --on-tag: #ffffff;
  }
  @media (prefers-color-scheme: dark) {
    :root {
      --bg: #161616; --fg: #eeeeee; --muted: #c4c4c4; --panel: #1f2023; --border: #7d7d7d; --accent: #9ec1ff; --on-accent: #111111;
      --misattributed: #dcb8fb; --misattributed-bg: #3a2547;
      --altered: #ffb4ab; --altered-bg: #4a1f1f;
      --changed: #ffd479; --changed-bg: #3d3113;
      --verbatim: #8fd6a4; --verbatim-bg: #173824;
      --no-record: #cfcfcf; --no-record-bg: #2e2e2e;
      --on-tag: #141414;
    }
  }
  body { margin: 0; font: 17px/1.6 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header, main, footer { max-width: 50rem; margin: 0 auto; padding: 0 1.25rem; }
  header { border-bottom: 3px double var(--fg); padding-top: 1rem; }
  .masthead { font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase; margin: 0 0 0.5rem; }
  h1 { font-size: 1.8rem; line-height: 1.2; margin: 1.5rem 0 0.5rem; }
  h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  .hint, .note, footer { color: var(--muted); }
  .hint { font-size: 0.9rem; margin: 0.25rem 0 0.5rem; }
  textarea {
    box-sizing: border-box; width: 100%; min-height: 14rem; padding: 0.75rem; resize: vertical;
    font: 16px/1.5 Georgia, 'Times New Roman', serif; color: var(--fg); background: var(--panel);
    border: 1px solid var(--border); border-radius: 6px;
  }
  button {
    margin-top: 0.75rem; padding: 0.5rem 1.25rem; font: 600 1rem system-ui, sans-serif; cursor: pointer;
    color: var(--on-accent); background: var(--accent); border: 2px solid var(--accent); border-radius: 6px;
  }
  button[aria-disabled='true'] { opacity: 0.7; cursor: progress; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  .status-line { min-height: 1.6em; margin: 0.75rem 0 0; font-weight: 600; }
  .error { margin: 0.75rem 0 0; padding: 0.75rem 1rem; border: 2px solid var(--altered); border-radius: 6px; background: var(--altered-bg); }
  .error::before { content: '⚠ '; }
  .counts { list-style: none; padding: 0; margin: 0.5rem 0 1rem; display: grid; gap: 0.35rem; }
  .count.none { color: var(--muted); }
  .count .number { font-size: 1.05rem; }
  .tag {
    display: inline-block; margin-inline-end: 0.3em; padding: 0 0.4em; border-radius: 4px;
    font: 700 0.75rem/1.5 system-ui, sans-serif; letter-spacing: 0.02em; white-space: nowrap; vertical-align: 0.1em;
    color: var(--on-tag);
  }
  .tag .icon { margin-inline-end: 0.25em; }
  .draft { margin-top: 1rem; padding: 0.25rem 1.25rem; background: var(--panel); border: 1px solid var(--border); border-radius: 6px; }
  .draft p { font: 18px/1.75 Georgia, 'Times New Roman', serif; white-space: pre-wrap; overflow-wrap: anywhere; }
  .quote { cursor: pointer; padding: 0.1em 0.15em; border-radius: 3px; border-bottom: 3px solid; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
  .quote .words { color: var(--fg); }
  .status-misattributed .tag { background: var(--misattributed); }
  .status-altered .tag { background: var(--altered); }
  .status-changed .tag { background: var(--changed); }
  .status-verbatim .tag { background: var(--verbatim); }
  .status-no-record .tag { background: var(--no-record); }
  .quote.status-misattributed { background: var(--misattributed-bg); border-bottom-color: var(--misattributed); border-bottom-style: double; }
  .quote.status-altered { background: var(--altered-bg); border-bottom-color: var(--altered); }
  .quote.status-changed { background: var(--changed-bg); border-bottom-color: var(--changed); border-bottom-style: dashed; }
  .quote.status-verbatim { background: var(--verbatim-bg); border-bottom-color: var(--verbatim); border-bottom-width: 2px; }
  .quote.status-no-record { background: var(--no-record-bg); border-bottom-color: var(--no-record); border-bottom-style: dotted; }
  .quote:hover .words { text-decoration: underline; }
  .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  footer { font-size: 0.9rem; padding: 2rem 1.25rem 3rem; }
  [hidden] { display: none !important; }
</style>
<script type="module" src="/widget.js"></script>
<script type="module" src="/check.js"></script>
</head>
<body>
<header><p class="masthead">QuoteSource</p></header>
<main>
<h1>Check the quotes in a draft</h1>
<p class="note">Paste a draft below. QuoteSource finds every quotation in quotation marks and who it is credited to,
then checks each against the record: the speaker's own words when it holds them (a transcript, statement or press release),
else the earliest report. Nothing you paste is stored.</p>
<form id="check-form" novalidate>
  <label for="draft">Draft</label>
  <p class="hint" id="draft-hint">Paragraphs separated by blank lines. Up to ${MAX_DRAFT_CHARS.toLocaleString('en')} characters and ${MAX_DRAFT_QUOTATIONS} quotations per check. Ctrl+Enter checks.</p>
  <textarea id="draft" name="text" aria-describedby="draft-hint" spellcheck="false"></textarea>
  <button type="submit" id="check-submit">Check quotes</button>
</form>
<p id="check-status" class="status-line" role="status" aria-live="polite"></p>
<p id="check-error" class="error" role="alert" hidden></p>
<noscript><p class="error">This page needs JavaScript to send the draft to QuoteSource. Without it, use <code>npm run check -- FILE</code> or <code>POST /v1/check</code>.</p></noscript>
<section id="results" aria-labelledby="results-title" hidden>
  <h2 id="results-title">Quotations</h2>
  <ul id="counts" class="counts" aria-label="Quotations per status"></ul>
  <p class="hint">Each quotation is marked with its status. Click one, or Tab to it and press Enter, for its source; Escape closes the card.</p>
  <div id="checked-draft" class="draft" aria-label="The checked draft" role="region"></div>
</section>
</main>
<footer><p>QuoteSource quote check. The same check runs from a terminal (<code>npm run check -- FILE</code>) or over HTTP (<code>POST /v1/check</code>).</p></footer>
</body>
</html>
`;
}
