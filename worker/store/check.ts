/**
 * Checks a draft against the record: extraction and attribution as ingestion does them
 * (core/ingest), one batched lookup for all its quotations (≤ 2 KV round trips whatever their
 * number), statuses from core/check. Reads only: nothing of the draft is stored.
 */
import { checkQuotation, countStatuses, draftQuotations, type CheckResult } from '../core/check';
import { DraftTooLargeError } from '../core/errors';
import { buildArticleRecords } from '../core/ingest';
import type { ArticleSource } from '../core/types';
import type { KV } from './kv';
import { lookupBatch, type LookupStats } from './lookup';
import { tracesQuote } from './provenance';

/** Largest draft checked, in characters of body text (a long feature is ≈ 60 KB). */
export const MAX_DRAFT_CHARS = 100_000;
/** Most quotations checked in one draft (a long interview piece quotes ≈ 100 times). */
export const MAX_DRAFT_QUOTATIONS = 200;

/** A draft over the bounds; the route answers 413 with this message. */
export { DraftTooLargeError };

export async function checkDraft(kv: KV, draft: ArticleSource): Promise<CheckResult & { stats: LookupStats; generation?: string }> {
  if (draft.body.length > MAX_DRAFT_CHARS) {
    throw new DraftTooLargeError(
      `The draft's text is ${draft.body.length.toLocaleString('en')} characters; at most ${MAX_DRAFT_CHARS.toLocaleString('en')} are checked in one call. Split it.`,
    );
  }
  const { excerpts } = await buildArticleRecords({ ...draft, kind: 'report' });
  const { text, quotations } = draftQuotations(excerpts, tracesQuote, draft.url || undefined);
  if (quotations.length > MAX_DRAFT_QUOTATIONS) {
    throw new DraftTooLargeError(`The draft has ${quotations.length} quotations; at most ${MAX_DRAFT_QUOTATIONS} are checked in one call. Split it.`);
  }
  const results = quotations.length
    ? await lookupBatch(
        kv,
        quotations.map((q) => q.selector),
        { limit: 1, creditFromPage: false },
      )
    : [];
  const checked = quotations.map((q, i) => checkQuotation(q, results[i]?.matches[0]));
  // The store's generation the lookups read (none when the draft quotes nothing: then nothing depends on the store).
  const generation = results[0]?.generation;
  return {
    text,
    quotations: checked,
    counts: countStatuses(checked),
    stats: results[0]?.stats ?? { roundTrips: 0, keysRead: 0 },
    ...(generation !== undefined ? { generation } : {}),
  };
}
