/**
 * Provenance: which copy of some words is the original, and how far each wording has spread. Pure:
 * the store feeds it records and writes back what it derives.
 *
 * The model (see docs/engine.md, "Provenance"):
 * - A **passage** is the normalised text of a paragraph. Every excerpt that prints the same words is
 *   a copy of one passage, so identical text is indexed once however many articles print it.
 * - A **quotation** is the same words said once. Its **members** are the report quotes that print it
 *   (one per report excerpt quote); its **original** is the primary passage holding the words when
 *   one is held (the anchor), else the earliest member by publication date, then ingestion order.
 * - Everything a lookup shows about a quotation (`Appearances`: count, first prints, wordings with
 *   their differences from the original) is derived here from the members and the original, and
 *   only here, so the same members and anchor always give the same record, whatever the order in
 *   which they were ingested.
 *
 * Invariants:
 * - `appearancesOf(original, members)` depends on the set of members, not their order.
 * - Differences are always taken against the original, never against another copy.
 * - A report's wording is never marked as the original's unless its normalised words equal it.
 */
import { diffWords, isAltered } from './diff';
import { featureKey } from './features';
import { align, prepare, mayScoreIn, scoreUpperBound, type Alignment, type PreparedQuery, type TextWords } from './match';
import { normaliseWords, tokenize, type Token } from './normalise';
import type { Appearance, Appearances, ArticleKind, PassageCopy, QuotationMember, SourceRef, Speaker, Variant } from './types';

/** First prints a quotation record lists (the card shows a few; the count says the rest). */
export const FIRST_APPEARANCES = 5;
/** Wordings a quotation record lists with their differences; `wordings` counts them all. */
export const MAX_VARIANTS = 20;
/** Copies a passage record lists (enough to tell a page it is one of them in the common case). */
export const FIRST_COPIES = 8;

/**
 * A quote joins a quotation when its alignment against the original covers the same words: the
 * share of the union of the two spans' words that both cover. 0.6 lets a quote that drops or adds a
 * clause join, and keeps apart overlapping but different excerpts of one long speech turn (a quote
 * wholly inside the other joins too: see `sameWords`).
 */
export const SAME_WORDS_OVERLAP = 0.6;

/**
 * Most separate edits (runs of added, dropped or replaced words; misspellings aside) a print may
 * carry and still be the same words. A misquote changes a word or two ("back" added, "not"
 * dropped); three separate changes (another place, another animal, another number) are another
 * statement built on the same template.
 */
export const MAX_EDIT_RUNS = 2;

/** Separate runs of edits in an alignment. */
export function editRuns(alignment: Alignment): number {
  let runs = 0;
  let inRun = false;
  for (const op of alignment.ops) {
    const edit = op.kind === 'sub' || op.kind === 'ins' || op.kind === 'del';
    if (edit && !inRun) runs++;
    inRun = edit;
  }
  return runs;
}

/** The passage id of a paragraph: its normalised words, hashed (52 bits: no collisions at millions of passages). */
export function passageIdFor(text: string): string {
  return `p${featureKey(normaliseWords(text))}`;
}

/** A quotation id, fixed at its birth from the quote that founded it. */
export function quotationIdFor(excerptId: string, start: number): string {
  return `q${featureKey(`${excerptId}@${start}`)}`;
}

export const isQuotationId = (id: string) => id.startsWith('q');

/** A member's appearance as answers list it: where and how it was printed, without its offsets and sequence. */
export function appearanceOf(m: QuotationMember): Appearance {
  return { articleId: m.articleId, excerptId: m.excerptId, url: m.url, title: m.title, publisher: m.publisher, published: m.published, wording: m.wording };
}

/** Dates sort as strings (ISO); an unknown date sorts after every known one. */
const dateKey = (published: string) => (published ? published.slice(0, 10) : '\uffff');

/** Earliest print first: publication date, then ingestion order, then id (total, so order never depends on input order). */
export function compareAppearances(a: { published: string; seq: number; excerptId: string; start?: number }, b: typeof a): number {
  const d = dateKey(a.published) < dateKey(b.published) ? -1 : dateKey(a.published) > dateKey(b.published) ? 1 : 0;
  return d || a.seq - b.seq || (a.excerptId < b.excerptId ? -1 : a.excerptId > b.excerptId ? 1 : 0) || (a.start ?? 0) - (b.start ?? 0);
}

/** The best copy of a passage: a primary record first, then the earliest print. */
export function compareCopies(a: PassageCopy, b: PassageCopy): number {
  const k = (kind: ArticleKind) => (kind === 'primary' ? 0 : 1);
  return k(a.kind) - k(b.kind) || compareAppearances(a, b);
}

/** Two wordings are the same wording when their normalised words are equal (case, punctuation, quote marks aside). */
export const wordingKey = (text: string) => normaliseWords(text);

/**
 * What a quotation record shows about its prints: derived from the original and the full member
 * list. Order of `members` does not matter.
 */
