import { LitElement, html, nothing } from 'lit';
import type { LookupResponse, Match, TextQuoteSelector } from '../worker/core/types';
import { LookupError, createClient, type LookupClient } from './api';
import { AutoScan, type ScanResult } from './autoscan';
import { fill, isRtl, loadMessages, pickLang, type Lang, type Messages } from './i18n';
import { placeCard, placeNear, type Box, type CardPlace } from './placement';
import { currentSelection, selectorFor } from './selection';
import type { CardState, QuoteSourceCard } from './source-card';
import { hostStyles } from './quote-source.styles';
import { ICON, verdictOf, type Verdict } from './verdict';

/**
 * The card's code is a module of its own (dist/public/widget-card-<hash>.js): a page pays for it only
 * once a reader selects a quote or a badge shows; it loads while the lookup runs.
 */
let cardModule: Promise<unknown> | undefined;
const loadCard = () =>
  (cardModule ??= import('./source-card').catch((error) => {
    cardModule = undefined;
    throw error;
  }));

/** What `quote-source-result` reports as `state` (kept as it was; `verdict` says more). */
export type ResultState = 'found' | 'altered' | 'misattributed' | 'none' | 'error' | 'offline';

/**
 * The element's public events, by name: all bubble and are composed, dispatched on `<quote-source>`.
 * Declared in the DOM's event maps (below), so a page's listener gets its `detail` typed.
 */
export interface QuoteSourceEventMap {
  /** A lookup starts: from a selection's trigger, or from a badge or `show()` ('badge'). */
  'quote-source-open': CustomEvent<{ selector: TextQuoteSelector; origin: 'selection' | 'badge' }>;
  /** The card settled on an answer or a failure. */
  'quote-source-result': CustomEvent<{ selector: TextQuoteSelector; state: ResultState; verdict: Verdict | 'error'; matches: Match[] }>;
  /** The card closed. */
  'quote-source-close': CustomEvent<Record<PropertyKey, never>>;
  /** An auto-scan batch came back: how many quotes it held, how many have a source. */
  'quote-source-scan': CustomEvent<{ scanned: number; found: number }>;
}

interface Request {
  selector: TextQuoteSelector;
  /** Answer already known (auto-scan), so the card needs no second request. */
  preset?: LookupResponse;
  origin: 'selection' | 'badge';
}

interface Badge {
  result: ScanResult;
  verdict: Verdict;
  at: Box;
  /** When the scan answered (ms): an older answer is looked up again when the badge is opened. */
  scannedAt: number;
}

/**
 * How long a badge's scan answer is shown as is when the badge is opened. A page may stay open for
 * hours: past this, opening the badge looks the quote up again, so a retracted or corrected source
 * is never shown from the page's memory (the API's own caches hold answers ≤ 60 s; docs/publish.md).
 */
const BADGE_ANSWER_FRESH_MS = 30_000;

const SETTLE_MS = 120;
const TRIGGER = { width: 132, height: 34 };
const BADGE = 24;

/**
 * `<quote-source>`: highlight a quote, click the trigger, see where it comes from and whether it
 * was quoted right. One per page; `widget.js` creates it, or place it by hand.
 *
 * @csspart trigger - The button that appears by a selection.
 * @csspart card - The source card (a non-modal dialog).
 * @csspart badge - The marker auto-scan puts by quotes that have a source: its shape, icon and label say the verdict.
 * @csspart banner - The card's verdict banner.
 * @csspart card-title - The card's heading (the verdict).
 * @csspart mark - The matched words in the source paragraph.
 * @csspart diff - The source wording with the edits shown in place.
 * @csspart close - The card's close button.
 * @csspart retry - The retry button (error and offline states).
 * @cssproperty --quote-source-bg - Card and trigger background.
 * @cssproperty --quote-source-fg - Text colour.
 * @cssproperty --quote-source-muted - Secondary text colour.
 * @cssproperty --quote-source-accent - Links, focus rings, the trigger.
 * @cssproperty --quote-source-border - Borders and rules.
 * @cssproperty --quote-source-mark - Background of the matched words.
 * @cssproperty --quote-source-font - Font family.
 * @cssproperty --quote-source-radius - Corner radius of the card.
 * @cssproperty --quote-source-z-index - Stacking level (default: the maximum).
 * @event quote-source-open - A lookup starts. detail: { selector, origin: 'selection' | 'badge' } ('badge' also for `show()`).
 * @event quote-source-result - The card settled. detail: { selector, state, verdict, matches }.
 * @event quote-source-close - The card closed.
 * @event quote-source-scan - An auto-scan batch came back. detail: { scanned, found }.
 */
