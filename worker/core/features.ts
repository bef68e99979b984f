/**
 * Lookup index features: what an excerpt is filed under, and what a highlight looks up.
 *
 * Two kinds of feature, both over normalised words (see normalise.ts), hashed to short keys:
 * - word bigrams ("move back", "back to"): specific, so posting lists stay short; every run of two
 *   words of the highlight that survived editing finds the excerpt;
 * - content-word unigrams ("barracks", "medinsky"): robust to typos and substituted words next to
 *   them, since one surviving rare word is enough to bring the excerpt into the candidate set.
 * Gaps (elisions, editorial insertions) break bigrams, so "a … b" never files "a b".
 *
 * Posting lists (the KV value under `keys.indexFeature(feature)`) are plain text: unit ids (passage
 * `p…` and quotation `q…` ids) separated by single spaces, at most POSTING_CAP of them; a longer list
 * keeps its true total in front (`#412 q… p… …`) and lists quotations first, so the commonest
 * shingles ("of the", "said") never grow big values and a quotation printed ten thousand times is
 * still listed under its words. Pure: no Workers or Node APIs.
 */
import { fnv1a } from './hash';
import type { Token } from './normalise';

/** Units listed per posting list (≈ 2 KB of ids: one KV value stays small; ranking past 150 adds nothing). */
export const POSTING_CAP = 150;
/** Value of a posting list written by the first layout for a feature too common to index. */
export const SATURATED = '*';
/** Keys the lookup reads in its first round trip: one KV bulk get. */
export const MAX_QUERY_FEATURES = 100;
/** From this many bigrams on, a highlight reads few unigram postings. */
const LONG_QUERY_BIGRAMS = 40;

/** English function words: too common to identify a passage, kept out of unigram features. */
const STOP = new Set(
  (
    'a an the and or but nor so yet for of to in on at by from with without into onto over under about above below ' +
    'after before between through during since until up down out off than then as if because while though although ' +
    'is am are was were be been being have has had having do does did doing will would shall should can could may might must ' +
    'i me my mine myself we us our ours ourselves you your yours yourself he him his himself she her hers herself ' +
    'it its itself they them their theirs themselves this that these those there here what which who whom whose when where why how ' +
    "all any both each few more most other some such only own same too very just also not no never n't " +
    "said says say told s t 's it's that's there's i'm i've i'd i'll we're we've you're they're he's she's don't didn't doesn't " +
    "isn't wasn't aren't weren't can't won't wouldn't shouldn't couldn't haven't hasn't hadn't mr mrs ms"
  ).split(/\s+/),
);

export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

/** Words that carry content (for unigram features, "too short" checks and scoring weights). */
export function isContentWord(word: string): boolean {
  return word.length >= 2 && !STOP.has(word);
}

/** FNV-1a over UTF-16 units with a seed; two seeds give ~52 useful bits, plenty for millions of features. */

/** A short, key-safe name for a feature string. */
export function featureKey(feature: string): string {
  // Two seeds: 32 + ~20 bits, so the million-feature index of a large corpus has no collisions in practice.
  return fnv1a(feature).toString(36) + fnv1a(feature, 0x1b873593).toString(36).slice(0, 4);
}

const bigram = (a: string, b: string) => featureKey(`b\u0001${a}\u0001${b}`);
const unigram = (a: string) => featureKey(`u\u0001${a}`);

/** Every feature an excerpt is filed under (deduplicated). */
export function excerptFeatures(tokens: Token[]): string[] {
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.gap) continue;
    if (isContentWord(t.norm)) out.add(unigram(t.norm));
    const next = tokens[i + 1];
    if (next && !next.gap) out.add(bigram(t.norm, next.norm));
  }
  return [...out];
}

export type FeatureKind = 'bigram' | 'unigram';

export interface QueryFeature {
  key: string;
  kind: FeatureKind;
}

/**
 * The features a highlight looks up, at most MAX_QUERY_FEATURES. Long highlights are sampled evenly
 * along their length, so a match anywhere in them still finds the excerpt; long content words come
 * first among unigrams because they are the rarest.
 */
