/**
 * The lookup algorithm, as pure logic (the store reads KV for it: worker/store/lookup.ts):
 * plan a highlight (normalise, tokens, the features to read) → tally candidate units from their
 * posting lists → align the highlight in each unit read → calibrated score and threshold → the
 * original (core/provenance) → the differences from it, the source, the appearances, the page's own
 * copy. No KV, no Workers API: the CLI, the worker and the tests run the same code.
 *
 * Units: a **passage** (`p…`) is every copy of one paragraph's words, a **quotation** (`q…`) every
 * print of words said once, anchored at its original. A highlight matched by a quotation or a
 * primary passage is answered with that original, even when a report's copy matches it better: a
 * misquote is never confirmed by the article that printed it.
 *
 * Invariants: never throws on any input string (bad input plans to null); the answer depends only on
 * the highlight and the records read, in any order they arrive.
 */
import { MAX_ENGINE_QUERY_CHARS } from './limits';
import { differencesOf, droppedLeadingNegation, isAltered } from './diff';
import { lookupFeatures, parsePosting, type QueryFeature } from './features';
import { align, contextAgreement, isLookupable, scoreUpperBound, type Alignment, type PreparedQuery } from './match';
import { tokenize, type Token } from './normalise';
import { creditedSpeaker, isQuotationId, mayBeOriginal, rangeOverlap, sameSpeaker, speakerAt, wordRange } from './provenance';
import type { Appearances, ArticleSummary, Difference, Match, PageRecord, Passage, Quotation, SourceRef, TextQuoteSelector } from './types';

/** Candidate units read and aligned per highlight (one bulk get). */
export const MAX_CANDIDATES = 12;
/** Candidates whose feature weight is under this share of the best candidate's are not read. */
export const CANDIDATE_FLOOR = 0.4;
/** After a confident match, candidates under this share of the best weight are not aligned. */
const DUPLICATE_SHARE = 0.8;
/** A score this high is a near-certain match (stops further candidates and paragraph joining). */
const CONFIDENT_SCORE = 0.9;
/**
 * The original wins over a report's copy when it scores at least this share of the copy's score: a
 * misquote matches its own copy exactly (1.0) and the original a little less (one word off ≈ 0.85).
 */
const ORIGINAL_SHARE = 0.7;
const CONTEXT_CHARS = 32;
/** A page's own copies read in RT2 at most (its paragraphs that share features with the highlight come first). */
export const MAX_PAGE_UNITS = 24;

export type UnitFilter = 'all' | 'quotations' | 'passages';

/** A unit read in RT2: a deduplicated passage or a quotation. */
export type Unit = { id: string; passage: Passage; quotation?: undefined } | { id: string; quotation: Quotation; passage?: undefined };

export interface Candidate {
  id: string;
  /** Rarity-weighted share of the highlight's features found in this unit. */
  weight: number;
}

export interface Plan {
  selector: TextQuoteSelector & { url?: string };
  exact: string;
  tokens: Token[];
  features: QueryFeature[];
}

export function plan(selector: TextQuoteSelector & { url?: string }, featureBudget: number): Plan | null {
  const exact = typeof selector?.exact === 'string' ? selector.exact.slice(0, MAX_ENGINE_QUERY_CHARS) : '';
  const tokens = tokenize(exact);
  if (!isLookupable(tokens)) return null;
  return { selector, exact, tokens, features: lookupFeatures(tokens, featureBudget) };
}

/**
 * Candidate unit ids, best first: features weighted by rarity (short posting lists count more). A
 * quotation is weighed against the other quotations of its list, a passage against the list's total,
 * so ten thousand prints of the same words never drown the quotation that stands for them all.
 */
