/**
 * Claim search, pure logic: tokenising claims and queries, per-claim term weights (BM25 with a fixed
 * average length, so a weight never changes when other claims arrive), compact capped posting
 * lists, ranking with filters, page tokens, and the Google Fact Check Tools `claims:search` shape.
 * The store (worker/store/claims-index.ts, claims.ts) does the KV reads and writes around it.
 */
import { fnv1a } from './hash';
import { isoDate } from './dates';
import { withoutEmptyFields } from './empty-fields';
import { foldText } from './normalise';
import type { Claim, Review } from './types';

/* ---------- tokens ---------- */

const STOP_WORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does for from had has have he her him his how i if in into is it its ' +
    'me my no nor not of on or our she so than that the their them then there these they this those to too up us was we were what ' +
    'when where which while who whom why will with would you your says said say'
  ).split(' '),
);

/** A light English stemmer: plurals and possessives, so "taxes"/"tax", "jobs"/"job" meet. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(xes|ches|shes|sses|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

export const MAX_TERM_LENGTH = 40;

/** Searchable terms of a text, in order, repeats kept (stop words and 1-letter words dropped). */
export function searchTermsOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of foldText(text)
    .replace(/'s\b/g, '')
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP_WORDS.has(raw)) continue;
    if (raw.length < 2 && !/\d/.test(raw)) continue;
    out.push(stem(raw).slice(0, MAX_TERM_LENGTH));
  }
  return out;
}

/** Pseudo-term under which every claim reviewed by a site is posted (for site-only searches). */
export const siteTerm = (site: string) => `@site:${normaliseSite(site)}`;

export function normaliseSite(site: string): string {
  return foldText(site.trim())
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '');
}

/**
 * The site a review belongs to, as Google's Fact Check Tools defines `publisher.site`: the host of
 * the review's URL without `www.`; the publisher's declared site only when the review has no URL.
 */
export function reviewSite(review: Pick<Review, 'url' | 'publisher'>): string {
  try {
    if (review.url) return normaliseSite(new URL(review.url).hostname);
  } catch {
    // Not a URL: fall back to what the publisher declares.
  }
  return normaliseSite(review.publisher?.site ?? '');
}

/**
 * The site terms a review is posted under: its site and each parent domain of two labels or more,
 * so `reviewPublisherSiteFilter=afp.com` finds `factcheck.afp.com`'s reviews without a query too.
 */
export function siteTerms(site: string): string[] {
  const labels = normaliseSite(site).split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(siteTerm(labels.slice(i).join('.')));
  if (labels.length === 1) out.push(siteTerm(labels[0]));
  return out;
}

export const isSiteTerm = (term: string) => term.startsWith('@site:');

/**
 * Every site a review answers a site filter for: its URL's host (Google's definition) and the site
 * its publisher declares, when they differ (a sample whose URL cites its evidence, a publisher that
 * hosts reviews elsewhere).
 */
export function reviewSites(review: Pick<Review, 'url' | 'publisher'>): string[] {
  return [...new Set([reviewSite(review), normaliseSite(review.publisher?.site ?? '')])].filter(Boolean);
}

/* ---------- per-claim weights ---------- */

const K1 = 1.2;
const B = 0.75;
/** Typical claim length in terms; fixed so weights are local to one claim. */
const AVERAGE_TERMS = 12;
/** Claimant names count, but less than the claim's own words. */
const CLAIMANT_BOOST = 0.5;

export function bm25Weight(tf: number, length: number): number {
  return (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / AVERAGE_TERMS));
}

