/**
 * The quote check: every quotation of a draft against the record, before it is published. Pure:
 * the draft is extracted and attributed exactly as ingestion does (core/ingest), each quotation
 * becomes a selector the lookup answers (store/check), and the answer becomes a status here.
 *
 * Statuses, strongest first (a quotation has exactly one):
 * - `misattributed`: the words are on record (a primary record), said by someone other than the
 *   draft credits next to them;
 * - `altered`: a difference from the original changes meaning (negation, number, quantifier, …);
 * - `changed`: words differ, no change of meaning flagged;
 * - `verbatim`: the original's words (case, punctuation and typographic quotes aside);
 * - `no-record`: nothing reliable holds these words. Never a guess: below the lookup's threshold
 *   there is no original to compare with, so nothing is said about the wording.
 *
 * Invariants:
 * - Offsets are into `text`, the draft's extracted paragraphs joined by a blank line, and
 *   `text.slice(start, end)` is the quotation's words as the draft prints them.
 * - Differences are always against the original (the primary, else the earliest report): a draft
 *   that copies a misquote is told so, whoever else printed it.
 * - Quotations come in document order.
 */
import { tokenize } from './normalise';
import { MAX_EDIT_RUNS, SHORT_QUOTE_WORDS } from './provenance';
import type { Difference, Excerpt, Match, SourceRef, Speaker, TextQuoteSelector } from './types';

export type CheckStatus = 'verbatim' | 'changed' | 'altered' | 'misattributed' | 'no-record';
export const CHECK_STATUSES: readonly CheckStatus[] = ['verbatim', 'changed', 'altered', 'misattributed', 'no-record'];

/** Statuses a publishing gate stops on (`npm run check` exits 1). */
export const BLOCKING_STATUSES: ReadonlySet<CheckStatus> = new Set(['altered', 'misattributed']);

/** Characters of the draft either side of a quotation sent as its selector's context (as the widget does). */
const CONTEXT_CHARS = 64;

/** One quotation of the draft, as extraction found it. */
export interface DraftQuotation {
  /** Offsets in the extracted text. */
  start: number;
  end: number;
  text: string;
  /** Who the draft credits the words to (ingestion's attribution), if anyone. */
  speaker?: Speaker;
  selector: TextQuoteSelector & { url?: string };
}

/** The original, as the check reports it: enough to cite it without another call. */
export interface CheckOriginal {
  kind: SourceRef['kind'];
  speaker?: Speaker;
  title: string;
  publisher: string;
  published: string;
  url: string;
  articleId: string;
  excerptId: string;
  /** The original's words. */
  exact: string;
}

export interface CheckedQuotation {
  start: number;
  end: number;
  text: string;
  /** The speaker the draft credits ('' when it credits nobody). */
  speaker: string;
  /** What was looked up (the words and their context in the draft): `POST /v1/lookup` with it gives the full Match, as the /check page's card does. */
  selector: TextQuoteSelector & { url?: string };
  status: CheckStatus;
  /** Calibrated confidence of the match (absent for `no-record`). */
  score?: number;
  original?: CheckOriginal;
  /** Word-level differences from the original, in the original's words. */
  differences: Difference[];
  /** When `misattributed`: who the draft credits and who said it. */
  misattribution?: { credited: string; original: string };
  /** How widely the words are printed (from the original's quotation record). */
  appearances?: { count: number; wordings: number };
}

export interface CheckResult {
  /** The draft's extracted text (the offsets' frame). */
  text: string;
  quotations: CheckedQuotation[];
  /** Quotations per status. */
  counts: Record<CheckStatus, number>;
}

/** The extracted text and its quotations worth checking (direct quotes `trace` accepts), in document order. */
export function draftQuotations(
  excerpts: Excerpt[],
  trace: (q: Excerpt['quotes'][number]) => boolean,
  url?: string,
): { text: string; quotations: DraftQuotation[] } {
  const quotations: DraftQuotation[] = [];
  let offset = 0;
  const parts: string[] = [];
  for (const excerpt of [...excerpts].sort((a, b) => a.position - b.position)) {
    for (const q of [...excerpt.quotes].sort((a, b) => a.start - b.start)) {
      if (!trace(q)) continue;
      quotations.push({
        start: offset + q.start,
        end: offset + q.end,
        text: q.text,
        ...(q.speaker ? { speaker: q.speaker } : {}),
        selector: {
          exact: q.text,
          prefix: excerpt.text.slice(Math.max(0, q.start - CONTEXT_CHARS), q.start),
          suffix: excerpt.text.slice(q.end, q.end + CONTEXT_CHARS),
          ...(url ? { url } : {}),
        },
      });
    }
    parts.push(excerpt.text);
    offset += excerpt.text.length + 2;
  }
  return { text: parts.join('\n\n'), quotations };
}

/**
 * Whether the match holds the quotation's words at all, not another statement built on some of
 * them ("Not going to go into that" against "We're not going to stop"): at most MAX_EDIT_RUNS
 * separate changes, one for a phrase under SHORT_QUOTE_WORDS (a misquote changes a word or two).
 * Anything looser is no record of these words, and says nothing about how they were changed.
 */
function sameStatement(q: DraftQuotation, match: Match): boolean {
  const runs = match.differences.length;
  return runs <= (tokenize(q.text).length < SHORT_QUOTE_WORDS ? 1 : MAX_EDIT_RUNS);
}

/** The status of one quotation given the lookup's best match (or none). */
export function checkQuotation(q: DraftQuotation, match: Match | undefined): CheckedQuotation {
  const base = { start: q.start, end: q.end, text: q.text, speaker: q.speaker?.name ?? '', selector: q.selector };
  if (!match || !sameStatement(q, match)) return { ...base, status: 'no-record', differences: [] };
  const source = match.source;
  const original: CheckOriginal = {
    kind: source.kind,
    ...(source.speaker ? { speaker: source.speaker } : {}),
    title: source.article.title,
    publisher: source.article.publisher,
    published: source.article.published,
    url: source.article.url,
    articleId: source.article.id,
    excerptId: source.excerpt.id,
    exact: source.exact,
  };
  // Misattribution only on a name the draft puts next to the words with a speech verb ("…," Okonjo
  // said): the lookup reads that from the quotation's own context. Extraction's attribution of a
  // quote further away ("she said" resolved to the last person named) is right often enough to
  // show, but not to accuse a draft of misattributing (the check bench lists what it got wrong).
  // And only against the speaker's own record: an earliest report's attribution is no authority.
  const misattribution = source.kind === 'primary' ? match.speakerMismatch : undefined;
  const status: CheckStatus = misattribution ? 'misattributed' : match.altered ? 'altered' : match.differences.length ? 'changed' : 'verbatim';
  return {
    ...base,
    status,
    score: match.score,
    original,
    differences: match.differences,
    ...(misattribution ? { misattribution } : {}),
    appearances: { count: match.appearances.count, wordings: match.appearances.wordings },
  };
}

export function countStatuses(quotations: CheckedQuotation[]): Record<CheckStatus, number> {
  const counts = Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
  for (const q of quotations) counts[q.status]++;
  return counts;
}
