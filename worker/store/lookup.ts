/**
 * Quote/claim lookup against KV in at most two sequential round trips (the algorithm itself is pure
 * logic in core/lookup.ts; this module only reads KV for it):
 *   RT1  one bulk get of the highlight's index features (a budget of the rarest), the store
 *        generation, and the record of the page the highlight came from (`url`), in parallel;
 *   RT2  one bulk get of the best-scoring candidate units: deduplicated passages and quotations
 *        (≤ MAX_CANDIDATES), plus the page's own copies of them.
 * Never throws on any input string: bad input gives `{ matches: [] }`; an exception is a bug and is
 * not swallowed.
 */
import {
  answer,
  CANDIDATE_FLOOR,
  candidates,
  MAX_CANDIDATES,
  MAX_PAGE_UNITS,
  plan,
  score,
  toUnit,
  type Plan,
  type Unit,
  type UnitFilter,
} from '../core/lookup';
import { LOOKUP_FEATURE_BUDGET, MAX_QUERY_FEATURES, type QueryFeature } from '../core/features';
import { prepare, SCORE_THRESHOLD } from '../core/match';
import { tokenize } from '../core/normalise';
import { isQuotationId } from '../core/provenance';
import type { Match, TextQuoteSelector } from '../core/types';
import { generationOf, GENERATION_KEY } from './generation';
import { keys } from './keys';
import { KV_BULK_GET_LIMIT, type KV } from './kv';
import { pageKeyFor, type PageRecord } from './page';

export { CANDIDATE_FLOOR, MAX_CANDIDATES, type Unit, type UnitFilter } from '../core/lookup';

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

export const unitKey = (id: string) => (isQuotationId(id) ? keys.quotation(id) : keys.passage(id));

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
export async function candidateIdsOfWindows(
  kv: KV,
  windows: QueryFeature[][],
  filter: UnitFilter,
  stats: LookupStats,
  max: number,
  floorShare: number,
): Promise<string[]> {
  const featureKeys = [...new Set(windows.flatMap((w) => w.map((f) => keys.indexFeature(f.key))))];
  if (featureKeys.length) stats.roundTrips++;
  const postings = await bulkGet<string>(kv, featureKeys, 'text', stats);
  const ids = new Set<string>();
  for (const w of windows) for (const c of candidates(w, (f) => postings.get(keys.indexFeature(f)), filter, max, floorShare)) ids.add(c.id);
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
  const wanted = texts.map((t) => candidates(t.features, (f) => postings.get(keys.indexFeature(f)), filter, max, floorShare));
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
    return answer(p, score(units, minScore, query, prefix, suffix), page, limit, query, prefix, opts.creditFromPage !== false);
  });
  // Keys are shared across the batch, so each result reports the batch's totals.
  return results.map((matches) => ({ matches, stats: { ...stats }, ...(generation !== undefined ? { generation } : {}) }));
}

/** Finds where one highlight comes from: matches best first, `[]` when nothing is reliable. */
export async function lookup(kv: KV, selector: TextQuoteSelector & { url?: string }, opts: LookupOptions = {}): Promise<LookupResult> {
  const [result] = await lookupBatch(kv, [selector], opts);
  return result;
}