export class QuoteSource extends LitElement {
  static styles = hostStyles;
  static properties = {
    api: {},
    auto: {},
    locale: {},
    theme: { reflect: true },
    client: { attribute: false },
    _trigger: { state: true },
    _request: { state: true },
    _card: { state: true },
    _badges: { state: true },
    _announce: { state: true },
    _phase: { state: true },
    _msgs: { state: true },
    _place: { state: true },
    _kb: { state: true },
  };
  /** API base URL; `widget.js` sets it to its own origin unless `data-api` says otherwise. */
  declare api: string;
  /** CSS selectors of quotes to scan automatically (`data-auto`), e.g. `blockquote,q`. */
  declare auto: string;
  /** BCP 47 language of the widget's words, dates and numbers (`data-lang`); else the page's `lang`, else the browser's. */
  declare locale: string;
  /** `light`, `dark` or `auto` (follow the reader's colour scheme). */
  declare theme: string;
  /** The lookup client; replace it to point the element at another backend (tests do). */
  declare client: LookupClient | undefined;
  declare private _trigger: Box | null;
  declare private _request: Request | null;
  declare private _card: Box | null;
  declare private _badges: Badge[];
  declare private _announce: string;
  declare private _phase: CardState;
  /** The words in the reader's language, once loaded (until then no trigger or badge is shown). */
  declare private _msgs: Messages | undefined;
  declare private _place: CardPlace | null;
  /** The card was opened from the keyboard: its heading shows a focus ring (a mouse or touch opening shows none). */
  declare private _kb: boolean;
  private response: LookupResponse | undefined;
  private failure: unknown;
  private running: AbortController | null = null;

  private range: Range | null = null;
  private touch = false;
  /**
   * The reader's last input was a key, not a pointer. Tracked here rather than left to the browser's
   * :focus-visible guess, which rings a heading focused by script after a click whose mousedown we
   * cancel (to keep the selection) as if the reader were on the keyboard.
   */
  private keyboard = false;
  private pointerDown = false;
  private settle = 0;
  private frame = 0;
  private pageFocus: Element | null = null;
  private returnFocus: HTMLElement | null = null;
  /** Badges for the quotes auto-scan finds; cleared when a scan stops (element removed, `auto` or `client` changed). */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: a ReactiveController works through the host's lifecycle (addController), never read here.
  private scan = new AutoScan(
    this,
    () => (this.auto ? [this.auto, this.lookupClient()] : null),
    (results) => this.onScan(results),
    () => (this._badges = []),
  );
  private lastState: ResultState | null = null;
  /** [full tag for Intl, our language]. */
  private language: [string, Lang] = ['en', 'en'];
  private resized = new ResizeObserver(() => this.reposition());
  /** Every listener the element adds to the page goes with this signal: aborted on disconnect, made anew on connect. */
  private listening: AbortController | null = null;

  /** Looks the current request up (again); a newer request or a close aborts it. */
  private async run() {
    const request = this._request;
    this.running?.abort();
    if (!request) return;
    const running = (this.running = new AbortController());
    this._phase = 'loading';
    this.response = this.failure = undefined;
    try {
      this.response = request.preset ?? (await this.lookupClient().lookup(request.selector, running.signal));
      if (running.signal.aborted) return;
      this._phase = 'done';
    } catch (error) {
      if (running.signal.aborted) return;
      this.failure = error;
      this._phase = 'error';
    }
    this.settled();
  }

  constructor() {
    super();
    this.api = '';
    this.auto = '';
    this.locale = '';
    this.theme = 'auto';
    this._trigger = null;
    this._request = null;
    this._card = null;
    this._badges = [];
    this._announce = '';
    this._phase = 'loading';
    this._place = null;
    this._kb = false;
  }

  /** The reader's language: `locale`, else the page's, else the browser's; its words load on demand. */
  private useLanguage() {
    const lang = (this.language = pickLang([this.locale, document.documentElement.lang, ...navigator.languages]));
    void loadMessages(lang[1]).then((msgs) => {
      if (this.language === lang) this._msgs = msgs;
    });
  }

  private lookupClient(): LookupClient {
    return (this.client ??= createClient(this.api || location.origin));
  }

  /* ---------- lifecycle: every listener added here is removed on disconnect ---------- */

