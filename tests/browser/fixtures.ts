/**
 * Lookup answers for the component tests, shaped by worker/core/types.ts and written from the
 * seed article, plus a scripted client (the element accepts any `LookupClient`).
 */
import type { ArticleSummary, LookupResponse, Match, TextQuoteSelector } from '../../worker/core/types';
import type { LookupClient } from '../../widget/api';
import { QuoteSource } from '../../widget/quote-source';

/**
 * Real texts only (never words invented for a real person): the UN press release GA/12404's
 * paragraph quoting the Secretary-General, and the seed report's paragraph with its
 * "leaders need to move back to peace" (both verbatim from seeds/).
 */
const UN_PRESS =
  '“Enough is enough,” said Mr. Guterres, adding:  “The fighting in Ukraine must stop now.”  Noting that bombardments by the Russian Federation have been pounding the country day and night, he said the capital, Kyiv, now finds itself surrounded.  Ukrainians have been forced to shelter in subway stations and more than half a million have fled across the country’s borders.';
const SEED_REPORT =
  '"Enough is enough, soldiers need to move back to their barracks and leaders need to move back to peace," António Guterres further said, highlighting the need to protect the civilians, and uphold the international human rights laws. He additionally highlighted how there was a need for sovereignty, independence and territorial integrity of Ukraine within its internationally identified borders to be respected in line with the General Assembly Resolutions.';
const span = (text: string, words: string) => ({ start: text.indexOf(words), end: text.indexOf(words) + words.length });

export const article: ArticleSummary = {
  id: 'ukraine-russia-talks-belarus-2022-02-28',
  kind: 'report',
  url: 'https://news.example/2022/02/28/talks',
  title: 'Russia and Ukraine hold first round of talks in Belarus as UN General Assembly meets in emergency session',
  publisher: 'Example News',
  published: '2022-02-28',
  language: 'en',
};

export function match(words: string, extra: Partial<Match> = {}, paragraph = UN_PRESS): Match {
  const { start, end } = span(paragraph, words);
  return {
    score: 0.97,
    excerpt: { id: `${article.id}~5`, text: paragraph, articleId: article.id, position: 5 },
    article,
    quote: { exact: words, prefix: paragraph.slice(Math.max(0, start - 32), start), suffix: paragraph.slice(end, end + 32), start, end },
    speaker: { name: 'António Guterres', role: 'Secretary-General of the United Nations' },
    differences: [],
    altered: false,
    claims: [],
    source: {
      kind: 'earliest-report',
      article,
      excerpt: { id: `${article.id}~5`, text: paragraph, position: 5 },
      exact: words,
      start,
      end,
      speaker: { name: 'António Guterres', role: 'Secretary-General of the United Nations' },
    },
    appearances: { count: 1, first: [], variants: [], wordings: 1 },
    thisPage: false,
    ...extra,
  };
}

export const found: LookupResponse = { matches: [match('The fighting in Ukraine must stop now.')] };

const mustStop = span(UN_PRESS, 'must stop');
export const altered: LookupResponse = {
  matches: [
    match('The fighting in Ukraine must stop now.', {
      score: 0.81,
      altered: true,
      differences: [{ kind: 'insert', source: '', quoted: 'not', sourceStart: mustStop.start + 4, sourceEnd: mustStop.start + 4, meaning: 'negation' }],
    }),
  ],
};

const back = SEED_REPORT.lastIndexOf('back to peace');
export const reworded: LookupResponse = {
  matches: [
    match(
      'leaders need to move back to peace',
      {
        differences: [{ kind: 'delete', source: 'back', quoted: '', sourceStart: back, sourceEnd: back + 4 }],
        claims: [
          {
            id: 'sample-guterres',
            text: 'Leaders need to move back to peace.',
            claimant: 'António Guterres',
            claimDate: '2022-02-28',
            reviews: [
              {
                publisher: { name: 'QuoteSource samples', site: 'quotesource.example' },
                url: 'https://www.un.org/press/en/2022/ga12404.doc.htm',
                title: 'Sample review: coverage of the speech gives "Leaders need to move to peace", without "back"',
                textualRating: 'Misquoted',
                explanation:
                  'Sample. Coverage quoting the speech gives: "Soldiers need to move back to their barracks. Leaders need to move to peace." The text adds "back" to the second sentence.',
                reviewDate: '2022-02-28',
              },
            ],
          },
        ],
      },
      SEED_REPORT,
    ),
  ],
};

