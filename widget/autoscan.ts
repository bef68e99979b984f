/**
 * Auto-scan (`data-auto="blockquote,q"`): quotes are looked up in batches once they scroll into
 * view, and quotes that a single-page app adds later are picked up too.
 *
 * A Lit reactive controller of `<quote-source>`, so its lifecycle is the element's:
 * - it runs only while the element is on the page and has selectors to scan for;
 * - it restarts, forgetting what it saw and found, when the selectors or the client change;
 * - when the element leaves the page it stops: both observers disconnected, the settle timer
 *   cleared, the batch in flight aborted and its answer (should the client still give one) dropped.
 * Put back, the element scans again from the start.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LookupResponse, TextQuoteSelector } from '../worker/core/types';
import type { LookupClient } from './api';
import { selectorForElement } from './selection';

export interface ScanResult {
  element: Element;
  selector: TextQuoteSelector;
  response: LookupResponse;
}

/** What to scan for and whom to ask; null switches the scan off. Read on connect and after every update. */
export type ScanTarget = () => readonly [selectors: string, client: LookupClient] | null;

/** Quotes per `POST /v1/lookup/batch`; more wait for the next batch. */
export const BATCH_SIZE = 20;
/** Quotes that come into view together (one scroll, one page load) go in one batch. */
const SETTLE_MS = 150;

export class AutoScan implements ReactiveController {
  private seen = new WeakSet<Element>();
  private queue = new Map<Element, TextQuoteSelector>();
  private timer = 0;
  private abort = new AbortController();
  private visible = new IntersectionObserver((entries) => this.onVisible(entries), { rootMargin: '200px 0px' });
  private added = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) this.watch(node);
  });
  /** What the running scan looks for and asks; null while stopped. */
  private running: ReturnType<ScanTarget> = null;

  constructor(
    private host: ReactiveControllerHost & Element,
    private target: ScanTarget,
    /** A batch came back (every quote of it, with or without a match). */
    private onResults: (results: ScanResult[]) => void,
    /** A running scan stopped: what it found no longer stands. */
    private onStop: () => void,
  ) {
    host.addController(this);
  }

  hostConnected() {
    // Started once the host has updated: properties set along with the connection (`api`, `client`) are in by then.
    this.host.requestUpdate();
  }

  hostUpdated() {
    this.sync();
  }

  hostDisconnected() {
    this.stop();
  }

  /** Starts, restarts or stops the scan to match the host's current target. */
  private sync() {
    const next = this.host.isConnected ? this.target() : null;
    const now = this.running;
    if (now?.[0] === next?.[0] && now?.[1] === next?.[1]) return;
    this.stop();
    if (!next) return;
    this.running = next;
    this.seen = new WeakSet();
    this.abort = new AbortController();
    this.watch(document.body);
    this.added.observe(document.body, { childList: true, subtree: true });
  }

  private stop() {
    if (!this.running) return;
    this.running = null;
    this.visible.disconnect();
    this.added.disconnect();
    this.abort.abort();
    this.queue.clear();
    clearTimeout(this.timer);
    this.onStop();
  }

  private watch(root: Element) {
    if (this.host.contains(root)) return;
    let found: Element[];
    try {
      found = [...(root.matches(this.running![0]) ? [root] : []), ...root.querySelectorAll(this.running![0])];
    } catch {
      return; // an invalid selector in data-auto switches the scan off rather than throwing in the host page
    }
    for (const element of found) {
      if (this.seen.has(element)) continue;
      this.seen.add(element);
      this.visible.observe(element);
    }
  }

  private onVisible(entries: IntersectionObserverEntry[]) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      this.visible.unobserve(entry.target);
      const selector = selectorForElement(entry.target);
      if (selector) this.queue.set(entry.target, selector);
    }
    if (this.queue.size) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), SETTLE_MS) as unknown as number;
    }
  }

  private async flush() {
    const items = [...this.queue].slice(0, BATCH_SIZE);
    for (const [element] of items) this.queue.delete(element);
    if (this.queue.size) this.timer = setTimeout(() => this.flush(), SETTLE_MS) as unknown as number;
    const signal = this.abort.signal;
    try {
      const responses = await this.running![1].batch(
        items.map(([, selector]) => selector),
        signal,
      );
      if (signal.aborted) return; // stopped or restarted meanwhile: these quotes belong to a scan that is over
      this.onResults(items.map(([element, selector], i) => ({ element, selector, response: responses[i] ?? { matches: [] } })));
    } catch {
      // Auto-scan is a hint: a failed batch leaves those quotes unbadged; selecting them still works.
    }
  }
}