export function queryFeatures(tokens: Token[], maxKeys = MAX_QUERY_FEATURES): QueryFeature[] {
  const bigrams: string[] = [];
  const unigrams: { key: string; len: number; at: number }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.gap) continue;
    if (isContentWord(t.norm)) {
      const k = unigram(t.norm);
      if (!seen.has(k)) {
        seen.add(k);
        unigrams.push({ key: k, len: t.norm.length, at: i });
      }
    }
    const next = tokens[i + 1];
    if (next && !next.gap) {
      const k = bigram(t.norm, next.norm);
      if (!seen.has(k)) {
        seen.add(k);
        bigrams.push(k);
      }
    }
  }
  // A long highlight is identified by a sample of its bigrams: 60 keys find it as surely as 100, for less work.
  const max = Math.min(maxKeys, bigrams.length >= LONG_QUERY_BIGRAMS ? 60 : maxKeys);
  // Long highlights have bigrams enough; unigrams (long posting lists) only help short or heavily edited ones.
  const uniShare = bigrams.length >= LONG_QUERY_BIGRAMS ? 0.1 : 0.4;
  const uniBudget = Math.min(unigrams.length, Math.max(Math.floor(max * uniShare), max - bigrams.length));
  const biBudget = Math.min(bigrams.length, max - uniBudget);
  const pickedUni = evenly(unigrams, uniBudget * 2)
    .sort((a, b) => b.len - a.len)
    .slice(0, uniBudget);
  return [...evenly(bigrams, biBudget).map((key) => ({ key, kind: 'bigram' as const })), ...pickedUni.map((u) => ({ key: u.key, kind: 'unigram' as const }))];
}

/**
 * Keys a lookup reads in its first round trip. Workers KV bills every key of a bulk get, so a lookup
 * reads a few well-chosen features instead of all of them: on the lookup bench's 2,852 perturbed
 * PolNeAR quotations this budget keeps recall@1 where reading every feature had it (bench/RESULTS.lookup.md).
 */
export const LOOKUP_FEATURE_BUDGET = 10;
/**
 * Past LOOKUP_FEATURE_BUDGET × this many words, a highlight reads one more feature per this many
 * words (a paragraph is ~40–80 words, so every paragraph of a long selection gets a few).
 */
const LONG_WORDS_PER_FEATURE = 8;

/**
 * How rare a word probably is, without reading anything: the length of a content word (long words
 * are rarer: Zipf), numbers and names-like long words highest, stop words almost nothing. Only the
 * ORDER matters: it decides which features are read first.
 */
function rarityHint(word: string): number {
  if (!isContentWord(word)) return 0.1;
  if (/\d/.test(word)) return 1.2;
  return Math.min(1.2, 0.2 + word.length / 8);
}

/**
 * The features a lookup reads: at most `budget` of `queryFeatures`' set, rarest first by a hint (see
 * `rarityHint`; a bigram of two content words is rarer than either word alone), spread along the
 * highlight so that words a reader's copy changed (typos, substitutions, elisions) cannot take out
 * every feature read: each pick is discounted by how often its words are already covered.
 * Deterministic; with a budget ≥ the full set's size it returns the full set.
 */
