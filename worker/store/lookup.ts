/**
 * Quote/claim lookup against KV in at most two sequential round trips:
 *   RT1  one bulk get of ≤ 100 posting lists (the highlight's index features), plus the record of
 *        the page the highlight came from (`url`), in parallel;
 *   RT2  one bulk get of the best-scoring candidate units: deduplicated passages and quotations
 *        (≤ MAX_CANDIDATES), plus the page's own copies of them.
 * Between and after them everything is pure core logic: normalise → features → tally candidates →
 * align words → calibrated score and threshold → the original (core/provenance) → differences
 * from the original.
 *
 * Units: a **passage** (`p…`) is every copy of one paragraph's words, a **quotation** (`q…`) every
 * print of words said once, anchored at its original. A highlight matched by a quotation or a
 * primary passage is answered with that original, even when a report's copy matches it better: a
 * misquote is never confirmed by the article that printed it.
 * Never throws on any input string: bad input gives `{ matches: [] }`; an exception is a bug and is
 * not swallowed.
 */
import { MAX_ENGINE_QUERY_CHARS } from '../core/limits';
import { differencesOf, droppedLeadingNegation, isAltered } from '../core/diff';
import { LOOKUP_FEATURE_BUDGET, lookupFeatures, MAX_QUERY_FEATURES, parsePosting, type QueryFeature } from '../core/features';
import { align, contextAgreement, isLookupable, prepare, SCORE_THRESHOLD, scoreUpperBound, type Alignment, type PreparedQuery } from '../core/match';
import { tokenize, type Token } from '../core/normalise';
import { creditedSpeaker, isQuotationId, mayBeOriginal, rangeOverlap, sameSpeaker, speakerAt, wordRange } from '../core/provenance';
import type { Appearances, ArticleSummary, Difference, Excerpt, Match, Passage, Quotation, SourceRef, Speaker, TextQuoteSelector } from '../core/types';
import { generationOf, GENERATION_KEY } from './generation';
import { keys } from './keys';
import { KV_BULK_GET_LIMIT, type KV } from './kv';
import { pageKeyFor, type PageRecord } from './page';

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
const MAX_PAGE_UNITS = 24;

export interface LookupOptions {
  limit?: number;
  /** Diagnostics only (bench calibration): report matches down to this score instead of SCORE_THRESHOLD. */
  minScore?: number;
  /**
   * Whether the page's own stored attribution may credit the words when the context names no one
   * (default true: a reader's page). The quote check passes false: it judges the draft's own words
   * and context, not a copy of the page the record may already hold.
   */
  creditFromPage?: boolean;
  /**
   * Index features read per highlight (default LOOKUP_FEATURE_BUDGET). The bench passes
   * MAX_QUERY_FEATURES to measure the earlier read-everything selection beside it.
   */
  featureBudget?: number;
  /** Read the store's generation in RT1 (default true; one key). */
  readGeneration?: boolean;
}

export interface LookupStats {
  /** Sequential KV round trips (parallel bulk gets in one phase count once). */
  roundTrips: number;
  keysRead: number;
}

export interface LookupResult {
  matches: Match[];
  stats: LookupStats;
  /** The store's generation read in RT1 (store/generation.ts): what a cached copy of this answer is valid for. */
  generation?: string;
}

export type UnitFilter = 'all' | 'quotations' | 'passages';

/** A unit read in RT2: a deduplicated passage or a quotation. */
export type Unit = { id: string; passage: Passage; quotation?: undefined } | { id: string; quotation: Quotation; passage?: undefined };

export interface Candidate {
  id: string;
  /** Rarity-weighted share of the highlight's features found in this unit. */
  weight: number;
}

interface Plan {
  selector: TextQuoteSelector & { url?: string };
  exact: string;
  tokens: Token[];
  features: QueryFeature[];
}

function plan(selector: TextQuoteSelector & { url?: string }, featureBudget: number): Plan | null {
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
export function candidates(features: QueryFeature[], postings: Map<string, string | null>, filter: UnitFilter = 'all', max = MAX_CANDIDATES, floorShare = CANDIDATE_FLOOR): Candidate[] {
  const tally = new Map<string, number>();
  for (const f of features) {
    const { ids, total } = parsePosting(postings.get(keys.indexFeature(f.key)));
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
    const extra = ranked.slice(max).filter(([id]) => isQuotationId(id)).slice(0, reserved - quotationsPicked);
    picked.push(...extra);
  }
  return picked.map(([id, weight]) => ({ id, weight }));
}

export const unitKey = (id: string) => (isQuotationId(id) ? keys.quotation(id) : keys.passage(id));

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


interface Scored {
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
function score(p: Plan, found: { unit: Unit | null; weight: number; onPage?: boolean }[], minScore: number, query: PreparedQuery, prefix?: Token[], suffix?: Token[]): Scored[] {
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
      consider(alignment, a.unit, joined, `${a.unit.passage.head.text}\n${b.unit.passage.head.text}`, { passage: b.unit.passage, firstToken: a.tokens.length, offset });
    }
  }
  scored.sort((a, b) => b.rank - a.rank || (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : a.alignment.from - b.alignment.from));
  return scored;
}

