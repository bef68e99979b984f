/**
 * The /check page's pure parts: how each status is shown (an icon and a word beside the colour,
 * never colour alone), how the checked draft splits into paragraphs of plain text and quotations,
 * and what an API failure says to an editor. No DOM here, so Node tests cover every edge.
 *
 * Invariants:
 * - Segments of a paragraph concatenate to exactly that paragraph's text: nothing of the draft is
 *   dropped or repeated, whatever offsets the answer holds (overlapping, out of range, crossing
 *   paragraphs — the last two cannot come from POST /v1/check, but the page must not break on them).
 * - Segment text is only ever put into the page as text nodes (pages/check.ts), never as markup.
 */
import type { CheckStatus } from '../worker/core/check';

export interface StatusView {
  /** The word shown with the highlight and in the counts. */
  label: string;
  /** A symbol that differs per status, so the highlight reads without colour. */
  icon: string;
  /** One sentence for the legend: what the status means to an editor. */
  meaning: string;
}

/** In the order an editor cares about: what stops publication first. */
export const STATUS_VIEWS: Record<CheckStatus, StatusView> = {
  misattributed: { label: 'Misattributed', icon: '⊘', meaning: 'on record, said by someone else' },
  altered: { label: 'Altered', icon: '⚠', meaning: 'a change of meaning (negation, number, quantifier)' },
  changed: { label: 'Changed', icon: '✎', meaning: 'words differ from the original, meaning kept' },
  verbatim: { label: 'Verbatim', icon: '✓', meaning: 'the original’s words' },
  'no-record': { label: 'No record', icon: '?', meaning: 'nothing reliable holds these words' },
};

export const STATUS_ORDER = Object.keys(STATUS_VIEWS) as CheckStatus[];

export interface Segment {
  text: string;
  /** Index of the quotation this text is, if it is one. */
  quotation?: number;
}

/**
 * The draft's text as paragraphs (split where POST /v1/check joined them: a blank line), each a run
 * of plain and quotation segments. Quotations are taken in document order; one that overlaps the
 * previous is cut to start after it, one that crosses a paragraph end is cut there.
 */
export function paragraphsOf(text: string, quotations: readonly { start: number; end: number }[]): Segment[][] {
  const order = quotations.map((q, i) => ({ start: q.start, end: q.end, i })).sort((a, b) => a.start - b.start || a.i - b.i);
  const paragraphs: Segment[][] = [];
  let next = 0; // first quotation not yet placed
  let paraStart = 0;
  for (const para of text.split('\n\n')) {
    const paraEnd = paraStart + para.length;
    const segments: Segment[] = [];
    let at = paraStart;
    while (next < order.length && order[next].start < paraEnd) {
      const q = order[next];
      const start = Math.max(q.start, at);
      const end = Math.min(Math.max(q.end, start), paraEnd);
      if (end > start) {
        if (start > at) segments.push({ text: text.slice(at, start) });
        segments.push({ text: text.slice(start, end), quotation: q.i });
        at = end;
      }
      // A quotation running past this paragraph's end is cut there; the rest of it is not shown as one.
      next++;
    }
    if (paraEnd > at) segments.push({ text: text.slice(at, paraEnd) });
    paragraphs.push(segments);
    paraStart = paraEnd + 2;
  }
  return paragraphs;
}

/** A problem+json body, as far as the page reads it. */
export interface ProblemBody {
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/**
 * What to tell an editor when the check could not run: the API's own explanation where it gives one
 * (it names the limit or the field), in words that say what to do next.
 */
export function failureMessage(failure: { offline: true } | { status: number; problem?: ProblemBody | null; retryAfter?: string | null }): string {
  if ('offline' in failure) return 'You are offline, so the draft could not be checked. Try again when you are back online.';
  const { status, problem } = failure;
  const detail = problem?.errors?.length ? problem.errors.map((e) => e.message).join('; ') : problem?.detail?.trim();
  const said = detail ? ` ${sentence(detail)}` : '';
  if (status === 413) return `The draft is too long to check in one go.${said || ' Split it and check each part.'}`;
  if (status === 400 || status === 422) return `The draft could not be checked.${said}`;
  if (status === 429) {
    const seconds = Number(failure.retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? `in ${seconds} second${seconds === 1 ? '' : 's'}` : 'in a minute';
    return `Too many checks from this connection. Try again ${wait}.`;
  }
  if (status >= 500) return `QuoteSource failed while checking the draft (error ${status}). Try again; if it keeps failing, tell whoever runs QuoteSource.`;
  return `The check failed (error ${status}).${said}`;
}

const sentence = (text: string) => {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
};