export function candidates(
  features: QueryFeature[],
  postingOf: (featureKey: string) => string | null | undefined,
  filter: UnitFilter = 'all',
  max = MAX_CANDIDATES,
  floorShare = CANDIDATE_FLOOR,
): Candidate[] {
  const tally = new Map<string, number>();
  for (const f of features) {
    const { ids, total } = parsePosting(postingOf(f.key));
    if (ids.length === 0) continue;
    // Quotations are listed first; a list cut short (more units carry the feature than it lists)
    // names an arbitrary few of its passages, which cannot tell passages apart: only its quotations count.
    const truncated = total > ids.length;
    let quotations = 0;
    for (const id of ids) if (isQuotationId(id)) quotations++;
    const base = f.kind === 'bigram' ? 1 : 0.7;
    const wq = base / Math.log2(2 + quotations);
    const wp = base / Math.log2(2 + total);
    for (const id of ids) {
      const q = isQuotationId(id);
      if (q ? filter === 'passages' : filter === 'quotations' || truncated) continue;
      tally.set(id, (tally.get(id) ?? 0) + (q ? wq : wp));
    }
  }
  // Candidates far behind the best of their kind share too little of the highlight to be its source;
  // dropping them before sorting saves sorting the long tail a long highlight brings. (Quotations
  // have their own bar: a quotation holding part of a long highlight is still its original.)
  let topPassage = 0;
  let topQuotation = 0;
  for (const [id, w] of tally) {
    if (isQuotationId(id)) topQuotation = Math.max(topQuotation, w);
    else topPassage = Math.max(topPassage, w);
  }
  const ranked: [string, number][] = [];
  for (const e of tally) if (e[1] >= (isQuotationId(e[0]) ? topQuotation : topPassage) * floorShare) ranked.push(e);
  ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  // Quotations are few and decisive: keep a third of the slots for them when they are there.
  const picked = ranked.slice(0, max);
  const reserved = Math.ceil(max / 3);
  const quotationsPicked = picked.filter(([id]) => isQuotationId(id)).length;
  if (filter === 'all' && quotationsPicked < reserved) {
    const extra = ranked
      .slice(max)
      .filter(([id]) => isQuotationId(id))
      .slice(0, reserved - quotationsPicked);
    picked.push(...extra);
  }
  return picked.map(([id, weight]) => ({ id, weight }));
}

export function toUnit(id: string, record: unknown): Unit | null {
  if (!record || typeof record !== 'object') return null;
  if (isQuotationId(id)) {
    const q = record as Quotation;
    return typeof q.original?.excerpt?.text === 'string' ? { id, quotation: q } : null;
  }
  const p = record as Passage;
  return typeof p.head?.text === 'string' ? { id, passage: p } : null;
}

/** The text a unit is aligned against: a passage's words, or the paragraph holding a quotation's original. */
export const unitText = (u: Unit) => (u.passage ? u.passage.head.text : u.quotation.original.excerpt.text);

export interface Scored {
  alignment: Alignment;
  unit: Unit;
  /** Tokens aligned against: the unit's, or the passage's followed by the next passage's. */
  tokens: Token[];
  text: string;
  /** Set when the span runs on into the next passage. */
  next?: { passage: Passage; firstToken: number; offset: number };
  rank: number;
}

const isPrimary = (s: Scored) => (s.unit.quotation ? s.unit.quotation.original.kind === 'primary' : s.unit.passage.head.article.kind === 'primary');
const isAuthoritative = (s: Scored) => !!s.unit.quotation || isPrimary(s);

