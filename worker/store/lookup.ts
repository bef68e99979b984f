/**
 * Quote/claim lookup against KV in at most two sequential round trips:
 *   RT1  one bulk get of ≤ 100 posting lists (the highlight's index features);
 *   RT2  one bulk get of the best-scoring candidate excerpts (≤ MAX_CANDIDATES).
 * Between and after them everything is pure core logic: normalise → features → tally candidates →
 * align words → calibrated score and threshold → word-level differences.
 * Never throws on any input string: bad input gives `{ matches: [] }`.
 */
import { differencesOf, droppedLeadingNegation, isAltered } from '../core/diff';
import { parsePosting, queryFeatures, type QueryFeature } from '../core/features';
import { align, contextAgreement, isLookupable, prepare, SCORE_THRESHOLD, scoreUpperBound, type Alignment } from '../core/match';
import { tokenize, type Token } from '../core/normalise';
import type { Difference, Excerpt, Match, Speaker, TextQuoteSelector } from '../core/types';
import { keys } from './keys';
import { KV_BULK_GET_LIMIT, type KV } from './kv';

/** Candidate excerpts read and aligned per highlight (one bulk get). */
export const MAX_CANDIDATES = 12;
/** Candidates whose feature weight is under this share of the best candidate's are not read. */
export const CANDIDATE_FLOOR = 0.4;
/** After a confident match, candidates under this share of the best weight are not aligned. */
const DUPLICATE_SHARE = 0.8;
/** A score this high is a near-certain match (stops further candidates and paragraph joining). */
const CONFIDENT_SCORE = 0.9;
/** Longest highlight considered, in characters (a selection of several paragraphs at most). */
export const MAX_QUERY_CHARS = 4000;
const CONTEXT_CHARS = 32;

export interface LookupOptions {
  limit?: number;
  /** Diagnostics only (bench calibration): report matches down to this score instead of SCORE_THRESHOLD. */
  minScore?: number;
}

export interface LookupStats {
  /** Sequential KV round trips (parallel bulk gets in one phase count once). */
  roundTrips: number;
  keysRead: number;
}

export interface LookupResult {
  matches: Match[];
  stats: LookupStats;
}

interface Candidate {
  id: string;
  /** Rarity-weighted share of the highlight's features found in this excerpt. */
  weight: number;
}

interface Plan {
  selector: TextQuoteSelector;
  exact: string;
  tokens: Token[];
  features: QueryFeature[];
}

function plan(selector: TextQuoteSelector): Plan | null {
  const exact = typeof selector?.exact === 'string' ? selector.exact.slice(0, MAX_QUERY_CHARS) : '';
  const tokens = tokenize(exact);
  if (!isLookupable(tokens)) return null;
  return { selector, exact, tokens, features: queryFeatures(tokens) };
}

/** Candidate excerpt ids, best first: features weighted by rarity (short posting lists count more). */
function candidates(p: Plan, postings: Map<string, string | null>): Candidate[] {
  const tally = new Map<string, number>();
  for (const f of p.features) {
    const ids = parsePosting(postings.get(keys.indexFeature(f.key)));
    if (ids === 'saturated' || ids.length === 0) continue;
    const w = (f.kind === 'bigram' ? 1 : 0.7) / Math.log2(2 + ids.length);
    for (const id of ids) tally.set(id, (tally.get(id) ?? 0) + w);
  }
  // Candidates far behind the best share too little of the highlight to be its source; dropping them
  // before sorting saves sorting the long tail a long highlight brings.
  let top = 0;
  for (const w of tally.values()) if (w > top) top = w;
  const floor = top * CANDIDATE_FLOOR;
  const ranked: [string, number][] = [];
  for (const e of tally) if (e[1] >= floor) ranked.push(e);
  ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return ranked.slice(0, MAX_CANDIDATES).map(([id, weight]) => ({ id, weight }));
}

