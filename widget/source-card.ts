import { LitElement, html, nothing } from 'lit';
import type { Appearances, ClaimSummary, Match, SourceRef } from '../worker/core/types';
import { diffView, q } from './diff-view';
import { formatDate, safeHref } from './format';
import { cardStyles } from './source-card.styles';

export type CardState = 'loading' | 'found' | 'altered' | 'misattributed' | 'none' | 'error' | 'offline';

const TITLES: Record<CardState, string> = {
  loading: 'Looking up the source…',
  found: 'Source found',
  altered: 'Quoted with changes',
  misattributed: 'Misattributed',
  none: 'No reliable source found',
  error: 'The lookup failed',
  offline: 'You are offline',
};

/** The card heading for a state (also what the live region announces). */
export const cardTitle = (state: CardState, match?: Match) =>
  state === 'altered' && match?.altered ? 'Altered quote: the meaning changed' : TITLES[state];

const link = (url: string, text: unknown) => {
  const href = safeHref(url);
  return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${text}</a>` : text;
};

/**
 * The source card: where a quote comes from and whether it was quoted right. Rendered inside
 * `<quote-source>`; all API data goes through text bindings, never HTML.
 *
 * @csspart card-title - The heading that names the state.
 * @csspart mark - The matched words inside the original's paragraph (the primary record, else the earliest report).
 * @csspart diff - The source wording with the edits shown in place.
 * @csspart retry - The retry button in the error and offline states.
 * @csspart close - The close button.
 * @fires qs-retry - Internal: the reader asked to try again.
 * @fires qs-close - Internal: the reader closed the card.
 */
export class QuoteSourceCard extends LitElement {
  static styles = cardStyles;
  static properties = {
    state: {},
    match: { attribute: false },
    locale: {},
  };
  declare state: CardState;
  declare match: Match | undefined;
  /** Language for dates (Intl); the card's own words are English. */
  declare locale: string;

  constructor() {
    super();
    this.state = 'loading';
    this.locale = '';
  }

  /** Focus goes to the heading so a screen reader starts at the top of the card. */
  override focus() {
    // preventScroll: the card is placed in view; focusing must not scroll the host page.
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }

  private emit(name: string) {
    this.dispatchEvent(new Event(name, { bubbles: true }));
  }

  override render() {
    const { state, match } = this;
    return html`<div class="card" lang="en" role="dialog" aria-modal="false" aria-labelledby="qs-title"><div class="head">
        <h2 id="qs-title" part="card-title" tabindex="-1">${cardTitle(state, match)}</h2>
        <button class="close" part="close" aria-label="Close" @click=${() => this.emit('qs-close')}>✕</button>
      </div>
      <div class="body" aria-busy=${state === 'loading' ? 'true' : 'false'}>${this.body()}</div></div>`;
  }

  private body() {
    const { state, match } = this;
    if (state === 'loading') return html`<p class="muted">Checking QuoteSource…</p><div class="bar" aria-hidden="true"></div>`;
    if (state === 'none')
      return html`<p>No source we hold matches these words closely enough to be sure. That does not mean the quote is wrong.</p>`;
    if (state === 'error' || state === 'offline')
      return html`<p>
          ${state === 'offline' ? 'You are offline. Try again when you are back online.' : 'Something went wrong while asking QuoteSource.'}
        </p>
        <button class="retry" part="retry" @click=${() => this.emit('qs-retry')}>Try again</button>`;
    if (!match) return nothing;
    return [this.found(match), diffView(match), this.spread(match.appearances, match.source.kind === 'primary'), this.claims(match.claims)];
  }

  /** The original first: its paragraph with the matched words marked, who said it, in what. */
  private found(match: Match) {
    const src: SourceRef = match.source;
    const { text } = src.excerpt;
    const at = src.highlight ?? src;
    const start = Math.max(0, Math.min(at.start, text.length));
    const end = Math.max(start, Math.min(at.end, text.length));
    const { article, speaker } = src;
    const date = formatDate(article.published, this.locale);
    return html`<p class="kind">${src.kind === 'primary' ? 'The source says' : html`<strong>No primary record</strong> — earliest report:`}</p>
      <blockquote class="para" dir="auto" lang=${article.language || 'en'}>
        ${text.slice(0, start)}<mark part="mark">${text.slice(start, end)}</mark>${text.slice(end)}
      </blockquote>
      ${speaker?.name
        ? html`<p class="speaker"><span class="label">Said by</span> <bdi>${speaker.name}</bdi>${speaker.role ? html`, <bdi>${speaker.role}</bdi>` : nothing}</p>`
        : nothing}
      ${match.speakerMismatch ? html`<p class="meaning">⚠ This page credits <bdi>${match.speakerMismatch.credited}</bdi>.</p>` : nothing}
      <p class="source">
        <span class="label">In</span>
        <bdi class="title">${link(article.url, article.title || 'Untitled article')}</bdi>${article.publisher
          ? html`, <bdi>${article.publisher}</bdi>`
          : nothing}${date ? html`, <time datetime=${article.published}>${date}</time>` : nothing}
      </p>
      <p class="confidence label">Match: ${Math.round(match.score * 100)}%</p>`;
  }

  /** How far the words have spread: "printed in N articles · M wordings", the wordings on demand. */
  private spread(a: Appearances | undefined, primary: boolean) {
    if (!a?.count) return nothing;
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    return html`<details class="spread"><summary>Printed in ${plural(a.count, 'article')} · ${plural(a.wordings, 'wording')}</summary>
      ${!primary && a.wordings > 1 ? html`<p class="muted">Reports word it differently; none is verified.</p>` : nothing}
      <ul>${a.variants.map(
        (v) => html`<li class=${v.altered ? 'meaning' : ''}><bdi>${q(v.wording)}</bdi> — ${v.count}×${v.original ? ' (as the source)' : v.altered ? ' (meaning changed)' : ''}</li>`,
      )}</ul></details>`;
  }

  private claims(claims: ClaimSummary[]) {
    const reviewed = claims.filter((c) => c.reviews.length);
    if (!reviewed.length) return nothing;
    return html`<section aria-labelledby="qs-reviews">
      <h3 id="qs-reviews">Fact-checks on this passage</h3>
      <ul class="reviews">
        ${reviewed.map(
          (c) => html`<li>
            <bdi>${c.text}</bdi>
            ${c.reviews.map(
              (r) => html`<p class="review">
                <span class="rating">Rated <strong><bdi>${r.textualRating}</bdi></strong></span> by
                ${link(r.url, html`<bdi>${r.publisher.name || r.publisher.site}</bdi>`)}
              </p>`,
            )}
          </li>`,
        )}
      </ul>
    </section>`;
  }
}

if (!customElements.get('quote-source-card')) customElements.define('quote-source-card', QuoteSourceCard);

declare global {
  interface HTMLElementTagNameMap {
    'quote-source-card': QuoteSourceCard;
  }
}