export function appearancesOf(original: SourceRef, members: QuotationMember[]): Appearances {
  const sorted = [...members].sort(compareAppearances);
  const first: Appearance[] = sorted.slice(0, FIRST_APPEARANCES).map(appearanceOf);
  const byWording = new Map<string, { wording: string; count: number; firstAt: number; since: string }>();
  sorted.forEach((m, i) => {
    const key = wordingKey(m.wording);
    const v = byWording.get(key);
    if (v) v.count++;
    else byWording.set(key, { wording: m.wording, count: 1, firstAt: i, since: m.published });
  });
  const originalKey = wordingKey(original.exact);
  const ranked = [...byWording.entries()].sort((a, b) => b[1].count - a[1].count || a[1].firstAt - b[1].firstAt);
  const variants: Variant[] = ranked.slice(0, MAX_VARIANTS).map(([key, v]) => {
    const differences = key === originalKey ? [] : differencesFromOriginal(original, v.wording);
    return { wording: v.wording, count: v.count, differences, altered: isAltered(differences), original: key === originalKey, since: v.since };
  });
  return { count: members.length, first, variants, wordings: byWording.size };
}

/**
 * Word-level differences of a wording from the original, offsets in the original's excerpt text.
 * The wording is aligned inside the original's span widened by a little context, so a variant that
 * runs a word past the span is reported as such and never matched elsewhere in the paragraph.
 */
export function differencesFromOriginal(original: SourceRef, wording: string) {
  const text = original.excerpt.text;
  const from = Math.max(0, original.start);
  const to = Math.min(text.length, original.end);
  // Diff against the span itself; offsets are shifted back into the excerpt's characters.
  return diffWords(text.slice(from, to), wording).map((d) => ({ ...d, sourceStart: d.sourceStart + from, sourceEnd: d.sourceEnd + from }));
}

/** Word index range [from, to) of the tokens covering characters [start, end). */
export function wordRange(tokens: Token[], start: number, end: number): [number, number] {
  let from = tokens.length;
  let to = 0;
  tokens.forEach((t, i) => {
    if (t.end > start && t.start < end) {
      from = Math.min(from, i);
      to = Math.max(to, i + 1);
    }
  });
  return from < to ? [from, to] : [0, 0];
}

/** Share of the union of two word ranges that both cover (Jaccard over word positions). */
export function rangeOverlap(a: [number, number], b: [number, number]): number {
  const inter = Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
  const union = Math.max(a[1], b[1]) - Math.min(a[0], b[0]);
  return union > 0 ? inter / union : 0;
}

export interface SpanFit {
  alignment: Alignment;
  /** Character span of the aligned words in the text. */
  start: number;
  end: number;
  /** Word range in the text's tokens. */
  words: [number, number];
}

/**
 * Where `quoted` best sits inside `text` (semi-global word alignment), or null when it does not.
 * Word presence rules most non-fits out in linear time (`scoreUpperBound`) before the quadratic
 * alignment runs. Callers that fit many quotes into one text pass it tokenised (`source`) with its
 * `TextWords` (`words`: cheaper still, `mayScoreIn`), and each quote prepared once.
 */
export function fitSpan(text: string, quoted: string | PreparedQuery, minScore: number, source: Token[] = tokenize(text), words?: TextWords): SpanFit | null {
  const query = typeof quoted === 'string' ? prepare(tokenize(quoted)) : quoted;
  if (words && !mayScoreIn(query, words, minScore)) return null;
  if (scoreUpperBound(query, source) < minScore) return null;
  const [best] = align(query, source, 1);
  if (!best || best.score < minScore || best.to <= best.from) return null;
  return { alignment: best, start: source[best.from].start, end: source[best.to - 1].end, words: [best.from, best.to] };
}

/**
 * Where `quoted` sits in `text` as the same words, a misquote at most (`MAX_EDIT_RUNS`; a phrase
 * under SHORT_QUOTE_WORDS exactly): the fit a print must have to join a quotation, and a primary
 * passage to be a quotation's original.
 */
export function fitWords(text: string, quoted: string | PreparedQuery, minScore: number, source?: Token[], words?: TextWords): SpanFit | null {
  const fit = fitSpan(text, quoted, minScore, source, words);
  if (!fit) return null;
  // A short phrase is the same words only as is: "We need change" is not "What we need to change".
  const length = typeof quoted === 'string' ? tokenize(quoted).length : quoted.tokens.length;
  return editRuns(fit.alignment) <= (length < SHORT_QUOTE_WORDS ? 0 : MAX_EDIT_RUNS) ? fit : null;
}

/**
 * Whether `quoted` prints the same words as the original (a member of its quotation): it aligns
 * inside the original's excerpt with at least `minScore`, over the original's own span.
 */
export function printsSameWords(original: SourceRef, quoted: string, minScore: number): SpanFit | null {
  const fit = fitWords(original.excerpt.text, quoted, minScore);
  if (!fit) return null;
  const tokens = tokenize(original.excerpt.text);
  const own = wordRange(tokens, original.start, original.end);
  return sameWords(fit.words, own) ? fit : null;
}

/**
 * Two word spans of one text are the same quotation when they mostly coincide, or when one lies
 * inside the other: a report that quotes one sentence of a longer quotation prints part of the
 * same words said once (one word of slack each side: a quote mark or a dropped "and").
 */