function speakerFor(ex: Excerpt, start: number, end: number): Speaker | undefined {
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

interface Scored {
  alignment: Alignment;
  excerpt: Excerpt;
  /** Tokens aligned against: the excerpt's, or the excerpt's followed by the next one's. */
  tokens: Token[];
  /** Set when the span runs on into the next excerpt. */
  next?: { excerpt: Excerpt; firstToken: number; offset: number };
  rank: number;
}

/** Aligns the highlight in each candidate and builds the Matches above the threshold, best first. */
function verify(p: Plan, found: { excerpt: Excerpt | null | undefined; weight: number }[], limit: number, minScore: number): Match[] {
  const query = prepare(p.tokens);
  const prefix = p.selector.prefix ? tokenize(String(p.selector.prefix).slice(-400)) : undefined;
  const suffix = p.selector.suffix ? tokenize(String(p.selector.suffix).slice(0, 400)) : undefined;
  const scored: Scored[] = [];
  const aligned = new Map<string, { excerpt: Excerpt; tokens: Token[]; best: number }>();
  const top = found[0]?.weight ?? 0;
  let confident = 0;
  const consider = (alignment: Alignment, excerpt: Excerpt, tokens: Token[], next?: Scored['next']) => {
    if (alignment.score < minScore || alignment.to <= alignment.from) return;
    const ctx = contextAgreement(tokens, alignment.from, alignment.to, prefix, suffix);
    scored.push({ alignment, excerpt, tokens, next, rank: alignment.score + 0.05 * ctx });
    if (alignment.score >= CONFIDENT_SCORE) confident++;
  };
  for (const { excerpt: ex, weight } of found) {
    if (!ex || typeof ex.text !== 'string') continue;
    // Once a near-certain match is in, only near-duplicates of the best candidate can still compete.
    if (confident > 0 && weight < top * DUPLICATE_SHARE) break;
    const tokens = tokenize(ex.text);
    let best = 0;
    // Skip the alignment when no alignment here could be reported (nor count as a confident one):
    // too few of the highlight's words occur in this excerpt. Results are the same, just cheaper.
    if (scoreUpperBound(query, tokens) < Math.min(minScore, CONFIDENT_SCORE) - 1e-6) {
      aligned.set(ex.id, { excerpt: ex, tokens, best });
      continue;
    }
    for (const alignment of align(query, tokens)) {
      best = Math.max(best, alignment.score);
      consider(alignment, ex, tokens);
    }
    aligned.set(ex.id, { excerpt: ex, tokens, best });
  }
  // A highlight across a paragraph break: both excerpts are candidates; align against the two together.
  for (const a of aligned.values()) {
    const b = a.excerpt.nextId ? aligned.get(a.excerpt.nextId) : undefined;
    if (!b || Math.max(a.best, b.best) >= CONFIDENT_SCORE) continue;
    const offset = a.excerpt.text.length + 1;
    const joined = a.tokens.concat(b.tokens.map((t) => ({ ...t, start: t.start + offset, end: t.end + offset })));
    if (scoreUpperBound(query, joined) < minScore - 1e-6) continue;
    for (const alignment of align(query, joined, 1)) {
      if (alignment.from >= a.tokens.length || alignment.to <= a.tokens.length) continue;
      consider(alignment, a.excerpt, joined, { excerpt: b.excerpt, firstToken: a.tokens.length, offset });
    }
  }
  scored.sort((a, b) => b.rank - a.rank || (a.excerpt.id < b.excerpt.id ? -1 : 1));
  const seen = new Set<string>();
  const out: Match[] = [];
  for (const s of scored) {
    if (seen.has(s.excerpt.id)) continue;
    seen.add(s.excerpt.id);
    out.push(toMatch(p, query.tokens, s, prefix));
    if (out.length >= limit) break;
  }
  return out;
}

function toMatch(p: Plan, queryTokens: Token[], { alignment, excerpt: ex, tokens, next }: Scored, prefix: Token[] | undefined): Match {
  const start = tokens[alignment.from].start;
  // A span that runs on into the next excerpt ends, in this one, at its last word.
  const lastHere = next ? Math.min(alignment.to, next.firstToken) - 1 : alignment.to - 1;
  const end = tokens[lastHere].end;
  let differences: Difference[];
  if (next) {
    const joinedText = `${ex.text}\n${next.excerpt.text}`;
    differences = differencesOf(alignment, tokens, joinedText, queryTokens, p.exact).map((d) => {
      if (d.sourceStart >= next.offset) {
        return { ...d, sourceStart: d.sourceStart - next.offset, sourceEnd: d.sourceEnd - next.offset, excerptId: next.excerpt.id };
      }
      return d.sourceEnd > ex.text.length ? { ...d, sourceEnd: ex.text.length, source: ex.text.slice(d.sourceStart) } : d;
    });
  } else {
    differences = differencesOf(alignment, tokens, ex.text, queryTokens, p.exact);
  }
  const dropped = droppedLeadingNegation(tokens, alignment.from, next ? `${ex.text}\n${next.excerpt.text}` : ex.text, prefix);
  if (dropped) differences.unshift(dropped);
  const speaker = speakerFor(ex, start, end) ?? (next ? speakerFor(next.excerpt, 0, tokens[alignment.to - 1].end - next.offset) : undefined);
  const match: Match = {
    score: alignment.score,
    excerpt: { id: ex.id, text: ex.text, articleId: ex.articleId, position: ex.position },
    article: ex.article,
    quote: {
      exact: ex.text.slice(start, end),
      prefix: ex.text.slice(Math.max(0, start - CONTEXT_CHARS), start),
      suffix: next ? next.excerpt.text.slice(tokens[alignment.to - 1].end - next.offset).slice(0, CONTEXT_CHARS) : ex.text.slice(end, end + CONTEXT_CHARS),
      start,
      end,
    },
    differences,
    altered: isAltered(differences),
    claims: ex.claims ?? [],
  };
  if (speaker) match.speaker = speaker;
  if (next) {
    const nStart = tokens[next.firstToken].start - next.offset;
    const nEnd = tokens[alignment.to - 1].end - next.offset;
    match.continuation = { excerptId: next.excerpt.id, exact: next.excerpt.text.slice(nStart, nEnd), start: nStart, end: nEnd };
  }
  return match;
}

async function bulkGet<T>(kv: KV, names: string[], type: 'text' | 'json', stats: LookupStats): Promise<Map<string, T | null>> {
  const out = new Map<string, T | null>();
  if (names.length === 0) return out;
  stats.roundTrips++;
  stats.keysRead += names.length;
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += KV_BULK_GET_LIMIT) batches.push(names.slice(i, i + KV_BULK_GET_LIMIT));
  // Parallel bulk gets: one sequential round trip.
  const results = await Promise.all(batches.map((b) => kv.get(b, type as 'json') as Promise<Map<string, T | null>>));
  for (const r of results) for (const [k, v] of r) out.set(k, v ?? null);
  return out;
}