/** Aligns the highlight in each candidate unit, best first. */
export function score(
  found: { unit: Unit | null; weight: number; onPage?: boolean }[],
  minScore: number,
  query: PreparedQuery,
  prefix?: Token[],
  suffix?: Token[],
): Scored[] {
  const scored: Scored[] = [];
  const aligned = new Map<string, { unit: Unit; tokens: Token[]; best: number }>();
  // Copies compete with copies: a quotation's weight (against other quotations) sets no bar for passages.
  const top = found.reduce((w, f) => (f.unit?.passage ? Math.max(w, f.weight) : w), 0);
  const topQuotation = found.reduce((w, f) => (f.unit?.quotation ? Math.max(w, f.weight) : w), 0);
  let confident = 0;
  const consider = (alignment: Alignment, unit: Unit, tokens: Token[], text: string, next?: Scored['next']) => {
    if (alignment.score < minScore || alignment.to <= alignment.from) return;
    if (unit.quotation) {
      // A quotation answers only for its own words, not for the rest of the paragraph around them.
      const own = wordRange(tokens, unit.quotation.original.start, unit.quotation.original.end);
      if (rangeOverlap([alignment.from, alignment.to], own) === 0) return;
    }
    const ctx = contextAgreement(tokens, alignment.from, alignment.to, prefix, suffix);
    scored.push({ alignment, unit, tokens, text, next, rank: alignment.score + 0.05 * ctx });
    if (alignment.score >= CONFIDENT_SCORE && unit.passage) confident++;
  };
  // A quotation's paragraph is often a passage that is also a candidate: tokenize each text once.
  const tokenized = new Map<string, Token[]>();
  const alignedTexts = new Map<string, Alignment[]>();
  const tokensOfText = (text: string) => {
    let t = tokenized.get(text);
    if (!t) tokenized.set(text, (t = tokenize(text)));
    return t;
  };
  for (const { unit, weight, onPage } of found) {
    if (!unit) continue;
    // Once a near-certain match is in, only near-duplicates of the best candidate can still compete:
    // quotations against the best quotation (they carry the original), passages against the best
    // passage; the page's own copies always do (they say where the highlight sits).
    if (confident > 0 && !onPage && weight < (unit.quotation ? topQuotation : top) * DUPLICATE_SHARE) continue;
    const text = unitText(unit);
    const tokens = tokensOfText(text);
    let best = 0;
    // Skip the alignment when no alignment here could be reported: too few of the highlight's words occur.
    if (scoreUpperBound(query, tokens) < minScore - 1e-6) {
      aligned.set(unit.id, { unit, tokens, best });
      continue;
    }
    // Every alternative: a repeated passage has several spans, and the selector's context picks one.
    // (A quotation's paragraph already aligned as a passage is not aligned again.)
    let alignments = alignedTexts.get(text);
    if (!alignments) alignedTexts.set(text, (alignments = align(query, tokens)));
    for (const alignment of alignments) {
      best = Math.max(best, alignment.score);
      consider(alignment, unit, tokens, text);
    }
    aligned.set(unit.id, { unit, tokens, best });
  }
  // A highlight across a paragraph break: both passages are candidates; align against the two together.
  for (const a of aligned.values()) {
    const nextId = a.unit.passage?.head.nextPassageId;
    const b = nextId ? aligned.get(nextId) : undefined;
    if (!a.unit.passage || !b?.unit.passage || Math.max(a.best, b.best) >= CONFIDENT_SCORE) continue;
    const offset = a.unit.passage.head.text.length + 1;
    const joined = a.tokens.concat(b.tokens.map((t) => ({ ...t, start: t.start + offset, end: t.end + offset })));
    if (scoreUpperBound(query, joined) < minScore - 1e-6) continue;
    for (const alignment of align(query, joined, 1)) {
      if (alignment.from >= a.tokens.length || alignment.to <= a.tokens.length) continue;
      consider(alignment, a.unit, joined, `${a.unit.passage.head.text}\n${b.unit.passage.head.text}`, {
        passage: b.unit.passage,
        firstToken: a.tokens.length,
        offset,
      });
    }
  }
  scored.sort((a, b) => b.rank - a.rank || (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : a.alignment.from - b.alignment.from));
  return scored;
}

/** Differences between the highlight and the text a scored unit was aligned against (the original, for an authoritative unit). */
export function differencesFor(p: Plan, queryTokens: Token[], s: Scored, prefix: Token[] | undefined): Difference[] {
  const { alignment, tokens, text, next } = s;
  const ownText = unitText(s.unit);
  let differences = differencesOf(alignment, tokens, text, queryTokens, p.exact);
  if (next) {
    differences = differences.map((d) => {
      if (d.sourceStart >= next.offset)
        return { ...d, sourceStart: d.sourceStart - next.offset, sourceEnd: d.sourceEnd - next.offset, excerptId: next.passage.head.id };
      return d.sourceEnd > ownText.length ? { ...d, sourceEnd: ownText.length, source: ownText.slice(d.sourceStart) } : d;
    });
  }
  const dropped = droppedLeadingNegation(tokens, alignment.from, text, prefix);
  if (dropped) differences.unshift(dropped);
  return differences;
}

const spanPair = (s: Scored): [number, number] => {
  const { start, end } = spanOf(s);
  return [start, end];
};

/** The span a scored unit covers, in its own text (a span into the next passage ends at this one's last word). */
function spanOf(s: Scored): { start: number; end: number } {
  const start = s.tokens[s.alignment.from].start;
  const lastHere = s.next ? Math.min(s.alignment.to, s.next.firstToken) - 1 : s.alignment.to - 1;
  return { start, end: s.tokens[lastHere].end };
}

