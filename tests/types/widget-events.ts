/**
 * The widget's public events are typed for a page's listeners: `<quote-source>` declares them in the
 * DOM's event maps (widget/quote-source.ts), so `addEventListener('quote-source-…', e => e.detail…)`
 * knows each `detail`. This file is only type-checked (`npm run typecheck`, part of `npm test`): a
 * renamed event or detail field, or one typed loosely (`any`, plain `Event`), fails `tsc` here.
 */
import type { Match, TextQuoteSelector } from '../../worker/core/types';
import type { QuoteSourceEventMap, ResultState } from '../../widget/quote-source';
import type { Verdict } from '../../widget/verdict';

/** True only when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type EventMapChecks = [
  // On the element (HTMLElementEventMap) and, since they bubble and are composed, on document and window.
  Expect<Equal<HTMLElementEventMap['quote-source-open'], CustomEvent<{ selector: TextQuoteSelector; origin: 'selection' | 'badge' }>>>,
  Expect<
    Equal<
      HTMLElementEventMap['quote-source-result'],
      CustomEvent<{ selector: TextQuoteSelector; state: ResultState; verdict: Verdict | 'error'; matches: Match[] }>
    >
  >,
  Expect<Equal<HTMLElementEventMap['quote-source-close'], CustomEvent<Record<PropertyKey, never>>>>,
  Expect<Equal<HTMLElementEventMap['quote-source-scan'], CustomEvent<{ scanned: number; found: number }>>>,
  Expect<Equal<DocumentEventMap['quote-source-result'], QuoteSourceEventMap['quote-source-result']>>,
  Expect<Equal<WindowEventMap['quote-source-scan'], QuoteSourceEventMap['quote-source-scan']>>,
  Expect<Equal<ResultState, 'found' | 'altered' | 'misattributed' | 'none' | 'error' | 'offline'>>,
];

/** What a page writes: never called, only compiled. */
export function pageListeners() {
  const qs = document.querySelector('quote-source')!;
  qs.addEventListener('quote-source-open', (e) => {
    const origin: 'selection' | 'badge' = e.detail.origin;
    const exact: string = e.detail.selector.exact;
    // @ts-expect-error an open event carries no matches
    void e.detail.matches;
    return [origin, exact];
  });
  qs.addEventListener('quote-source-result', (e) => {
    const verdict: Verdict | 'error' = e.detail.verdict;
    const speaker: string | undefined = e.detail.matches[0]?.source.speaker?.name;
    // @ts-expect-error `state` is one of six words, not any string
    const state: 'found' | 'missing' = e.detail.state;
    // @ts-expect-error no such field
    void e.detail.verdicts;
    return [verdict, speaker, state];
  });
  qs.addEventListener('quote-source-close', (e) => {
    // @ts-expect-error a close event's detail is empty: no selector in it to read from
    void e.detail.selector.exact;
  });
  document.addEventListener('quote-source-scan', (e) => {
    const total: number = e.detail.scanned + e.detail.found;
    // @ts-expect-error `found` is a count, not a list
    e.detail.found.map(String);
    return total;
  });
  window.addEventListener('quote-source-result', (e) => e.detail.selector.prefix?.length);
  qs.removeEventListener('quote-source-open', () => {});
}
