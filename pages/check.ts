/**
 * `check.js`, the script of the /check page (worker/routes/check-page.ts): an editor pastes a draft,
 * it goes to `POST /v1/check`, and the draft comes back with every quotation marked by status. A
 * quotation opens the widget's own card: `<quote-source>` (loaded by /widget.js on the same page)
 * `.show(selector, anchor)` looks the quotation up with the words and context the check used.
 *
 * Invariants:
 * - The draft and everything the API says are put in the page as text nodes (`textContent`,
 *   `createTextNode`), never as markup: a `<script>` in a draft is words on the screen.
 * - Every quotation is a keyboard stop in document order (tabindex 0, role button): Enter or Space
 *   opens its card; Escape closes it and focus comes back (the widget does that part).
 * - A status is never shown by colour alone: each highlight carries its icon and its label.
 * - One check at a time: a new submission aborts the one in flight, and its answer is dropped.
 */
import type { CheckResult, CheckedQuotation } from '../worker/core/check';
import { failureMessage, paragraphsOf, STATUS_ORDER, STATUS_VIEWS, type ProblemBody } from './check-view';

interface QuoteSourceElement extends HTMLElement {
  show(selector: CheckedQuotation['selector'], anchor: HTMLElement): void;
  hide(): void;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = byId<HTMLFormElement>('check-form');
const draft = byId<HTMLTextAreaElement>('draft');
const submit = byId<HTMLButtonElement>('check-submit');
const status = byId<HTMLElement>('check-status');
const failure = byId<HTMLElement>('check-error');
const results = byId<HTMLElement>('results');
const summary = byId<HTMLElement>('results-title');
const counts = byId<HTMLElement>('counts');
const checked = byId<HTMLElement>('checked-draft');

let inFlight: AbortController | null = null;
let quotations: CheckedQuotation[] = [];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Appends children (strings as text nodes). DOM's `append`, spelled out: the Workers types' `Element` shadows its signature here. */
function add(parent: Node, ...children: (Node | string)[]) {
  for (const child of children) parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  return parent;
}

/** The status tag: icon (decorative) and label (what is read out and what a colour-blind eye reads). */
function tag(s: CheckedQuotation['status'], className: string) {
  const view = STATUS_VIEWS[s];
  const wrap = element('span', className);
  const icon = element('span', 'icon', view.icon);
  icon.setAttribute('aria-hidden', 'true');
  add(wrap, icon, element('span', 'label', view.label));
  return wrap;
}

function widget(): QuoteSourceElement | null {
  const el = document.querySelector('quote-source') as QuoteSourceElement | null;
  return el && typeof el.show === 'function' ? el : null;
}

function open(index: number, anchor: HTMLElement) {
  const q = quotations[index];
  const qs = widget();
  if (!q || !qs) {
    showFailure('The source card is not available: /widget.js did not load. Reload the page to try again.');
    return;
  }
  qs.show(q.selector, anchor);
}

function renderCounts(result: CheckResult) {
  counts.replaceChildren(
    ...STATUS_ORDER.map((s) => {
      const item = element('li', `count status-${s}${result.counts[s] ? '' : ' none'}`);
      const number = element('strong', 'number', String(result.counts[s]));
      add(item, tag(s, 'tag'), ' ', number, element('span', 'meaning', ` — ${STATUS_VIEWS[s].meaning}`));
      return item;
    }),
  );
}

function renderDraft(result: CheckResult) {
  const paragraphs = paragraphsOf(result.text, result.quotations).map((segments) => {
    const p = element('p');
    for (const segment of segments) {
      if (segment.quotation === undefined) {
        add(p, segment.text);
        continue;
      }
      const q = result.quotations[segment.quotation];
      const mark = element('span', `quote status-${q.status}`);
      mark.tabIndex = 0;
      mark.setAttribute('role', 'button');
      mark.setAttribute('aria-haspopup', 'dialog');
      mark.dataset.index = String(segment.quotation);
      const credited = q.speaker ? `, credited to ${q.speaker}` : '';
      mark.setAttribute('aria-description', `${STATUS_VIEWS[q.status].label}${credited}. Press Enter for its source.`);
      const label = tag(q.status, 'tag');
      const hidden = element('span', 'vh', ': ');
      add(label, hidden);
      add(mark, label, element('span', 'words', segment.text));
      add(p, mark);
    }
    return p;
  });
  checked.replaceChildren(...paragraphs);
}

function render(result: CheckResult) {
  quotations = result.quotations;
  const n = result.quotations.length;
  const blocking = result.counts.altered + result.counts.misattributed;
  summary.textContent = n ? `${n} quotation${n === 1 ? '' : 's'} checked` : 'No quotations found';
  renderCounts(result);
  renderDraft(result);
  results.hidden = false;
  status.textContent = !n
    ? 'Checked: the draft has no quotations in quotation marks.'
    : `Checked ${n} quotation${n === 1 ? '' : 's'}: ${blocking ? `${blocking} to fix before publishing` : 'none altered or misattributed'}.`;
}

function showFailure(message: string) {
  failure.textContent = message;
  failure.hidden = false;
}

async function check(event: SubmitEvent) {
  event.preventDefault();
  inFlight?.abort();
  const controller = (inFlight = new AbortController());
  widget()?.hide();
  failure.hidden = true;
  failure.textContent = '';
  status.textContent = 'Checking the draft…';
  submit.setAttribute('aria-disabled', 'true');
  form.setAttribute('aria-busy', 'true');
  try {
    if (navigator.onLine === false) throw new TypeError('offline');
    const response = await fetch('/v1/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ text: draft.value }),
      credentials: 'omit',
      signal: controller.signal,
    });
    const body: unknown = await response.json().catch(() => null);
    if (controller.signal.aborted) return;
    if (!response.ok || !Array.isArray((body as CheckResult | null)?.quotations)) {
      results.hidden = true;
      status.textContent = 'The draft was not checked.';
      showFailure(
        response.ok
          ? 'QuoteSource sent an answer the page cannot read. Try again.'
          : failureMessage({ status: response.status, problem: body as ProblemBody | null, retryAfter: response.headers.get('retry-after') }),
      );
      return;
    }
    render(body as CheckResult);
  } catch {
    if (controller.signal.aborted) return;
    results.hidden = true;
    status.textContent = 'The draft was not checked.';
    showFailure(navigator.onLine === false ? failureMessage({ offline: true }) : 'QuoteSource could not be reached. Check your connection and try again.');
  } finally {
    if (inFlight === controller) {
      inFlight = null;
      submit.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
  }
}

form.addEventListener('submit', (event) => void check(event as SubmitEvent));

// Ctrl/Cmd+Enter in the draft checks it, as in most editors' comment boxes.
draft.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});

const quoteOf = (target: EventTarget | null) => (target instanceof Element ? target.closest<HTMLElement>('.quote[data-index]') : null);

checked.addEventListener('click', (event) => {
  const mark = quoteOf(event.target);
  if (mark) open(Number(mark.dataset.index), mark);
});

checked.addEventListener('keydown', (event) => {
  const mark = quoteOf(event.target);
  if (!mark || (event.key !== 'Enter' && event.key !== ' ')) return;
  event.preventDefault(); // Space would scroll the page
  open(Number(mark.dataset.index), mark);
});