/** The terms a claim is posted under, each with its weight. */
export function claimTerms(claim: Pick<Claim, 'text' | 'claimant' | 'reviews'>): Map<string, number> {
  const words = searchTermsOf(claim.text);
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const terms = new Map<string, number>();
  for (const [term, tf] of counts) terms.set(term, round(bm25Weight(tf, words.length)));
  for (const term of new Set(searchTermsOf(claim.claimant ?? ''))) {
    terms.set(term, round((terms.get(term) ?? 0) + CLAIMANT_BOOST * bm25Weight(1, Math.max(words.length, 1))));
  }
  for (const review of claim.reviews ?? []) {
    for (const site of reviewSites(review)) for (const term of siteTerms(site)) terms.set(term, 1);
  }
  return terms;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/* ---------- posting lists ---------- */

/** One claim in a posting list: [claimId, weight, day (days since 1970, 0 = unknown), language, sites]. */
export type PostingEntry = [id: string, weight: number, day: number, lang: string, sites: string];

/** The value under `v2:cix2:{term}`. `df` counts every claim with the term, kept or not. */
export interface PostingList {
  df: number;
  p: PostingEntry[];
}

/** A posting list keeps at most this many claims (the strongest, then newest): small KV values. */
export const CLAIM_POSTING_CAP = 1000;
/**
 * A site's list is what a site-only search pages through, so it keeps every claim: at ~60 bytes an
 * entry, 200,000 claims are ~12 MB, half of Workers KV's 25 MiB value limit.
 */
export const SITE_CLAIM_POSTING_CAP = 200_000;

export const postingCapFor = (term: string) => (isSiteTerm(term) ? SITE_CLAIM_POSTING_CAP : CLAIM_POSTING_CAP);

export function dayNumber(raw: string): number {
  const iso = isoDate(raw);
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? Math.max(1, Math.floor(t / 86_400_000)) : 0;
}

/** The newer of the claim date and its reviews' dates (what `maxAgeDays` filters on, as Google does). */
export function claimDay(claim: Pick<Claim, 'claimDate' | 'reviews'>): number {
  return Math.max(dayNumber(claim.claimDate), ...(claim.reviews ?? []).map((r) => dayNumber(r.reviewDate)), 0);
}

export const primaryLanguage = (code: string) => foldText(code.trim()).split(/[-_]/)[0] ?? '';

export function claimLanguage(claim: Pick<Claim, 'languageCode' | 'reviews'>): string {
  return primaryLanguage(claim.languageCode || claim.reviews?.find((r) => r.languageCode)?.languageCode || '');
}

export function postingEntry(claim: Claim, weight: number): PostingEntry {
  const sites = [...new Set((claim.reviews ?? []).flatMap(reviewSites))].join(' ');
  return [claim.id, weight, claimDay(claim), claimLanguage(claim), sites];
}

const entryOrder = (a: PostingEntry, b: PostingEntry) => b[1] - a[1] || b[2] - a[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Applies removals then additions to one posting list; returns null when nothing is left. */
export function updateClaimPosting(current: PostingList | null, removedIds: string[], added: PostingEntry[], cap = CLAIM_POSTING_CAP): PostingList | null {
  const list: PostingList = current ? { df: current.df, p: [...current.p] } : { df: 0, p: [] };
  if (removedIds.length) {
    const gone = new Set(removedIds);
    list.p = list.p.filter((e) => !gone.has(e[0]));
    list.df = Math.max(0, list.df - gone.size);
  }
  if (added.length) {
    const adding = new Set(added.map((e) => e[0]));
    const before = list.p.length;
    list.p = list.p.filter((e) => !adding.has(e[0]));
    // An id already present is a replacement, not a new claim.
    list.df += adding.size - (before - list.p.length);
    list.p.push(...added);
  }
  list.p.sort(entryOrder);
  if (list.p.length > cap) list.p.length = cap;
  list.df = Math.max(list.df, list.p.length);
  return list.df === 0 ? null : list;
}

/* ---------- search ---------- */

export interface ClaimSearchParams {
  query?: string;
  languageCode?: string;
  reviewPublisherSiteFilter?: string;
  maxAgeDays?: number;
  /** Only claims with at least one review (Google's `claims:search` never returns a claim without one). */
  reviewedOnly?: boolean;
  pageSize: number;
  offset: number;
}

/** At most this many distinct query terms are looked up (one bulk KV read). */
export const MAX_QUERY_TERMS = 32;

/** The keys' terms for a search: the query's distinct terms, or the site term when there is no query. */
export function searchTerms(params: Pick<ClaimSearchParams, 'query' | 'reviewPublisherSiteFilter'>): string[] {
  const words = [...new Set(searchTermsOf(params.query ?? ''))].slice(0, MAX_QUERY_TERMS);
  if (words.length) return words;
  return params.reviewPublisherSiteFilter ? [siteTerm(params.reviewPublisherSiteFilter)] : [];
}

export interface RankedClaim {
  id: string;
  score: number;
  day: number;
}

/** How many of the query's terms a claim must have: all of 1–2, then 60%. */
export const requiredTerms = (n: number) => (n <= 2 ? n : Math.ceil(n * 0.6));

export function idf(df: number, total: number): number {
  const n = Math.max(total, df);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Ranks claims from their posting lists, best first, filters applied; `total` = claims indexed. */
export function rankClaims(
  terms: string[],
  postings: Map<string, PostingList | null>,
  total: number,
  filters: Pick<ClaimSearchParams, 'languageCode' | 'reviewPublisherSiteFilter' | 'maxAgeDays' | 'reviewedOnly'>,
  today = Math.floor(Date.now() / 86_400_000),
): RankedClaim[] {
  const lang = filters.languageCode ? primaryLanguage(filters.languageCode) : '';
  const site = filters.reviewPublisherSiteFilter ? normaliseSite(filters.reviewPublisherSiteFilter) : '';
  const oldest = filters.maxAgeDays !== undefined ? today - filters.maxAgeDays : -Infinity;
  // A claim's sites are its reviews' sites: none means no review.
  const keep = (e: PostingEntry) =>
    (!filters.reviewedOnly || e[4] !== '') &&
    (!lang || e[3] === lang) &&
    (!site || e[4].split(' ').some((s) => s === site || s.endsWith(`.${site}`))) &&
    (oldest === -Infinity || (e[2] > 0 && e[2] >= oldest));

  const hits = new Map<string, { score: number; terms: number; day: number }>();
  for (const term of terms) {
    const list = postings.get(term);
    if (!list) continue;
    const weight = idf(list.df, total);
    for (const e of list.p) {
      if (!keep(e)) continue;
      const hit = hits.get(e[0]) ?? { score: 0, terms: 0, day: e[2] };
      hit.score += weight * e[1];
      hit.terms += 1;
      hits.set(e[0], hit);
    }
  }
  const need = requiredTerms(terms.length);
  return [...hits]
    .filter(([, h]) => h.terms >= need)
    .map(([id, h]) => ({ id, score: round(h.score), day: h.day }))
    .sort((a, b) => b.score - a.score || b.day - a.day || (a.id < b.id ? -1 : 1));
}

/* ---------- page tokens ---------- */

/** A short fingerprint of the search, so a token is only accepted for the search that made it. */
export function searchFingerprint(params: Omit<ClaimSearchParams, 'offset' | 'pageSize'>): string {
  const canon = JSON.stringify([
    searchTerms(params),
    params.languageCode ?? '',
    params.reviewPublisherSiteFilter ?? '',
    params.maxAgeDays ?? '',
    ...(params.reviewedOnly ? ['reviewed'] : []),
  ]);
  return fnv1a(canon).toString(36);
}

export function encodePageToken(offset: number, fingerprint: string): string {
  return btoa(`${offset}.${fingerprint}`).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The offset in a page token, or null when the token is malformed or from another search. */
export function decodePageToken(token: string, fingerprint: string): number | null {
  try {
    const text = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
    const m = /^(\d{1,7})\.([0-9a-z]+)$/.exec(text);
    if (!m || m[2] !== fingerprint) return null;
    return Number(m[1]);
  } catch {
    return null;
  }
}

/* ---------- Google Fact Check Tools shape ---------- */

export interface GoogleClaimReview {
  publisher: { name?: string; site?: string };
  url?: string;
  title?: string;
  reviewDate?: string;
  textualRating?: string;
  languageCode?: string;
}

export interface GoogleClaim {
  text: string;
  claimant?: string;
  claimDate?: string;
  claimReview: GoogleClaimReview[];
}

export interface GoogleClaimSearchResponse {
  claims?: GoogleClaim[];
  nextPageToken?: string;
}

/** Google gives timestamps (`2022-02-28T00:00:00Z`); a date-only value is read as midnight UTC. */
export function toTimestamp(date: string): string | undefined {
  const iso = isoDate(date);
  if (!iso) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return `${iso}T00:00:00Z`;
  return new Date(Date.parse(iso)).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Options for the Google shape. `reviewUrl` gives the URL of a review that has none of its own
 * (a LIAR row names no page): its record on this API. `googleSite`: `publisher.site` as Google
 * defines it (the review URL's host) rather than as the publisher declared it.
 */
export interface GoogleShapeOptions {
  reviewUrl?: (claim: Claim) => string;
  googleSite?: boolean;
}

export function toGoogleReview(review: Review, fallbackUrl = '', options: GoogleShapeOptions = {}): GoogleClaimReview {
  return withoutEmptyFields({
    publisher: withoutEmptyFields({ name: review.publisher?.name, site: options.googleSite ? reviewSite(review) : review.publisher?.site }),
    url: review.url || fallbackUrl || undefined,
    title: review.title,
    reviewDate: toTimestamp(review.reviewDate),
    textualRating: review.textualRating,
    languageCode: review.languageCode,
  });
}

export function toGoogleClaim(claim: Claim, options: GoogleShapeOptions = {}): GoogleClaim {
  const fallbackUrl = options.reviewUrl?.(claim) ?? '';
  return withoutEmptyFields({
    text: claim.text,
    claimant: claim.claimant,
    claimDate: toTimestamp(claim.claimDate),
    claimReview: (claim.reviews ?? []).map((r) => toGoogleReview(r, fallbackUrl, options)),
  });
}