/**
 * Finds where each highlight comes from. Two sequential KV round trips for the whole batch. Input never
 * makes it throw; a failing KV does (the caller answers 503 rather than a false "no match").
 */
export async function lookupBatch(kv: KV, selectors: TextQuoteSelector[], opts: LookupOptions = {}): Promise<LookupResult[]> {
  const limit = Math.max(1, Math.min(10, Math.floor(Number(opts.limit) || 3)));
  const minScore = typeof opts.minScore === 'number' && opts.minScore >= 0 ? opts.minScore : SCORE_THRESHOLD;
  const stats: LookupStats = { roundTrips: 0, keysRead: 0 };
  const plans = (Array.isArray(selectors) ? selectors : []).map((s) => {
    try {
      return plan(s);
    } catch {
      return null;
    }
  });
  const featureKeys = [...new Set(plans.flatMap((p) => (p ? p.features.map((f) => keys.indexFeature(f.key)) : [])))];
  const postings = await bulkGet<string>(kv, featureKeys, 'text', stats);
  const wanted = plans.map((p) => (p ? candidates(p, postings) : []));
  const excerptKeys = [...new Set(wanted.flat().map((c) => c.id))].map((id) => keys.excerpt(id));
  const records = await bulkGet<Excerpt>(kv, excerptKeys, 'json', stats);
  const results = plans.map((p, k) => {
    if (!p) return [];
    try {
      return verify(p, wanted[k].map((c) => ({ excerpt: records.get(keys.excerpt(c.id)), weight: c.weight })), limit, minScore);
    } catch {
      return [];
    }
  });
  // Keys are shared across the batch, so each result reports the batch's totals.
  return results.map((matches) => ({ matches, stats: { ...stats } }));
}

/** Finds where one highlight comes from: matches best first, `[]` when nothing is reliable. */
export async function lookup(kv: KV, selector: TextQuoteSelector, opts: LookupOptions = {}): Promise<LookupResult> {
  const [result] = await lookupBatch(kv, [selector], opts);
  return result;
}
