/**
 * Auto-scan (`data-auto="blockquote,q"`): quotes are looked up in batches once they scroll into
 * view, and quotes that a single-page app adds later are picked up too.
 */
import type { LookupResponse, TextQuoteSelector } from '../worker/core/types';
import type { LookupClient } from './api';
import { selectorForElement } from './selection';

export interface ScanResult {
  element: Element;
  selector: TextQuoteSelector;
  response: LookupResponse;
}

/** Quotes per `POST /v1/lookup/batch`; more wait for the next batch. */
export const BATCH_SIZE = 20;
const SETTLE_MS = 150;

export class AutoScan {
  private seen = new WeakSet<Element>();
  private queue = new Map<Element, TextQuoteSelector>();
  private timer = 0;
  private abort = new AbortController();
  private visible: IntersectionObserver;
  private added: MutationObserver;

  constructor(
    private selectors: string,
    private client: LookupClient,
    private ignore: Node,
    private onResults: (results: ScanResult[]) => void,
  ) {
    this.visible = new IntersectionObserver((entries) => this.onVisible(entries), { rootMargin: '200px 0px' });
    this.added = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) this.watch(node);
    });
  }

  start() {
    this.watch(document.body);
    this.added.observe(document.body, { childList: true, subtree: true });
  }

  stop() {
    this.visible.disconnect();
    this.added.disconnect();
    this.abort.abort();
    clearTimeout(this.timer);
  }

  private watch(root: Element) {
    if (this.ignore.contains(root)) return;
    let found: Element[];
    try {
      found = [...(root.matches(this.selectors) ? [root] : []), ...root.querySelectorAll(this.selectors)];
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
    try {
      const responses = await this.client.batch(
        items.map(([, selector]) => selector),
        this.abort.signal,
      );
      this.onResults(
        items.map(([element, selector], i) => ({ element, selector, response: responses[i] ?? { matches: [] } })),
      );
    } catch {
      // Auto-scan is a hint: a failed batch leaves those quotes unbadged; selecting them still works.
    }
  }
}