/** The original a scored unit stands for. */
function sourceOf(s: Scored): SourceRef {
  if (s.unit.quotation) return s.unit.quotation.original;
  const head = s.unit.passage.head;
  const { start, end } = spanOf(s);
  const speaker = speakerAt(head, start, end);
  return {
    kind: head.article.kind === 'primary' ? 'primary' : 'earliest-report',
    article: head.article,
    excerpt: { id: head.id, text: head.text, position: head.position },
    exact: head.text.slice(start, end),
    start,
    end,
    ...(speaker ? { speaker } : {}),
  };
}

/** Appearances of a unit: a quotation's record, or a passage's copies (one wording: they are copies). */
function appearancesOf(s: Scored, source: SourceRef): Appearances {
  if (s.unit.quotation) return s.unit.quotation.appearances;
  const p = s.unit.passage;
  const reports = p.first.filter((c) => c.kind === 'report');
  const count = p.copies - p.primaryCopies;
  return {
    count,
    first: reports.slice(0, 5).map((c) => ({
      articleId: c.articleId,
      excerptId: c.excerptId,
      url: c.url,
      title: c.title ?? '',
      publisher: c.publisher ?? '',
      published: c.published,
      wording: source.exact,
    })),
    variants: count > 0 ? [{ wording: source.exact, count, differences: [], altered: false, original: true, since: reports[0]?.published ?? '' }] : [],
    wordings: count > 0 ? 1 : 0,
  };
}

/** Whether the page (by its article) is among the unit's prints or is the unit's original. */
function pageHolds(page: PageRecord, s: Scored, source: SourceRef): boolean {
  if (source.article.id === page.article.id) return true;
  if (s.unit.quotation) return s.unit.quotation.appearances.first.some((a) => a.articleId === page.article.id);
  return s.unit.passage.first.some((c) => c.articleId === page.article.id) || page.passages.includes(s.unit.id);
}

/**
 * The original when the page itself holds it: the page is never its own source. A quotation falls
 * back to its earliest print elsewhere; a passage to its next copy (the same words).
 */
function sourceOtherThanPage(s: Scored, source: SourceRef, pageArticle: string): SourceRef | null {
  if (source.article.id !== pageArticle) return source;
  if (s.unit.quotation) {
    const alt = s.unit.quotation.alternate;
    return alt && alt.article.id !== pageArticle ? alt : null;
  }
  const other = s.unit.passage.first.find((c) => c.articleId !== pageArticle);
  if (!other) return null;
  return {
    ...source,
    kind: other.kind === 'primary' ? 'primary' : 'earliest-report',
    article: {
      id: other.articleId,
      kind: other.kind,
      url: other.url,
      title: other.title ?? '',
      publisher: other.publisher ?? '',
      published: other.published,
      language: source.article.language,
    },
    excerpt: { ...source.excerpt, id: other.excerptId },
  };
}

export function toMatch(
  p: Plan,
  queryTokens: Token[],
  s: Scored,
  location: Scored,
  page: PageRecord | null,
  prefix: Token[] | undefined,
  creditFromPage = true,
): Match | null {
  let source = sourceOf(s);
  const thisPage = page ? pageHolds(page, s, source) : false;
  if (page && thisPage) {
    const other = sourceOtherThanPage(s, source, page.article.id);
    if (!other) return null;
    source = other;
  }
  const differences = differencesFor(p, queryTokens, s, prefix);
  // Where the highlight sits in the original's paragraph (not when the source had to move off this page).
  if (source.excerpt.id === sourceOf(s).excerpt.id && source.excerpt.text === unitText(s.unit)) source = { ...source, highlight: spanOf(s) };
  // Where the highlight sits: the page's own copy when we hold it, else the best copy found.
  const here = location;
  const hereText = unitText(here.unit);
  const { start, end } = spanOf(here);
  const head = here.unit.passage?.head;
  const excerptId = here.unit.passage ? (page?.excerpts[here.unit.id] ?? head!.id) : here.unit.quotation.original.excerpt.id;
  const article: ArticleSummary =
    page && here.unit.passage && page.excerpts[here.unit.id] ? page.article : head ? head.article : here.unit.quotation!.original.article;
  const match: Match = {
    score: s.alignment.score,
    excerpt: {
      id: excerptId,
      text: hereText,
      articleId: article.id,
      position: head ? head.position : here.unit.quotation!.original.excerpt.position,
    },
    article,
    quote: {
      exact: hereText.slice(start, end),
      prefix: hereText.slice(Math.max(0, start - CONTEXT_CHARS), start),
      suffix: here.next
        ? here.next.passage.head.text.slice(here.tokens[here.alignment.to - 1].end - here.next.offset).slice(0, CONTEXT_CHARS)
        : hereText.slice(end, end + CONTEXT_CHARS),
      start,
      end,
    },
    differences,
    altered: isAltered(differences),
    claims: head?.claims ?? [],
    source,
    appearances: appearancesOf(s, source),
    thisPage,
  };
  const speaker = source.speaker ?? (head ? speakerAt(head, start, end) : undefined);
  if (speaker) match.speaker = speaker;
  if (here.next) {
    const nStart = here.tokens[here.next.firstToken].start - here.next.offset;
    const nEnd = here.tokens[here.alignment.to - 1].end - here.next.offset;
    match.continuation = { excerptId: here.next.passage.head.id, exact: here.next.passage.head.text.slice(nStart, nEnd), start: nStart, end: nEnd };
  }
  // Misattribution: the page or the highlight's context credits someone else with the original's words.
  // (The page's own attribution counts only when we hold the page's copy: another report's is not this page's word.)
  const pageCopy = !!(page && here.unit.passage && page.excerpts[here.unit.id]);
  const credited =
    creditedSpeaker(p.selector.prefix ?? '', p.selector.suffix ?? '') ?? (creditFromPage && pageCopy && head ? speakerAt(head, start, end)?.name : undefined);
  if (credited && source.speaker?.name && !sameSpeaker(credited, source.speaker)) {
    match.speakerMismatch = { credited, original: source.speaker.name };
  }
  return match;
}