  override connectedCallback() {
    super.connectedCallback();
    // Out of the host's flow whatever the host's CSS says; inline styles set through the CSSOM are CSP-safe.
    for (const [name, value] of [
      ['position', 'absolute'],
      ['top', '0'],
      ['left', '0'],
      ['width', '0'],
      ['height', '0'],
      ['margin', '0'],
      ['padding', '0'],
      ['border', '0'],
      ['display', 'block'],
    ])
      this.style.setProperty(name, value, 'important');
    // One signal removes every listener on disconnect.
    const signal = (this.listening = new AbortController()).signal;
    const capture = { capture: true, signal };
    document.addEventListener('selectionchange', this.onSelectionChange, { signal });
    document.addEventListener('pointerdown', this.onPointerDown, capture);
    document.addEventListener('pointerup', this.onPointerUp, capture);
    document.addEventListener('keydown', this.onKeyDown, capture);
    addEventListener('scroll', this.reposition, { capture: true, passive: true, signal });
    addEventListener('resize', this.reposition, { passive: true, signal });
    addEventListener('online', this.onOnline, { signal });
    // Content loading above (images, ads) moves quotes without any scroll or resize event.
    this.resized.observe(document.body);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.listening?.abort();
    this.resized.disconnect();
    clearTimeout(this.settle);
    cancelAnimationFrame(this.frame);
    this._request = null;
    this.running?.abort();
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('locale')) this.useLanguage();
  }

  /* ---------- selection → trigger ---------- */

  private onSelectionChange = () => {
    clearTimeout(this.settle);
    this.settle = setTimeout(this.readSelection, SETTLE_MS) as unknown as number;
  };

  private readSelection = () => {
    if (this.pointerDown) return; // wait for the drag to end
    const selected = currentSelection(this);
    if (!selected) {
      // A card stays open when the selection goes; the trigger goes with it.
      if (this._trigger && !this._request) this.hideTrigger();
      return;
    }
    if (this._request && this._request.origin === 'selection' && this._request.selector.exact === selected.selector.exact) return;
    this.range = document.getSelection()!.getRangeAt(0).cloneRange();
    this.pageFocus = document.activeElement;
    this._trigger = this.toHost(placeNear(selected.first, selected.last, TRIGGER.width, TRIGGER.height, this.touch));
    void loadCard().catch(() => {});
    if (!this.touch && document.activeElement === document.body) this._announce = this._msgs?.selected ?? '';
  };

  private hideTrigger() {
    this._trigger = null;
    this.range = null;
  }

  private onPointerDown = (event: PointerEvent) => {
    this.touch = event.pointerType === 'touch' || event.pointerType === 'pen';
    this.keyboard = false;
    if (event.composedPath().includes(this)) return;
    this.pointerDown = true;
    if (this._request) this.close(false);
  };

  private onPointerUp = () => {
    this.pointerDown = false;
    this.onSelectionChange();
  };

  private onKeyDown = (event: KeyboardEvent) => {
    this.keyboard = true;
    const inside = event.composedPath().includes(this);
    if (event.key === 'Escape') {
      if (this._request) this.close(true);
      else if (this._trigger) {
        this.hideTrigger();
        if (inside) (this.pageFocus as HTMLElement | null)?.focus?.();
      } else return;
      // The host page keeps its own Escape handling unless the key was meant for us.
      if (inside) event.stopPropagation();
    } else if (event.key === 'Tab' && !event.shiftKey && !inside && this._trigger && !this._request) {
      // The trigger lives at the end of the document; Tab right after a selection jumps to it.
      const button = this.renderRoot.querySelector<HTMLElement>('[part=trigger]');
      if (button) {
        event.preventDefault();
        button.focus();
      }
    }
  };

  private onOnline = () => {
    if (this.lastState === 'offline') void this.run();
  };

  /* ---------- card ---------- */

  private async open(request: Request, returnFocus: HTMLElement | null, anchor: Box) {
    this.returnFocus = returnFocus;
    this._request = request;
    this._place = null;
    this._kb = this.keyboard;
    this.lastState = null;
    this._announce = this._msgs?.loading ?? '';
    this.emit('quote-source-open', { selector: request.selector, origin: request.origin });
    void this.run();
    try {
      await loadCard();
    } catch {
      if (this._request === request) this.close(true); // no card code (offline): back to where the reader was
      return;
    }
    if (this._request !== request) return;
    this._card = anchor;
    await this.updateComplete;
    const card = this.cardElement();
    card?.focus();
    // Placed as soon as it has rendered (again once the answer is in: settled). Called here, not from
    // updated(): the build shortens private property names, so `changed.has('_card')` never matches there.
    await card?.updateComplete;
    this.place();
  }

  private openFromTrigger = (event: Event) => {
    // Rebuilt from the stored range at click time: the page may have changed since the selection.
    const selector = this.range && selectorFor(this.range);
    if (!selector || !this._trigger) return;
    void this.open({ selector, origin: 'selection' }, event.currentTarget as HTMLElement, this._trigger);
  };

  private close(restoreFocus: boolean) {
    this.running?.abort();
    this._request = null;
    this._card = null;
    this.lastState = null;
    this.emit('quote-source-close', {});
    const target = this.returnFocus;
    this.returnFocus = null;
    // Back where the reader was: the badge, or the trigger (re-rendered once the card is gone), or the page.
    if (restoreFocus)
      void this.updateComplete.then(() =>
        ((target?.isConnected ? target : this.renderRoot.querySelector<HTMLElement>('[part=trigger]')) ?? (this.pageFocus as HTMLElement | null))?.focus?.({
          preventScroll: true,
        }),
      );
  }

  private cardElement(): QuoteSourceCard | null {
    return this.renderRoot.querySelector('quote-source-card');
  }

  private best(): Match | undefined {
    return this._phase === 'done' ? this.response?.matches[0] : undefined;
  }

  private settled() {
    const request = this._request;
    if (!request) return;
    const match = this.best();
    const verdict = this._phase === 'done' ? verdictOf(match) : undefined;
    const e = this.failure;
    const state: ResultState = verdict
      ? match
        ? match.speakerMismatch
          ? 'misattributed'
          : match.differences.length
            ? 'altered'
            : 'found'
        : 'none'
      : e instanceof LookupError && e.kind === 'offline'
        ? 'offline'
        : 'error';
    this.lastState = state;
    const m = this._msgs!;
    this._announce = verdict ? m[verdict] + (match?.source.speaker?.name ? `. ${fill(m.saidBy, match.source.speaker.name)}` : '') : m.failed;
    this.emit('quote-source-result', { selector: request.selector, state, verdict: verdict ?? 'error', matches: this.response?.matches ?? [] });
    // Placed once the card itself has rendered the answer (its size is known only then).
    void this.updateComplete.then(() => this.cardElement()?.updateComplete).then(() => this.place());
  }

  /* ---------- auto-scan badges ---------- */

  private onScan(results: ScanResult[]) {
    const found = results.filter((r) => r.response.matches.length);
    if (found.length) void loadCard().catch(() => {});
    this._badges = [
      ...this._badges,
      ...found.map((result) => ({ result, verdict: verdictOf(result.response.matches[0]), at: this.badgeBox(result.element), scannedAt: Date.now() })),
    ];
    this.emit('quote-source-scan', { scanned: results.length, found: found.length });
  }

  private badgeBox(element: Element): Box {
    const rects = element.getClientRects();
    const last = rects[rects.length - 1] ?? element.getBoundingClientRect();
    const vw = document.documentElement.clientWidth || innerWidth;
    return this.toHost({ top: last.top - BADGE / 2, left: Math.min(last.right - BADGE / 2, vw - BADGE - 4) });
  }

  /**
   * Public: opens the card for `selector` beside `anchor`, as a badge does (pages that mark their
   * quotations themselves call it, e.g. /check): the lookup runs unless `preset` (its answer) is
   * given, focus moves into the card, and Escape or its close button puts focus back on `anchor`.
   */
  show(selector: TextQuoteSelector, anchor: HTMLElement, preset?: LookupResponse) {
    // A first position only: place() moves the card beside `anchor` once its size is known.
    void this.open({ selector, preset, origin: 'badge' }, anchor, this.toHost(anchor.getBoundingClientRect()));
  }

  /** Public: closes the card, if one is open, leaving focus where it is. */
  hide() {
    if (this._request) this.close(false);
  }

  /* ---------- placement ---------- */

  private toHost(box: Box): Box {
    const host = this.getBoundingClientRect();
    return { top: box.top - host.top, left: box.left - host.left };
  }

  /** Recompute positions after scrolling inside nested containers or resizing (the page scroll needs nothing). */
  private reposition = () => {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      if (this.range && this._trigger) {
        const rects = [...this.range.getClientRects()];
        const box = this.range.getBoundingClientRect();
        this._trigger = this.toHost(placeNear(rects[0] ?? box, rects[rects.length - 1] ?? box, TRIGGER.width, TRIGGER.height, this.touch));
      }
      if (this._badges.length) this._badges = this._badges.map((b) => ({ ...b, at: this.badgeBox(b.result.element) }));
      this.place();
    });
  };

  /**
   * Put the card beside what opened it, never over it, inside the viewport, now that its size is
   * known (a sheet on narrow viewports). Its natural height is measured without the last cut.
   */
  private place() {
    const card = this.cardElement();
    if (!card || !this._request) return;
    let box: DOMRect;
    if (this._request.origin === 'selection' && this.range) box = this.range.getBoundingClientRect();
    else {
      const host = this.getBoundingClientRect();
      box = this.returnFocus?.isConnected
        ? this.returnFocus.getBoundingClientRect()
        : new DOMRect(host.left + (this._card?.left ?? 0), host.top + (this._card?.top ?? 0), BADGE, BADGE);
      // A badge stands for its whole quote: the card keeps clear of the quote, not just of the badge.
      const quote = this._request.origin === 'badge' ? this._badges.find((b) => b.result.selector === this._request!.selector)?.result.element : undefined;
      if (quote) {
        const q = quote.getBoundingClientRect();
        box = new DOMRect(
          Math.min(q.left, box.left),
          Math.min(q.top, box.top),
          Math.max(q.right, box.right) - Math.min(q.left, box.left),
          Math.max(q.bottom, box.bottom) - Math.min(q.top, box.top),
        );
      }
    }
    const natural = card.scrollHeight + card.offsetHeight - card.clientHeight;
    const next = placeCard(box, card.offsetWidth, natural);
    const at = next.sheet ? { top: 0, left: 0 } : this.toHost(next);
    const prev = this._place;
    if (
      !prev ||
      prev.sheet !== next.sheet ||
      Math.abs(prev.maxHeight - next.maxHeight) > 0.5 ||
      !this._card ||
      Math.abs(at.top - this._card.top) > 0.5 ||
      Math.abs(at.left - this._card.left) > 0.5
    ) {
      this._place = next;
      this._card = at;
    }
  }

  private emit<K extends keyof QuoteSourceEventMap>(name: K, detail: QuoteSourceEventMap[K]['detail']) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /* ---------- render ---------- */

  override render() {
    const m = this._msgs;
    if (!m) return nothing;
    const [tag, lang] = this.language;
    const dir = isRtl(lang) ? 'rtl' : 'ltr';
    const at = (box: Box) => `top:${box.top}px;left:${box.left}px`;
    const place = this._place;
    const cardStyle = !this._card
      ? ''
      : place?.sheet
        ? `max-height:${place.maxHeight}px`
        : `${at(this._card)}${place ? `;max-height:${place.maxHeight}px` : ''}`;
    return html`${this._badges.map(
      (badge) => html`<button class="badge b-${badge.verdict}" part="badge" lang=${lang} dir=${dir} .style=${at(badge.at)}
          aria-label=${fill(m.badge, badge.result.selector.exact.slice(0, 60), m[badge.verdict])}
          @mousedown=${(e: Event) => e.preventDefault()} @click=${(e: Event) => this.show(badge.result.selector, e.currentTarget as HTMLElement, Date.now() - badge.scannedAt <= BADGE_ANSWER_FRESH_MS ? badge.result.response : undefined)}><span aria-hidden="true">${ICON[badge.verdict]}</span> ${m[badge.verdict]}</button>`,
    )}${
      this._trigger && !this._request
        ? html`<button class="trigger" part="trigger" lang=${lang} dir=${dir} .style=${at(this._trigger)} @mousedown=${(e: Event) => e.preventDefault()}
            @click=${this.openFromTrigger}>❝ ${m.find}</button>`
        : nothing
    }${
      this._request && this._card
        ? html`<quote-source-card part="card" exportparts="banner,card-title,mark,diff,close,retry" .style=${cardStyle}
            sheet=${place?.sheet ?? nothing} ?kb=${this._kb} .state=${this._phase} .match=${this.best()} .error=${this.failure} .quoted=${this._request.selector.exact}
            .locale=${tag} .ui=${lang} .msgs=${m}
            @qs-close=${() => this.close(true)} @qs-retry=${() => void this.run()}
            @mousedown=${(e: Event) => e.stopPropagation()}></quote-source-card>`
        : nothing
    }<div class="vh" role="status" aria-live="polite" lang=${lang} dir=${dir}>${this._announce}</div>`;
  }
}

if (!customElements.get('quote-source')) customElements.define('quote-source', QuoteSource);

declare global {
  interface HTMLElementTagNameMap {
    'quote-source': QuoteSource;
  }
  // As Shoelace declares its events: on the map HTMLElementEventMap (and Document's and Window's)
  // extend, since the events bubble and are composed up to the document and window too.
  interface GlobalEventHandlersEventMap extends QuoteSourceEventMap {}
}