export function sameWords(a: [number, number], b: [number, number]): boolean {
  if (rangeOverlap(a, b) >= SAME_WORDS_OVERLAP) return true;
  const inside = (x: [number, number], y: [number, number]) => x[0] >= y[0] - 1 && x[1] <= y[1] + 1 && x[1] - x[0] >= 3;
  return inside(a, b) || inside(b, a);
}

/** The speaker a passage attributes its characters [start, end) to: the attributed quote overlapping them most. */
export function speakerAt(ex: { quotes?: { start: number; end: number; speaker?: Speaker }[] }, start: number, end: number): Speaker | undefined {
  let best: Speaker | undefined;
  let bestOverlap = 0;
  for (const q of ex.quotes ?? []) {
    const overlap = Math.min(end, q.end) - Math.max(start, q.start);
    if (overlap > bestOverlap && q.speaker?.name) {
      bestOverlap = overlap;
      best = q.speaker;
    }
  }
  return best ? { ...best } : undefined;
}

/**
 * Quotes this short are ordinary phrases ("I will tell the truth"): a primary is their original only
 * when the print names the primary's speaker (or names no one). Longer runs of the same words are no
 * coincidence, and a print crediting someone else is a misattribution to flag, not a reason to look
 * elsewhere.
 */
export const SHORT_QUOTE_WORDS = 8;

/**
 * Whether a primary record can be the original of a print: made no later than the print (dates
 * known), and, for a short quote, said by whoever the print credits and in its very words (`edits`:
 * separate runs of changed words, when the caller aligned them).
 */
export function mayBeOriginal(
  record: { published: string; speaker?: Speaker },
  print: { published?: string; credited?: string; words: number; edits?: number },
): boolean {
  const day = (d: string | undefined) => (d ? d.slice(0, 10) : '');
  if (day(print.published) && day(record.published) && day(record.published) > day(print.published)) return false;
  if (print.words < SHORT_QUOTE_WORDS && print.credited && record.speaker?.name && !sameSpeaker(print.credited, record.speaker)) return false;
  // A short phrase that a record holds only with words changed ("every single debate" in "every
  // single …") is a common turn of phrase, not evidence that the record is where it was said.
  if (print.words < SHORT_QUOTE_WORDS && (print.edits ?? 0) > 0) return false;
  return true;
}

/* ---------- who the page credits ---------- */

const SPEECH_VERB = String.raw`(?:said|says|say|told|tells|added|adds|stated|states|declared|wrote|writes|insisted|argued|explained|warned|noted|asked|replied|recalled|according\s+to)`;
const NAME = String.raw`((?:\p{Lu}[\p{L}'’.-]+)(?:\s+\p{Lu}[\p{L}'’.-]+){0,3})`;
/** "…," Name said / Name said: "…" / according to Name. */
const CREDIT_AFTER = new RegExp(String.raw`^[\s"“”'‘’,.:;—–-]*(?:${SPEECH_VERB}\s+${NAME}|${NAME}\s+${SPEECH_VERB})`, 'u');
const CREDIT_BEFORE = new RegExp(String.raw`(?:${NAME}\s+${SPEECH_VERB}|according\s+to\s+${NAME})[^.!?"“”]{0,40}[:,]?\s*["“‘']?\s*$`, 'u');
/** Capitalised words that open a sentence or a title, never a speaker's name on their own. */
const NOT_NAMES = new Set(['the', 'a', 'an', 'he', 'she', 'they', 'it', 'we', 'i', 'you', 'this', 'that', 'mr', 'mrs', 'ms', 'dr', 'but', 'and']);

/**
 * The speaker the text around a highlight credits with it, if it names one next to a speech verb
 * ("…," Okonjo said / Okonjo said: "…" / according to Okonjo). Pronouns and roles ("he said",
 * "the councillor said") name no one: they are never a mismatch.
 */
export function creditedSpeaker(prefix: string, suffix: string): string | undefined {
  const pick = (m: RegExpExecArray | null) => m?.slice(1).find((g) => g && !NOT_NAMES.has(g.toLowerCase().split(/\s+/)[0]));
  return pick(CREDIT_AFTER.exec(suffix.slice(0, 120))) ?? pick(CREDIT_BEFORE.exec(prefix.slice(-160)));
}

const TITLES = /^(?:mr|mrs|ms|miss|dr|prof|sen|senator|rep|gov|president|secretary-general|councillor|minister|the)$/;
const nameWords = (name: string) =>
  normaliseWords(name)
    .split(' ')
    .filter((w) => w.length > 1 && !TITLES.test(w));

/**
 * Whether a credited name is the original's speaker: the same person named differently (a
 * transcript's `HOLT:` label, "Councillor Maren Holt", "Ms Holt") shares a name word with it.
 */
export function sameSpeaker(credited: string, speaker: { name: string; role?: string }): boolean {
  const mine = new Set(nameWords(speaker.name));
  const theirs = nameWords(credited);
  if (theirs.length === 0 || mine.size === 0) return true;
  return theirs.some((w) => mine.has(w));
}