/** Builds the Matches for one highlight from its scored units: the original first, then other originals. */
export function answer(
  p: Plan,
  scored: Scored[],
  page: PageRecord | null,
  limit: number,
  query: PreparedQuery,
  prefix?: Token[],
  creditFromPage = true,
): Match[] {
  if (!scored.length) return [];
  const best = scored[0];
  // The speaker's own record first (a primary passage, or a quotation anchored in one), then a
  // quotation's earliest report; either must match about as well as the best copy does.
  // Where the highlight sits: the page's own copy, else the best-matching print.
  const onPage = page ? scored.find((s) => s.unit.passage && page.excerpts[s.unit.id] !== undefined) : undefined;
  const location = onPage ?? scored.find((s) => !!s.unit.passage) ?? best;
  // What the print tells: its date (the page's, else the earliest print of a matching quotation)
  // and whom it credits. A primary made later, or (for a short phrase) said by someone else, is not its original.
  const fits = (s: Scored) => s.alignment.score >= ORIGINAL_SHARE * best.alignment.score;
  const printDates = scored.filter((s) => s.unit.quotation && fits(s)).map((s) => s.unit.quotation!.appearances.first[0]?.published ?? '');
  const printed = page?.article.published || printDates.filter(Boolean).sort()[0] || '';
  const credited =
    creditedSpeaker(p.selector.prefix ?? '', p.selector.suffix ?? '') ??
    (creditFromPage && onPage ? speakerAt(onPage.unit.passage!.head, ...spanPair(onPage))?.name : undefined);
  const words = p.tokens.filter((t) => !t.gap).length;
  const eligible = (s: Scored) =>
    !isPrimary(s) ||
    mayBeOriginal(
      { published: sourceOf(s).article.published, ...(sourceOf(s).speaker ? { speaker: sourceOf(s).speaker } : {}) },
      { published: printed, ...(credited ? { credited } : {}), words },
    );
  // A quotation anchored in a primary carries the primary and its prints: it goes before the bare passage.
  const original =
    scored.find((s) => isPrimary(s) && !!s.unit.quotation && fits(s) && eligible(s)) ??
    scored.find((s) => isPrimary(s) && fits(s) && eligible(s)) ??
    scored.find((s) => !isPrimary(s) && isAuthoritative(s) && fits(s));
  const out: Match[] = [];
  const used = new Set<string>();
  const push = (s: Scored, loc: Scored) => {
    if (used.has(s.unit.id) || out.length >= limit) return;
    used.add(s.unit.id);
    const m = toMatch(p, query.tokens, s, loc, page, prefix, creditFromPage);
    if (m) out.push(m);
  };
  if (original) {
    push(original, location);
    // Other originals (the same words said on another occasion), never reports that print this one.
    for (const s of scored) if (isAuthoritative(s) && eligible(s)) push(s, s.unit.passage ? s : location);
    return out;
  }
  for (const s of scored) push(s, s);
  return out;
}
