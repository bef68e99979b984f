import { LitElement, html, nothing } from 'lit';
import type { Appearances, ClaimSummary, Match } from '../worker/core/types';
import { LookupError } from './api';
import { editList, pageSide, q, sourceSide } from './diff-view';
import { formatDate, safeHref } from './format';
import { fill, isRtl, plural, type Messages } from './i18n';
import { cardStyles } from './source-card.styles';
import { ICON, verdictOf } from './verdict';

export type CardState = 'loading' | 'done' | 'error';

const link = (url: string, text: unknown) => {
  const href = safeHref(url);
  return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${text}</a>` : text;
};

/** A message with `{0}` replaced by a template (a name kept in its own bidi-isolated element). */
const around = (template: string, part: unknown) => {
  const [before, after] = template.split('{0}');
  return html`${before}${part}${after ?? ''}`;
};

const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * The fact-checks that are about what the reader highlighted: a claim the highlight states, i.e.
 * most of whose words are in the highlight (the excerpt's other claims are about neighbouring
 * sentences; a highlight of a whole blockquote states each claim in it), and, when the page changed
 * the words, one that says what the page says: a review of the source's wording is not a verdict on
 * a changed quote.
 */
export function claimsFor(claims: ClaimSummary[], quoted: string, match: Match): ClaimSummary[] {
  const mine = words(quoted);
  const added = match.differences.flatMap((d) => [...words(d.quoted)]);
  const dropped = match.differences.flatMap((d) => [...words(d.source)]);
  return claims.filter((c) => {
    if (!c.reviews.length) return false;
    const theirs = words(c.text);
    let shared = 0;
    for (const w of theirs) if (mine.has(w)) shared++;
    // ≥ 70 % of the claim's words are in the highlight: a claim quoted with a word or two changed still
    // counts; a neighbouring sentence, sharing only common words, does not.
    if (shared < 0.7 * theirs.size) return false;
    return added.every((w) => theirs.has(w)) && dropped.every((w) => !theirs.has(w) || mine.has(w));
  });
}

/**
 * The source card: a verdict banner first, then "This page says" against "The source says", what
 * changed, the source paragraph with the words marked, how far they spread, and the fact-checks on
 * this very claim. Rendered inside `<quote-source>`; all API data goes through text bindings.
 *
 * @csspart banner - The verdict banner (icon, heading, close button).
 * @csspart card-title - The heading that names the verdict.
 * @csspart mark - The matched words inside the source paragraph.
 * @csspart diff - The source's words with the dropped ones struck through.
 * @csspart retry - The retry button after a failed lookup.
 * @csspart close - The close button.
 * @fires qs-retry - Internal: the reader asked to try again.
 * @fires qs-close - Internal: the reader closed the card.
 */
export class QuoteSourceCard extends LitElement {
  static styles = cardStyles;
  static properties = {
    state: {},
    match: { attribute: false },
    error: { attribute: false },
    quoted: {},
    locale: {},
    ui: {},
    msgs: { attribute: false },
    _wait: { state: true },
  };
  declare state: CardState;
  declare match: Match | undefined;
  declare error: unknown;
  /** What the reader highlighted ("This page says"). */
  declare quoted: string;
  /** The reader's full language tag, for Intl dates and numbers. */
  declare locale: string;
  declare msgs: Messages;
  /** Our language for the card's words (`lang`, `dir`). */
  declare ui: string;
  declare private _wait: number;
  private tick = 0;

  constructor() {
    super();
    this.state = 'loading';
    this.quoted = '';
    this.locale = 'en';
    this.ui = 'en';
    this._wait = 0;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.tick);
  }

  override willUpdate(changed: Map<string, unknown>) {
    // A 429 names its wait: count it down; "Try again" stays disabled until then.
    if (changed.has('error')) {
      clearTimeout(this.tick);
      const e = this.error;
      this._wait = e instanceof LookupError && e.kind === 'rate' ? e.retryAfter : 0;
      if (this._wait) this.countDown();
    }
  }

  private countDown() {
    this.tick = setTimeout(() => {
      this._wait = Math.max(0, this._wait - 1);
      if (this._wait) this.countDown();
    }, 1000) as unknown as number;
  }

  /** Focus goes to the heading so a screen reader starts at the verdict. */
  override focus() {
    // preventScroll: the card is placed in view; focusing must not scroll the host page.
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }

  private emit(name: string) {
    this.dispatchEvent(new Event(name, { bubbles: true }));
  }

  /** The banner heading (also what the live region announces). */
  heading(): string {
    const m = this.msgs;
    if (this.state === 'loading') return m.loading;
    if (this.state === 'error') return m.failed;
    return m[verdictOf(this.match)];
  }

  override render() {
    const { state, msgs: m } = this;
    const verdict = state === 'done' ? verdictOf(this.match) : state === 'error' ? 'error' : 'loading';
    const lang = this.ui || 'en';
    return html`<div class="card" lang=${lang} dir=${isRtl(lang) ? 'rtl' : 'ltr'} role="dialog" aria-modal="false" aria-labelledby="qs-title">
      <div class="banner v-${verdict}" part="banner">
        ${verdict === 'loading' ? nothing : html`<span class="icon" aria-hidden="true">${ICON[verdict]}</span>`}
        <h2 id="qs-title" part="card-title" tabindex="-1">${this.heading()}</h2>
        <button class="close" part="close" aria-label=${m.close} @click=${() => this.emit('qs-close')}>✕</button>
      </div>
      <div class="body" aria-busy=${state === 'loading' ? 'true' : 'false'}>${this.body()}</div></div>`;
  }

  private body() {
    const { state, match, msgs: m } = this;
    if (state === 'loading') return html`<div class="bar" aria-hidden="true"></div>`;
    if (state === 'error') return this.failure();
    if (!match) return html`<p class="why">${m.noneWhy}</p>`;
    const verdict = verdictOf(match);
    const src = match.source;
    const mismatch = match.speakerMismatch;
    const why = verdict === 'misattributed' && mismatch ? fill(m.misattributedWhy, mismatch.original, mismatch.credited) : m[`${verdict}Why` as 'accurateWhy'];
    return [
      html`<p class="why">${why}${src.kind === 'primary' ? nothing : html` ${m.earliestWhy}`}</p>
        <h3>${m.pageSays}</h3>
        ${pageSide(this.quoted || match.quote.exact, match, m)}
        <h3>${src.kind === 'primary' ? m.sourceSays : m.earliest}</h3>
        ${sourceSide(match, m)} ${this.who(match)}`,
      editList(match, m),
      this.paragraph(match),
      this.spread(match.appearances, src.kind === 'primary'),
      this.claims(claimsFor(match.claims, this.quoted || match.quote.exact, match)),
    ];
  }

  private failure() {
    const m = this.msgs;
    const e = this.error;
    const kind = e instanceof LookupError ? e.kind : 'network';
    const text =
      kind === 'rate'
        ? fill(m.rate, new Intl.NumberFormat(this.locale).format(this._wait))
        : kind === 'http' || kind === 'format'
          ? m.server
          : m[kind as 'offline' | 'timeout' | 'network'];
    return html`<p class="why" role=${kind === 'rate' ? 'timer' : nothing}>${text}</p>
      <button class="retry" part="retry" ?disabled=${this._wait > 0} @click=${() => this.emit('qs-retry')}>${m.retry}</button>`;
  }

  /** Who said it, in what, when: speaker, the record's title (linked), publisher, date. */
  private who(match: Match) {
    const { article, speaker } = match.source;
    const date = formatDate(article.published, this.locale);
    return html`<p class="who">
      ${speaker?.name ? html`<span class="speaker">${around(this.msgs.saidBy, html`<bdi>${speaker.name}</bdi>${speaker.role ? html`, <bdi>${speaker.role}</bdi>` : nothing}`)}</span><br />` : nothing}
      <span class="source"><bdi class="title">${link(article.url, article.title || this.msgs.untitled)}</bdi>${article.publisher ? html`, <bdi>${article.publisher}</bdi>` : nothing}${date ? html`, <time datetime=${article.published}>${date}</time>` : nothing}</span>
    </p>`;
  }

  /** The source paragraph with the highlighted words marked. */
  private paragraph(match: Match) {
    const src = match.source;
    const { text } = src.excerpt;
    const at = src.highlight ?? src;
    const start = Math.max(0, Math.min(at.start, text.length));
    const end = Math.max(start, Math.min(at.end, text.length));
    const pct = new Intl.NumberFormat(this.locale, { style: 'percent' }).format(match.score);
    return html`<h3>${this.msgs.context}</h3>
      <blockquote class="para" dir="auto" lang=${src.article.language || nothing}>${text.slice(0, start)}<mark part="mark">${text.slice(start, end)}</mark>${text.slice(end)}</blockquote>
      <p class="confidence muted">${fill(this.msgs.match, pct)}</p>`;
  }

  /** How far the words have spread: "Printed in N articles · M wordings", the wordings on demand. */
  private spread(a: Appearances | undefined, primary: boolean) {
    if (!a?.count) return nothing;
    const m = this.msgs;
    const n = (x: number) => new Intl.NumberFormat(this.locale).format(x);
    return html`<details class="spread"><summary>${plural(m.articles, a.count, this.locale)} · ${plural(m.wordings, a.wordings, this.locale)}</summary>
      ${!primary && a.wordings > 1 ? html`<p class="muted">${m.unverified}</p>` : nothing}
      <ul>${a.variants.map(
        (v) =>
          html`<li class=${v.altered ? 'meaning' : ''}><bdi>${q(v.wording)}</bdi> — ${n(v.count)}×${v.original ? ` (${m.asSource})` : v.altered ? ` (${m.meaning})` : ''}</li>`,
      )}</ul></details>`;
  }

  private claims(claims: ClaimSummary[]) {
    if (!claims.length) return nothing;
    const m = this.msgs;
    return html`<h3>${m.checks}</h3>${claims.map((c) =>
      c.reviews.map(
        (r) => html`<div class="review">
          <p><strong>${fill(m.rated, r.publisher.name || r.publisher.site, r.textualRating)}</strong></p>
          ${r.explanation ? html`<p class="muted" dir="auto">${r.explanation}</p>` : nothing}
          <p>${link(r.url, html`${m.read}${r.title ? html`: <bdi>${r.title}</bdi>` : nothing}`)}</p>
        </div>`,
      ),
    )}`;
  }
}

if (!customElements.get('quote-source-card')) customElements.define('quote-source-card', QuoteSourceCard);

declare global {
  interface HTMLElementTagNameMap {
    'quote-source-card': QuoteSourceCard;
  }
}