/** Differences between the highlight and the text a scored unit was aligned against (the original, for an authoritative unit). */
function differencesFor(p: Plan, queryTokens: Token[], s: Scored, prefix: Token[] | undefined): Difference[] {
  const { alignment, tokens, text, next } = s;
  const ownText = unitText(s.unit);
  let differences = differencesOf(alignment, tokens, text, queryTokens, p.exact);
  if (next) {
    differences = differences.map((d) => {
      if (d.sourceStart >= next.offset) return { ...d, sourceStart: d.sourceStart - next.offset, sourceEnd: d.sourceEnd - next.offset, excerptId: next.passage.head.id };
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
    article: { id: other.articleId, kind: other.kind, url: other.url, title: other.title ?? '', publisher: other.publisher ?? '', published: other.published, language: source.article.language },
    excerpt: { ...source.excerpt, id: other.excerptId },
  };
}

function toMatch(p: Plan, queryTokens: Token[], s: Scored, location: Scored, page: PageRecord | null, prefix: Token[] | undefined, creditFromPage = true): Match | null {
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
  const article: ArticleSummary = page && here.unit.passage && page.excerpts[here.unit.id] ? page.article : head ? head.article : here.unit.quotation!.original.article;
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
      suffix: here.next ? here.next.passage.head.text.slice(here.tokens[here.alignment.to - 1].end - here.next.offset).slice(0, CONTEXT_CHARS) : hereText.slice(end, end + CONTEXT_CHARS),
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
  const credited = creditedSpeaker(p.selector.prefix ?? '', p.selector.suffix ?? '') ?? (creditFromPage && pageCopy && head ? speakerAt(head, start, end)?.name : undefined);
  if (credited && source.speaker?.name && !sameSpeaker(credited, source.speaker)) {
    match.speakerMismatch = { credited, original: source.speaker.name };
  }
  return match;
}

/** Builds the Matches for one highlight from its scored units: the original first, then other originals. */
function answer(p: Plan, scored: Scored[], page: PageRecord | null, limit: number, query: PreparedQuery, prefix?: Token[], creditFromPage = true): Match[] {
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
  const credited = creditedSpeaker(p.selector.prefix ?? '', p.selector.suffix ?? '') ?? (creditFromPage && onPage ? speakerAt(onPage.unit.passage!.head, ...spanPair(onPage))?.name : undefined);
  const words = p.tokens.filter((t) => !t.gap).length;
  const eligible = (s: Scored) => !isPrimary(s) || mayBeOriginal({ published: sourceOf(s).article.published, ...(sourceOf(s).speaker ? { speaker: sourceOf(s).speaker } : {}) }, { published: printed, ...(credited ? { credited } : {}), words });
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

async function bulkGet<T>(kv: KV, names: string[], type: 'text' | 'json', stats: LookupStats): Promise<Map<string, T | null>> {
  const out = new Map<string, T | null>();
  if (names.length === 0) return out;
  stats.keysRead += names.length;
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += KV_BULK_GET_LIMIT) batches.push(names.slice(i, i + KV_BULK_GET_LIMIT));
  // Parallel bulk gets: one sequential round trip.
  const results = await Promise.all(batches.map((b) => kv.get(b, type as 'json') as Promise<Map<string, T | null>>));
  for (const r of results) for (const [k, v] of r) out.set(k, v ?? null);
  return out;
}

/**
 * RT1 alone for many windows of one text: the ids of each window's candidates (as `gatherUnits`
 * would pick them), united in first-seen order. Overlapping windows share their posting lists, so
 * each is read once; the writer reads the records it keeps, once each, however many windows name them.
 */
export async function candidateIdsOfWindows(kv: KV, windows: QueryFeature[][], filter: UnitFilter, stats: LookupStats, max: number, floorShare: number): Promise<string[]> {
  const featureKeys = [...new Set(windows.flatMap((w) => w.map((f) => keys.indexFeature(f.key))))];
  if (featureKeys.length) stats.roundTrips++;
  const postings = await bulkGet<string>(kv, featureKeys, 'text', stats);
  const ids = new Set<string>();
  for (const w of windows) for (const c of candidates(w, postings, filter, max, floorShare)) ids.add(c.id);
  return [...ids];
}

/**
 * RT1 + RT2 for a batch of texts: the candidate units of each, read. Shared by lookups and by the
 * writers (which units a new quote joins, which quotations a new primary holds).
 */
export async function gatherUnits(
  kv: KV,
  texts: { features: QueryFeature[]; url?: string }[],
  filter: UnitFilter,
  stats: LookupStats,
  max = MAX_CANDIDATES,
  floorShare = CANDIDATE_FLOOR,
  alsoRead: { keys: string[]; values?: Map<string, string | null> } = { keys: [] },
): Promise<{ units: { unit: Unit | null; weight: number; onPage?: boolean }[]; page: PageRecord | null }[]> {
  const featureKeys = [...new Set(texts.flatMap((t) => t.features.map((f) => keys.indexFeature(f.key))))];
  const pageKeys = [...new Set(texts.map((t) => (t.url ? pageKeyFor(t.url) : null)).filter((k): k is string => !!k))];
  if (featureKeys.length || pageKeys.length || alsoRead.keys.length) stats.roundTrips++;
  // `alsoRead` (the store's generation, for lookups) rides in the same bulk get as the index.
  const textKeys = [...featureKeys, ...alsoRead.keys.filter((k) => !featureKeys.includes(k))];
  const [postings, pages] = await Promise.all([bulkGet<string>(kv, textKeys, 'text', stats), bulkGet<PageRecord>(kv, pageKeys, 'json', stats)]);
  for (const k of alsoRead.keys) alsoRead.values?.set(k, postings.get(k) ?? null);
  const wanted = texts.map((t) => candidates(t.features, postings, filter, max, floorShare));
  const pageOf = (t: { url?: string }) => (t.url ? (pages.get(pageKeyFor(t.url)) ?? null) : null);
  // The page's own copies that share a feature with the highlight are read too, so it is found among them.
  const pageUnits = texts.map((t, k) => {
    const page = pageOf(t);
    if (!page || filter === 'quotations') return [];
    const listed = new Set(wanted[k].map((c) => c.id));
    return page.passages.filter((id) => !listed.has(id)).slice(0, MAX_PAGE_UNITS);
  });
  const ids = [...new Set([...wanted.flat().map((c) => c.id), ...pageUnits.flat()])];
  if (ids.length) stats.roundTrips++;
  const records = await bulkGet<unknown>(kv, ids.map(unitKey), 'json', stats);
  return texts.map((t, k) => ({
    units: [...wanted[k], ...pageUnits[k].map((id) => ({ id, weight: 0 }))].map((c) => ({
      unit: toUnit(c.id, records.get(unitKey(c.id))),
      weight: c.weight,
      onPage: !!pageOf(t)?.excerpts[c.id],
    })),
    page: pageOf(t),
  }));
}

/**
 * Finds where each highlight comes from. Two sequential KV round trips for the whole batch. Input never
 * makes it throw; a failing KV does (the caller answers 503 rather than a false "no match").
 */
export async function lookupBatch(kv: KV, selectors: (TextQuoteSelector & { url?: string })[], opts: LookupOptions = {}): Promise<LookupResult[]> {
  const limit = Math.max(1, Math.min(10, Math.floor(Number(opts.limit) || 3)));
  const minScore = typeof opts.minScore === 'number' && opts.minScore >= 0 ? opts.minScore : SCORE_THRESHOLD;
  const stats: LookupStats = { roundTrips: 0, keysRead: 0 };
  // No catch-all here: an exception is an engine bug, and it must surface as one (a 500 the fuzz
  // tests can see), never pass for "no reliable source".
  const featureBudget = Math.max(1, Math.min(MAX_QUERY_FEATURES, Math.floor(Number(opts.featureBudget) || LOOKUP_FEATURE_BUDGET)));
  const plans = (Array.isArray(selectors) ? selectors : []).map((s) => plan(s, featureBudget));
  const live = plans.filter((p): p is Plan => !!p);
  // The store's generation, read with the index (RT1) so the answer can be cached under it. A batch
  // with nothing to look up reads nothing: its answer does not depend on the store.
  const withGeneration = opts.readGeneration !== false && live.length > 0;
  const generationRead = { keys: withGeneration ? [GENERATION_KEY] : [], values: new Map<string, string | null>() };
  const gathered = await gatherUnits(
    kv,
    live.map((p) => ({ features: p.features, url: typeof p.selector.url === 'string' ? p.selector.url : undefined })),
    'all',
    stats,
    MAX_CANDIDATES,
    CANDIDATE_FLOOR,
    generationRead,
  );
  const generation = withGeneration ? generationOf(generationRead.values.get(GENERATION_KEY)) : undefined;
  const byPlan = new Map(live.map((p, k) => [p, gathered[k]]));
  const results = plans.map((p) => {
    if (!p) return [];
    const { units, page } = byPlan.get(p)!;
    const query = prepare(p.tokens);
    const prefix = p.selector.prefix ? tokenize(String(p.selector.prefix).slice(-400)) : undefined;
    const suffix = p.selector.suffix ? tokenize(String(p.selector.suffix).slice(0, 400)) : undefined;
    return answer(p, score(p, units, minScore, query, prefix, suffix), page, limit, query, prefix, opts.creditFromPage !== false);
  });
  // Keys are shared across the batch, so each result reports the batch's totals.
  return results.map((matches) => ({ matches, stats: { ...stats }, ...(generation !== undefined ? { generation } : {}) }));
}

/** Finds where one highlight comes from: matches best first, `[]` when nothing is reliable. */
export async function lookup(kv: KV, selector: TextQuoteSelector & { url?: string }, opts: LookupOptions = {}): Promise<LookupResult> {
  const [result] = await lookupBatch(kv, [selector], opts);
  return result;
}