export const none: LookupResponse = { matches: [] };

type Answer = LookupResponse | Error | ((selector: TextQuoteSelector) => LookupResponse | Error);

/** A client that answers from a script and records what it was asked. */
export class ScriptedClient implements LookupClient {
  calls: TextQuoteSelector[] = [];
  signals: (AbortSignal | undefined)[] = [];
  batches: TextQuoteSelector[][] = [];
  /** Resolve pending lookups by hand to observe the loading state. */
  hold = false;
  private pending: (() => void)[] = [];
  constructor(
    public answers: Answer[],
    public batchAnswer: (s: TextQuoteSelector) => LookupResponse = () => none,
  ) {}

  async lookup(selector: TextQuoteSelector, signal?: AbortSignal) {
    this.calls.push(selector);
    this.signals.push(signal);
    const answer = this.answers[Math.min(this.calls.length - 1, this.answers.length - 1)];
    if (this.hold) await new Promise<void>((resolve) => this.pending.push(resolve));
    signal?.throwIfAborted();
    const value = typeof answer === 'function' ? answer(selector) : answer;
    if (value instanceof Error) throw value;
    return structuredClone(value);
  }

  async batch(selectors: TextQuoteSelector[]) {
    this.batches.push(selectors);
    return selectors.map((s) => structuredClone(this.batchAnswer(s)));
  }

  release() {
    this.hold = false;
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

/** A page fragment quoting the seed, and one `<quote-source>` using `client`. */
export async function mount(client: LookupClient, body = defaultBody, options: { auto?: string; locale?: string } = {}) {
  document.body.innerHTML = body;
  const element = new QuoteSource();
  element.client = client;
  element.locale = options.locale ?? 'en-GB';
  if (options.auto) element.auto = options.auto;
  document.documentElement.appendChild(element);
  await element.updateComplete;
  return element;
}

export const defaultBody = `
  <main style="max-width: 40rem; margin: 120px auto; font: 16px/1.5 serif">
    <p id="intro">Delegations met on Monday.</p>
    <p id="quote">The Secretary-General said: The fighting in Ukraine must stop now. That was the message.</p>
    <p id="short">Two words</p>
  </main>`;

export function shadow(element: QuoteSource) {
  return element.shadowRoot!;
}

export function card(element: QuoteSource) {
  return element.shadowRoot!.querySelector('quote-source-card');
}

export function cardRoot(element: QuoteSource) {
  return card(element)?.shadowRoot ?? null;
}

export function trigger(element: QuoteSource) {
  return element.shadowRoot!.querySelector<HTMLButtonElement>('[part=trigger]');
}

/** Select `words` inside `container` programmatically (as a script or assistive tech would). */
export function selectWords(container: Element, words: string) {
  const text = container.firstChild as Text;
  const start = text.data.indexOf(words);
  const range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, start + words.length);
  const selection = document.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
}

/** The browser's own timer, kept before any test installs fake timers (`vi.useFakeTimers`), so polling still runs under them. */
const realSetTimeout = globalThis.setTimeout.bind(globalThis);

/** Polls `probe` until it holds (for what must happen); fails after `timeout` ms. */
export async function until<T>(probe: () => T | null | undefined | false, timeout = 3000): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (performance.now() - started > timeout) throw new Error(`timed out waiting for ${probe.toString()}`);
    await new Promise((r) => realSetTimeout(r, 20));
  }
}

/**
 * The next `type` event at `target`, once every listener added before this call has had it (listeners
 * of one target and phase run in the order they were added; the element's are added when it connects).
 */
export function delivered<K extends keyof DocumentEventMap>(target: Document, type: K): Promise<DocumentEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(type, resolve, { once: true }));
}

