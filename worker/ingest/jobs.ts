/**
 * Queue messages. Small and self-describing: a message carries what its consumer needs to find the
 * rest in the ledger, never page bodies (a queue message is at most 128 KB).
 */
import type { ArticleKind } from '../core/types';

/** Read one source's feed or sitemap (or, `url` set, a child sitemap of its sitemap index). */
export interface SourceJob {
  type: 'source';
  sourceId: string;
  /** A child sitemap of an index; absent = the source's own URL. */
  url?: string;
  /** Sitemap-index depth (an index may list indexes; we follow MAX_SITEMAP_DEPTH levels). */
  depth?: number;
}

/** Fetch, extract and publish one item page. */
export interface ItemJob {
  type: 'item';
  sourceId: string;
  url: string;
  articleKind: ArticleKind;
  /** The source's type: a claimreview-feed item is a fact-check page (its ClaimReviews are published too). */
  sourceType: string;
}

export type CrawlJob = SourceJob | ItemJob;

/** Exponential back-off for a retried message: base · 2^(attempt-1), capped at an hour. */
export function backoffSeconds(attempt: number, baseSeconds: number): number {
  return Math.min(3600, Math.round(baseSeconds * 2 ** Math.max(0, attempt - 1)));
}
