import { LitElement, html, nothing } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { LookupResponse, Match, TextQuoteSelector } from '../worker/core/types';
import { LookupError, createClient, type LookupClient } from './api';
import { AutoScan, type ScanResult } from './autoscan';
import { placeNear, type Box } from './placement';
import { currentSelection, selectorFor } from './selection';
import { cardTitle, type CardState } from './source-card';
import { hostStyles } from './quote-source.styles';
import './source-card';

interface Request {
  selector: TextQuoteSelector;
  /** Answer already known (auto-scan), so the card needs no second request. */
  preset?: LookupResponse;
  origin: 'selection' | 'badge';
}

interface Badge {
  result: ScanResult;
  at: Box;
}

const SETTLE_MS = 120;
const TRIGGER = { width: 132, height: 34 };
const BADGE = 22;

/**
 * `<quote-source>`: highlight a quote, click the trigger, see where it comes from and whether it
 * was quoted right. One per page; `widget.js` creates it, or place it by hand.
 *
 * @csspart trigger - The button that appears by a selection.
 * @csspart card - The source card (a non-modal dialog).
 * @csspart badge - The marker auto-scan puts by quotes that have a source.
 * @csspart card-title - The card's heading.
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
 * @event quote-source-result - The card settled. detail: { selector, state, matches }.
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
  };
  /** API base URL; `widget.js` sets it to its own origin unless `data-api` says otherwise. */
  declare api: string;
  /** CSS selectors of quotes to scan automatically (`data-auto`), e.g. `blockquote,q`. */
  declare auto: string;
  /** BCP 47 language for dates (`data-lang`); defaults to the page's. */
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

  private range: Range | null = null;
  private touch = false;
  private pointerDown = false;
  private settle = 0;
  private frame = 0;
  private pageFocus: Element | null = null;
  private returnFocus: HTMLElement | null = null;
  private scan: AutoScan | null = null;
  private lastState: CardState | null = null;
  private resized = new ResizeObserver(() => this.reposition());
  private listening: AbortController | null = null;

  private lookup = new Task(this, {
    args: () => [this._request] as const,
    task: async ([request], { signal }) => {
      if (!request) return initialState;
      return request.preset ?? (await this.lookupClient().lookup(request.selector, signal));
    },
    // Task calls these just before it records its new status; report once it has.
    onComplete: () => void Promise.resolve().then(this.settled),
    onError: () => void Promise.resolve().then(this.settled),
  });

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
  }

  private lookupClient(): LookupClient {
    return (this.client ??= createClient(this.api || location.origin));
  }

  /* ---------- lifecycle: every listener added here is removed on disconnect ---------- */

  override connectedCallback() {
    super.connectedCallback();
    // Out of the host's flow whatever the host's CSS says; inline styles set through the CSSOM are CSP-safe.
    for (const [name, value] of [['position', 'absolute'], ['top', '0'], ['left', '0'], ['width', '0'], ['height', '0'], ['margin', '0'], ['padding', '0'], ['border', '0'], ['display', 'block']])
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
    if (this.hasUpdated) this.startScan();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.listening?.abort();
    this.resized.disconnect();
    clearTimeout(this.settle);
    cancelAnimationFrame(this.frame);
    this.scan?.stop();
    this.scan = null;
    this._request = null;
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('auto') || changed.has('client') || changed.has('api')) this.startScan();
    // A new card (or another quote's, opened over it) is placed before it is painted.
    if (changed.has('_request')) this.place();
  }

  private startScan() {
    this.scan?.stop();
    this._badges = [];
    this.scan = this.auto ? new AutoScan(this.auto, this.lookupClient(), this, (results) => this.onScan(results)) : null;
    this.scan?.start();
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
    if (!this.touch && document.activeElement === document.body) this._announce = 'Quote selected. Press Tab to find its source.';
  };

  private hideTrigger() {
    this._trigger = null;
    this.range = null;
  }

  private onPointerDown = (event: PointerEvent) => {
    this.touch = event.pointerType === 'touch' || event.pointerType === 'pen';
    if (event.composedPath().includes(this)) return;
    this.pointerDown = true;
    if (this._request) this.close(false);
  };

  private onPointerUp = () => {
    this.pointerDown = false;
    this.onSelectionChange();
  };

  private onKeyDown = (event: KeyboardEvent) => {
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
    if (this.lastState === 'offline') void this.lookup.run();
  };

  /* ---------- card ---------- */

  private open(request: Request, returnFocus: HTMLElement | null, anchor: Box) {
    this.returnFocus = returnFocus;
    this._request = request;
    this._card = anchor;
    this.lastState = 'loading';
    this._announce = cardTitle('loading');
    this.emit('quote-source-open', { selector: request.selector, origin: request.origin });
    void this.updateComplete.then(() => this.cardElement()?.focus());
  }

  private openFromTrigger = (event: Event) => {
    // Rebuilt from the stored range at click time: the page may have changed since the selection.
    const selector = this.range && selectorFor(this.range);
    if (!selector || !this._trigger) return;
    this.open({ selector, origin: 'selection' }, event.currentTarget as HTMLElement, this._trigger);
  };

  private close(restoreFocus: boolean) {
    this._request = null;
    this._card = null;
    this.lastState = null;
    this.emit('quote-source-close', {});
    const target = this.returnFocus;
    this.returnFocus = null;
    // Back where the reader was: the badge, or the trigger (re-rendered once the card is gone), or the page.
    if (restoreFocus)
      void this.updateComplete.then(() =>
        ((target?.isConnected ? target : this.renderRoot.querySelector<HTMLElement>('[part=trigger]')) ?? (this.pageFocus as HTMLElement | null))?.focus?.({ preventScroll: true }),
      );
  }

  private cardElement() {
    return this.renderRoot.querySelector('quote-source-card');
  }

  private state(): CardState {
    const { status, value, error } = this.lookup;
    if (status === TaskStatus.ERROR) return error instanceof LookupError && error.kind === 'offline' ? 'offline' : 'error';
    if (status !== TaskStatus.COMPLETE || !value) return 'loading';
    const best = (value as LookupResponse).matches[0];
    if (!best) return 'none';
    return best.speakerMismatch ? 'misattributed' : best.differences.length ? 'altered' : 'found';
  }

  private best(): Match | undefined {
    return this.lookup.status === TaskStatus.COMPLETE ? (this.lookup.value as LookupResponse | undefined)?.matches[0] : undefined;
  }

  private settled = () => {
    const request = this._request;
    if (!request) return;
    const state = this.state();
    this.lastState = state;
    const match = this.best();
    this._announce = cardTitle(state, match) + (match?.speaker?.name ? `. Said by ${match.speaker.name}` : '');
    const matches = this.lookup.status === TaskStatus.COMPLETE ? (this.lookup.value as LookupResponse).matches : [];
    this.emit('quote-source-result', { selector: request.selector, state, matches });
    void this.updateComplete.then(() => this.place());
  };

  /* ---------- auto-scan badges ---------- */

  private onScan(results: ScanResult[]) {
    const found = results.filter((r) => r.response.matches.length);
    this._badges = [...this._badges, ...found.map((result) => ({ result, at: this.badgeBox(result.element) }))];
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
    // Any box will do: place() moves the card beside `anchor` before it is painted.
    this.open({ selector, preset, origin: 'badge' }, anchor, anchor.getBoundingClientRect());
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

  /** Put the card beside what opened it, inside the viewport, now that its size is known. */
  private place() {
    const card = this.cardElement();
    if (!card || !this._request) return;
    const host = this.getBoundingClientRect();
    let first: DOMRect;
    let last: DOMRect;
    if (this._request.origin === 'selection' && this.range) {
      const rects = [...this.range.getClientRects()];
      first = rects[0] ?? this.range.getBoundingClientRect();
      last = rects[rects.length - 1] ?? first;
    } else {
      const anchor = this.returnFocus?.getBoundingClientRect() ?? new DOMRect(host.left + (this._card?.left ?? 0), host.top + (this._card?.top ?? 0), BADGE, BADGE);
      first = last = anchor;
    }
    const next = this.toHost(placeNear(first, last, card.offsetWidth, card.offsetHeight, true));
    if (!this._card || Math.abs(next.top - this._card.top) > 0.5 || Math.abs(next.left - this._card.left) > 0.5) this._card = next;
  }

  private emit(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /* ---------- render ---------- */

  override render() {
    const locale = this.locale || document.documentElement.lang || navigator.language;
    const at = (box: Box) => `top:${box.top}px;left:${box.left}px`;
    return html`${this._badges.map(
        (badge) => html`<button class="badge" part="badge" .style=${at(badge.at)}
          aria-label=${`Source found for “${badge.result.selector.exact.slice(0, 60)}”`}
          @mousedown=${(e: Event) => e.preventDefault()} @click=${(e: Event) => this.show(badge.result.selector, e.currentTarget as HTMLElement, badge.result.response)}>❝</button>`,
      )}${this._trigger && !this._request
        ? html`<button class="trigger" part="trigger" .style=${at(this._trigger)} @mousedown=${(e: Event) => e.preventDefault()}
            @click=${this.openFromTrigger}>❝ Find source</button>`
        : nothing}${this._request && this._card
        ? html`<quote-source-card part="card" exportparts="card-title,mark,diff,close,retry" .style=${at(this._card)}
            .state=${this.state()} .match=${this.best()} .locale=${locale}
            @qs-close=${() => this.close(true)} @qs-retry=${() => void this.lookup.run()}
            @mousedown=${(e: Event) => e.stopPropagation()}></quote-source-card>`
        : nothing}<div class="vh" role="status" aria-live="polite">${this._announce}</div>`;
  }
}


if (!customElements.get('quote-source')) customElements.define('quote-source', QuoteSource);

declare global {
  interface HTMLElementTagNameMap {
    'quote-source': QuoteSource;
  }
}