export function lookupFeatures(tokens: Token[], budget = LOOKUP_FEATURE_BUDGET): QueryFeature[] {
  const all = queryFeatures(tokens);
  // A selection of several paragraphs needs a feature or two in each: one more per LONG_WORDS_PER_FEATURE words.
  budget = Math.min(MAX_QUERY_FEATURES, Math.max(budget, Math.ceil(tokens.length / LONG_WORDS_PER_FEATURE)));
  if (all.length <= budget) return all;
  const wanted = new Set(all.map((f) => f.key));
  type Option = { feature: QueryFeature; at: number[]; hint: number };
  const options: Option[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.gap) continue;
    const next = tokens[i + 1];
    if (next && !next.gap) {
      const key = bigram(t.norm, next.norm);
      if (wanted.has(key) && !seen.has(key)) {
        seen.add(key);
        const a = rarityHint(t.norm);
        const b = rarityHint(next.norm);
        // Two content words together are far rarer than either: the product term rewards that pairing.
        options.push({ feature: { key, kind: 'bigram' }, at: [i, i + 1], hint: a + b + 2 * a * b });
      }
    }
    if (isContentWord(t.norm)) {
      const key = unigram(t.norm);
      if (wanted.has(key) && !seen.has(key)) {
        seen.add(key);
        // A word alone is listed wherever it occurs: commoner than the bigrams it starts.
        options.push({ feature: { key, kind: 'unigram' }, at: [i], hint: rarityHint(t.norm) });
      }
    }
  }
  const covered = new Map<number, number>();
  const picked: QueryFeature[] = [];
  const take = (k: number) => {
    const [o] = options.splice(k, 1);
    picked.push(o.feature);
    for (const i of o.at) covered.set(i, (covered.get(i) ?? 0) + 1);
  };
  // First the rarest feature of each stretch of the highlight (half the budget, in equal stretches),
  // so every part of a long highlight — both paragraphs of one that crosses a break — is read.
  const stretches = Math.ceil(budget / 2);
  const bounds = Array.from({ length: stretches + 1 }, (_, k) => Math.floor((k * options.length) / stretches));
  const firsts: Option[] = [];
  for (let k = 0; k < stretches; k++) {
    let best: Option | undefined;
    for (const o of options.slice(bounds[k], bounds[k + 1])) if (!best || o.hint > best.hint) best = o;
    if (best) firsts.push(best);
  }
  for (const o of firsts) take(options.indexOf(o));
  // Then the rest by rarity, each discounted by how often its words are already covered.
  while (picked.length < budget && options.length) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < options.length; k++) {
      const o = options[k];
      let overlap = 0;
      for (const i of o.at) overlap += covered.get(i) ?? 0;
      const value = o.hint / (1 + overlap);
      if (value > bestValue) {
        bestValue = value;
        best = k;
      }
    }
    take(best);
  }
  return picked;
}

/** `n` items spread evenly over `items` (all of them when there are few). */
function evenly<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items.slice();
  const out: T[] = [];
  for (let k = 0; k < n; k++) out.push(items[Math.floor((k * items.length) / n)]);
  return out;
}

/* ---------- posting-list values ---------- */

/**
 * A posting list: the units (passage ids `p…`, quotation ids `q…`) filed under a feature. `total` is
 * how many units carry the feature; `ids` lists at most POSTING_CAP of them, quotations first, so a
 * quotation stays findable by its words however many passages also print them.
 */
export interface Posting {
  ids: string[];
  total: number;
}

/** Marks a truncated list: `#{total} id id …`. */
const TOTAL_MARK = '#';

export function parsePosting(value: string | null | undefined): Posting {
  if (!value) return { ids: [], total: 0 };
  // A list written before totals were kept ("*"): too common, nothing listed.
  if (value === SATURATED) return { ids: [], total: POSTING_CAP + 1 };
  const ids = value.split(' ');
  if (ids[0].startsWith(TOTAL_MARK)) {
    const total = Number(ids[0].slice(1));
    ids.shift();
    return { ids, total: Number.isFinite(total) ? Math.max(total, ids.length) : ids.length };
  }
  return { ids, total: ids.length };
}

function formatPosting(ids: string[], total: number): string | null {
  if (total <= 0 || ids.length === 0) return total > 0 ? `${TOTAL_MARK}${total}` : null;
  return total > ids.length ? `${TOTAL_MARK}${total} ${ids.join(' ')}` : ids.join(' ');
}

const isQuotationUnit = (id: string) => id.charCodeAt(0) === 113; /* 'q' */

/**
 * Applies removals and additions to a posting value; returns the new value, or null when no unit
 * carries the feature any more. Callers remove only units that carried the feature and add only
 * units that did not, so `total` stays exact even for ids the truncated list no longer shows.
 * Quotations are kept ahead of passages when the list is full: a quotation is the one unit that
 * stands for every print of its words.
 */
export function updatePosting(value: string | null | undefined, remove: Set<string>, add: string[]): string | null {
  const current = parsePosting(value);
  let total = current.total - remove.size;
  const kept = remove.size ? current.ids.filter((id) => !remove.has(id)) : current.ids.slice();
  const listed = new Set(kept);
  for (const id of add) {
    if (listed.has(id)) continue;
    listed.add(id);
    kept.push(id);
    total++;
  }
  total = Math.max(total, kept.length);
  let ids = kept;
  if (ids.length > POSTING_CAP) {
    const quotations = ids.filter(isQuotationUnit);
    ids = quotations.length ? [...quotations, ...ids.filter((id) => !isQuotationUnit(id))] : ids;
    ids = ids.slice(0, POSTING_CAP);
  }
  return formatPosting(ids, total);
}