/** Resolves once the browser has reported every one of `elements` as in view to an IntersectionObserver of ours. */
export function inView(elements: Element[]): Promise<void> {
  return new Promise((resolve) => {
    const waiting = new Set(elements);
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) if (entry.isIntersecting) waiting.delete(entry.target);
      if (waiting.size) return;
      observer.disconnect();
      resolve();
    });
    for (const element of elements) observer.observe(element);
  });
}

export function cleanup() {
  for (const e of document.querySelectorAll('quote-source')) e.remove();
  document.getSelection()?.removeAllRanges();
  document.body.innerHTML = '';
  scrollTo(0, 0);
}

/** The card once placed and its entrance animation is over (its box is then final). */
export async function placedCard(element: QuoteSource) {
  const c = await until(() => card(element));
  await Promise.all(c.getAnimations().map((a) => a.finished));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  await element.updateComplete;
  return c;
}

/**
 * The seed report's "leaders need to move back to peace" against Xinhua's "Leaders need to move to
 * peace" (both verbatim from seeds/): the page adds "back". With the sample review of exactly those
 * words, and the sample review of a neighbouring sentence of the same excerpt (Medinsky), which is
 * not about the highlight.
 */
const XINHUA =
  '"Enough is enough. Soldiers need to move back to their barracks. Leaders need to move to peace. Civilians must be protected. International humanitarian and human rights law must be upheld. The sovereignty, independence and territorial integrity of Ukraine, within its internationally recognized borders, must be respected," said Guterres.';
const toPeace = XINHUA.indexOf('to peace');
export const addedBackWithReviews: LookupResponse = {
  matches: [
    match(
      'Leaders need to move to peace',
      {
        differences: [{ kind: 'insert', source: '', quoted: 'back', sourceStart: toPeace, sourceEnd: toPeace }],
        claims: [
          reworded.matches[0].claims[0],
          {
            id: 'sample-medinsky-head-of-delegation',
            text: 'Vladimir Medinsky was the head of the Russian delegation at the talks from the Ukrainian side.',
            claimant: '',
            claimDate: '2022-02-28',
            reviews: [
              {
                publisher: { name: 'QuoteSource samples', site: 'quotesource.example' },
                url: 'https://sputniknews.com/20220228/points-of-contact-for-common-positions-found-at-russia-ukraine-talks-delegation-head-says-1093456750.html',
                title: 'Sample review: Medinsky, an aide to the Russian president, headed the Russian delegation',
                textualRating: 'Garbled',
                explanation: 'Sample. Vladimir Medinsky, an aide to the Russian president, headed the Russian delegation.',
                reviewDate: '2022-02-28',
              },
            ],
          },
        ],
      },
      XINHUA,
    ),
  ],
};

/**
 * A fictional speaker (the diff tests' Port Wenlow chair), so a changed word can be put in a
 * mouth without inventing words for a real person: the page prints "war" for "peace".
 */
const WENLOW = 'Opening the session, the chair of the (fictional) Port Wenlow assembly said: "Leaders need to move back to peace."';
const peace = WENLOW.indexOf('peace');
export const peaceToWar: LookupResponse = {
  matches: [
    match(
      'Leaders need to move back to peace',
      {
        speaker: { name: 'Ada Wenlow' },
        altered: true,
        differences: [{ kind: 'replace', source: 'peace', quoted: 'war', sourceStart: peace, sourceEnd: peace + 5, meaning: 'opposite' }],
        source: {
          ...match('Leaders need to move back to peace', {}, WENLOW).source,
          kind: 'primary',
          speaker: { name: 'Ada Wenlow', role: 'chair of the Port Wenlow assembly' },
        },
      },
      WENLOW,
    ),
  ],
};

/** The same fictional words credited by the page to someone else (another fictional person). */
export const misattributed: LookupResponse = {
  matches: [{ ...peaceToWar.matches[0], altered: false, differences: [], speakerMismatch: { credited: 'Bo Harrow', original: 'Ada Wenlow' } }],
};
