/**
 * Verifying candidates: word-level approximate alignment of a highlight inside an excerpt, the
 * calibrated score, the "no reliable match" threshold and prefix/suffix disambiguation. Pure.
 *
 * Alignment is semi-global over words (the whole highlight, any span of the excerpt), with weighted
 * edit costs: a content word costs 1, a function word 0.3; a word with a typo (small character edit
 * distance) costs 35% of a substitution; a gap in the highlight (an ellipsis or `[insertion]`) skips
 * any number of source words for free.
 */
import { isContentWord, isStopWord } from './features';
import type { Token } from './normalise';

/** Calibrated score under which nothing is returned (see docs/engine.md, "Score calibration"). */
export const SCORE_THRESHOLD = 0.5;
/** Highlights shorter than this (words, content words) are not looked up: too little to identify a source. */
export const MIN_WORDS = 3;
export const MIN_CONTENT_WORDS = 2;
/** Longest highlight aligned, in words; longer ones are cut (the match then covers their start). */
export const MAX_QUERY_WORDS = 160;

const STOP_WEIGHT = 0.3;
const TYPO_FACTOR = 0.35;
const TYPO_MAX_QUERY_WORDS = 60;

export const wordWeight = (w: string) => (isStopWord(w) || !isContentWord(w) ? STOP_WEIGHT : 1);

export type OpKind = 'match' | 'typo' | 'sub' | 'ins' | 'del' | 'skip';

/** One step of an alignment: `q` indexes query tokens, `s` source tokens. */
export interface Op {
  kind: OpKind;
  q?: number;
  s?: number;
}

export interface Alignment {
  ops: Op[];
  /** Source token range [from, to) covered by the highlight. */
  from: number;
  to: number;
  cost: number;
  /** 1 − cost / size of the larger side: the share of the passage that agrees. */
  similarity: number;
  /** Weight of highlight words found in the source (exactly, or half for a typo). */
  evidence: number;
  /** Calibrated 0–1. */
  score: number;
}

/** Whether a highlight carries enough words to be looked up at all. */
export function isLookupable(tokens: Token[]): boolean {
  let words = 0;
  let content = 0;
  for (const t of tokens) {
    if (t.gap) continue;
    words++;
    if (isContentWord(t.norm)) content++;
  }
  // A long run of mostly function words is still specific; a short one, or one with no content word, is noise.
  return words >= MIN_WORDS && (content >= MIN_CONTENT_WORDS || (words >= 8 && content >= 1));
}

/** Highlight tokens prepared for alignment: leading/trailing gaps dropped, cut to MAX_QUERY_WORDS. */
export function prepareQuery(tokens: Token[]): Token[] {
  let a = 0;
  let b = tokens.length;
  while (a < b && tokens[a].gap) a++;
  while (b > a && tokens[b - 1].gap) b--;
  const out = tokens.slice(a, b);
  if (out.length > MAX_QUERY_WORDS) {
    out.length = MAX_QUERY_WORDS;
    while (out.length && out[out.length - 1].gap) out.pop();
  }
  return out;
}

/* ---------- typo tolerance ---------- */

/** Optimal-string-alignment distance, or limit + 1 when it exceeds `limit`. */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const c = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/** A misspelling of the same word: one edit for words of 4–6 letters, two for longer ones. */
export function isTypo(a: string, b: string): boolean {
  const len = Math.min(a.length, b.length);
  if (len < 4) return false;
  const limit = len >= 7 ? 2 : 1;
  return boundedEditDistance(a, b, limit) <= limit;
}

/* ---------- alignment ---------- */

/** Letters of a word as a 26-bit set (a cheap filter before computing an edit distance). */
function letterBits(w: string): number {
  let bits = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 122) bits |= 1 << (c - 97);
  }
  return bits;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Interned words for one lookup: ints compare faster than strings. Each new source word is checked
 * once against the highlight's words for typos, so the alignment's inner loop only reads a table.
 */
class Vocabulary {
  private ids = new Map<string, number>();
  private words: string[] = [];
  private bits: number[] = [];
  /** For each word id: the highlight word ids it is a misspelling of (null for none, the usual case). */
  private typos: (Set<number> | null)[] = [];
  /** Highlight word ids eligible for typo matching (long enough). */
  private queryIds: number[] = [];

  id(w: string): number {
    let id = this.ids.get(w);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(w, id);
      this.words.push(w);
      this.bits.push(letterBits(w));
      this.typos.push(this.findTypos(id));
    }
    return id;
  }

  /** Marks the highlight's words; call after interning them and before any source word. */
  setQuery(ids: Iterable<number>): void {
    this.queryIds = [...new Set(ids)].filter((id) => this.words[id].length >= 4 && isContentWord(this.words[id]));
    for (let i = 0; i < this.words.length; i++) this.typos[i] = this.findTypos(i);
  }

  private findTypos(id: number): Set<number> | null {
    const w = this.words[id];
    if (w.length < 4) return null;
    let out: Set<number> | null = null;
    for (const q of this.queryIds) {
      if (q === id) continue;
      const v = this.words[q];
      if (Math.abs(v.length - w.length) > 2) continue;
      // Each edit changes at most two letters of the letter set.
      if (popcount(this.bits[q] ^ this.bits[id]) > 4) continue;
      // Misspellings almost always keep the first or the last letter.
      if (v[0] !== w[0] && v[v.length - 1] !== w[w.length - 1]) continue;
      if (isTypo(v, w)) (out ??= new Set()).add(q);
    }
    return out;
  }

  typo(a: number, b: number): boolean {
    return this.typos[b]?.has(a) === true || this.typos[a]?.has(b) === true;
  }

  /** The highlight words `id` is a misspelling of (null: none). */
  typosOf(id: number): Set<number> | null {
    return this.typos[id];
  }
}

export interface PreparedQuery {
  tokens: Token[];
  ids: Int32Array;
  weights: Float64Array;
  gaps: Uint8Array;
  totalWeight: number;
  vocab: Vocabulary;
  /** Per highlight token: 1 when it may be matched as a misspelling (typo matching is on and the word qualifies). */
  typoable: Uint8Array;
}

export function prepare(tokens: Token[]): PreparedQuery {
  const vocab = new Vocabulary();
  const q = prepareQuery(tokens);
  const ids = new Int32Array(q.length);
  const weights = new Float64Array(q.length);
  const gaps = new Uint8Array(q.length);
  let totalWeight = 0;
  q.forEach((t, i) => {
    ids[i] = vocab.id(t.norm);
    gaps[i] = t.gap ? 1 : 0;
    weights[i] = t.gap ? 0 : wordWeight(t.norm);
    totalWeight += weights[i];
  });
  // Long highlights are identified by their many intact words; typo matching them costs more than it adds.
  const typoable = new Uint8Array(q.length);
  if (q.length <= TYPO_MAX_QUERY_WORDS) {
    vocab.setQuery(ids);
    q.forEach((t, i) => {
      typoable[i] = !t.gap && t.norm.length >= 4 && isContentWord(t.norm) ? 1 : 0;
    });
  }
  return { tokens: q, ids, weights, gaps, totalWeight, vocab, typoable };
}

/**
 * An upper bound on the score of any alignment of the highlight in `source`, from word presence
 * alone (O(highlight + source) instead of the alignment's O(highlight × source)). Every highlight
 * word is aligned exactly once: a word absent from the source costs at least its weight (at least
 * TYPO_FACTOR of it when the source holds a misspelling of it) and adds no evidence (at most half
 * for a misspelling). The aligned source side weighs at most: the highlight words that can match
 * exactly (totalWeight − the absent ones), + cost (a substituted or skipped source word costs at
 * least its weight), + the source words matched as misspellings (each ≤ 1 and ≤ its cost /
 * TYPO_FACTOR); so similarity ≤ 1 − cost / max(totalWeight, that), which falls as cost grows. Score is monotone in similarity and evidence, so
 * the bound holds for every alignment `align` can return.
 */
export function scoreUpperBound(query: PreparedQuery, source: Token[]): number {
  const { tokens, ids, weights, gaps, vocab, totalWeight } = query;
  const present = new Set<number>();
  // Highlight word ids some source word is a misspelling of (either direction, as the traceback checks).
  let typoTargets: Set<number> | null = null;
  for (const t of source) {
    const id = vocab.id(t.norm);
    present.add(id);
    const typos = vocab.typosOf(id);
    if (typos !== null) for (const q of typos) (typoTargets ??= new Set()).add(q);
  }
  let minCost = 0;
  let maxEvidence = 0;
  let absentWeight = 0;
  let typoWords = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (gaps[i]) continue;
    const w = weights[i];
    const id = ids[i];
    if (present.has(id)) {
      maxEvidence += w;
      continue;
    }
    absentWeight += w;
    let typo = typoTargets?.has(id) ?? false;
    const own = vocab.typosOf(id);
    if (!typo && own !== null) for (const b of own) if (present.has(b)) typo = true;
    if (typo) {
      typoWords++;
      minCost += w * TYPO_FACTOR;
      maxEvidence += w * 0.5;
    } else minCost += w;
  }
  // A small margin keeps the bound safe against floating-point summation order.
  minCost = Math.max(0, minCost - 1e-6);
  const size = Math.max(totalWeight, totalWeight - absentWeight + minCost + Math.min(typoWords, minCost / TYPO_FACTOR)) + 1e-6;
  const similarity = Math.max(0, 1 - minCost / size);
  return calibrate(similarity, maxEvidence + 1e-6);
}

/**
 * A long text's words, for checking many highlights against it cheaply (`mayScoreIn`): which
 * words occur, and whether some word of it may be a misspelling of a given word (by the same test as
 * `Vocabulary.findTypos`: within two letters in length, the first or the last letter kept, at most
 * four letters of the letter set changed, `isTypo` either way). Answers are cached per word.
 */
export class TextWords {
  readonly words = new Set<string>();
  /** Words of four letters or more by `${first letter}<${length}` and `${last letter}>${length}`. */
  private byShape = new Map<string, string[]>();
  private misspelt = new Map<string, boolean>();

  constructor(tokens: Token[]) {
    for (const t of tokens) {
      if (this.words.has(t.norm)) continue;
      this.words.add(t.norm);
      if (t.norm.length < 4) continue;
      for (const k of TextWords.shapes(t.norm, t.norm.length)) {
        const list = this.byShape.get(k);
        if (list) list.push(t.norm);
        else this.byShape.set(k, [t.norm]);
      }
    }
  }

  private static shapes(w: string, len: number): [string, string] {
    return [`${w[0]}<${len}`, `${w[w.length - 1]}>${len}`];
  }

  /** Whether some word of the text may be a misspelling of `w` (or `w` of it). */
  hasMisspellingOf(w: string): boolean {
    let known = this.misspelt.get(w);
    if (known !== undefined) return known;
    known = false;
    const bits = letterBits(w);
    search: for (let len = Math.max(4, w.length - 2); len <= w.length + 2; len++) {
      for (const k of TextWords.shapes(w, len)) {
        for (const s of this.byShape.get(k) ?? []) {
          if (s !== w && popcount(letterBits(s) ^ bits) <= 4 && (isTypo(w, s) || isTypo(s, w))) {
            known = true;
            break search;
          }
        }
      }
    }
    this.misspelt.set(w, known);
    return known;
  }
}

/**
 * Whether the highlight may score `minScore` in the text, by `scoreUpperBound`'s reasoning, from the
 * text's cached `TextWords` instead of interning the text into the highlight's vocabulary: for a
 * writer that tries thousands of highlights against one long text, almost all of them far off.
 * Absent words of four letters or more start as misspellings (the cheapest case the bound allows);
 * the heaviest are then checked against the text (`TextWords.hasMisspellingOf`, the test of
 * `Vocabulary.findTypos` applied to every such word, not the content words only) and turned absent
 * one by one, which only lowers the bound (more cost, less evidence, fewer misspellings), until it
 * falls below `minScore` or the words run out. Every term stays at least as favourable as in
 * `scoreUpperBound`, so false only when that bound is below `minScore` too.
 */
export function mayScoreIn(query: PreparedQuery, text: TextWords, minScore: number): boolean {
  const { tokens, weights, gaps, totalWeight } = query;
  const typos = tokens.length <= TYPO_MAX_QUERY_WORDS;
  let minCost = 0;
  let maxEvidence = 0;
  let absentWeight = 0;
  let typoWords = 0;
  const maybeMisspelt: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (gaps[i]) continue;
    const w = weights[i];
    if (text.words.has(tokens[i].norm)) {
      maxEvidence += w;
      continue;
    }
    absentWeight += w;
    if (typos && tokens[i].norm.length >= 4) {
      maybeMisspelt.push(i);
      typoWords++;
      minCost += w * TYPO_FACTOR;
      maxEvidence += w * 0.5;
    } else minCost += w;
  }
  const bound = () => {
    const cost = Math.max(0, minCost - 1e-6);
    const size = Math.max(totalWeight, totalWeight - absentWeight + cost + Math.min(typoWords, cost / TYPO_FACTOR)) + 1e-6;
    return calibrate(Math.max(0, 1 - cost / size), maxEvidence + 1e-6);
  };
  if (bound() < minScore) return false;
  maybeMisspelt.sort((x, y) => weights[y] - weights[x]);
  for (const i of maybeMisspelt) {
    if (text.hasMisspellingOf(tokens[i].norm)) continue;
    typoWords--;
    minCost += weights[i] * (1 - TYPO_FACTOR);
    maxEvidence -= weights[i] * 0.5;
    if (bound() < minScore) return false;
  }
  return true;
}

/**
 * The alignment's cost table, reused across calls: a long highlight against a long paragraph needs
 * ~50k cells (400 KB), and allocating (and zeroing) that afresh for every candidate costs more than
 * filling it. `align` reads it only until it returns.
 */
let table = new Float64Array(0);
/** Largest table kept between calls (2 MB); a rare larger one is allocated for its call only. */
const TABLE_KEEP_CELLS = 1 << 18;
function costTable(size: number): Float64Array {
  if (table.length >= size) return table;
  if (size > TABLE_KEEP_CELLS) return new Float64Array(size);
  table = new Float64Array(Math.min(TABLE_KEEP_CELLS, Math.max(size, table.length * 2)));
  return table;
}

/**
 * Best alignments of the prepared highlight inside `source` tokens: every end position with the
 * minimal cost (repeated passages give several), at most `maxAlternatives`, best first.
 */
export function align(query: PreparedQuery, source: Token[], maxAlternatives = 4): Alignment[] {
  const n = query.tokens.length;
  const m = source.length;
  if (n === 0 || m === 0) return [];
  const { vocab, ids: qi, weights: qw, gaps } = query;
  const si = new Int32Array(m);
  const sw = new Float64Array(m);
  const st: (Set<number> | null)[] = new Array(m);
  let anyTypo = false;
  for (let j = 0; j < m; j++) {
    si[j] = vocab.id(source[j].norm);
    sw[j] = source[j].gap ? STOP_WEIGHT : wordWeight(source[j].norm);
    st[j] = vocab.typosOf(si[j]);
    if (st[j] !== null) anyTypo = true;
  }
  const W = m + 1;
  const D = costTable((n + 1) * W);
  D.fill(0, 0, W); // row 0 is all zeros: the highlight may start anywhere; every other cell is written below
  for (let i = 1; i <= n; i++) {
    const row = i * W;
    const up = (i - 1) * W;
    if (gaps[i - 1]) {
      D[row] = D[up];
      for (let j = 1; j <= m; j++) D[row + j] = Math.min(D[up + j], D[row + j - 1]);
      continue;
    }
    const a = qi[i - 1];
    const wa = qw[i - 1];
    D[row] = D[up] + wa;
    if (!anyTypo) {
      // The usual case (long highlights never typo-match): the same recurrence without the typo table.
      let left = D[row];
      for (let j = 1; j <= m; j++) {
        const wb = sw[j - 1];
        let v = D[up + j - 1] + (a === si[j - 1] ? 0 : Math.max(wa, wb));
        const ins = D[up + j] + wa;
        if (ins < v) v = ins;
        const del = left + wb;
        if (del < v) v = del;
        D[row + j] = v;
        left = v;
      }
      continue;
    }
    for (let j = 1; j <= m; j++) {
      const b = si[j - 1];
      const wb = sw[j - 1];
      const wmax = Math.max(wa, wb);
      const ts = st[j - 1];
      const sub = a === b ? 0 : ts?.has(a) ? wmax * TYPO_FACTOR : wmax;
      let v = D[up + j - 1] + sub;
      const ins = D[up + j] + wa;
      if (ins < v) v = ins;
      const del = D[row + j - 1] + wb;
      if (del < v) v = del;
      D[row + j] = v;
    }
  }
  // End positions with minimal cost.
  const last = n * W;
  let best = Infinity;
  for (let j = 1; j <= m; j++) if (D[last + j] < best) best = D[last + j];
  const ends: number[] = [];
  for (let j = 1; j <= m && ends.length < maxAlternatives; j++) {
    if (D[last + j] <= best + 1e-9 && (ends.length === 0 || j - ends[ends.length - 1] > 1)) ends.push(j);
  }
  return ends.map((end) => traceback(query, source, D, W, si, sw, end));
}

function traceback(query: PreparedQuery, source: Token[], D: Float64Array, W: number, si: Int32Array, sw: Float64Array, end: number): Alignment {
  const { ids: qi, weights: qw, gaps, vocab } = query;
  const ops: Op[] = [];
  let i = query.tokens.length;
  let j = end;
  const eq = (x: number, y: number) => Math.abs(x - y) < 1e-9;
  while (i > 0) {
    const cur = D[i * W + j];
    if (gaps[i - 1]) {
      if (j > 0 && eq(cur, D[i * W + j - 1])) {
        ops.push({ kind: 'skip', s: j - 1 });
        j--;
      } else i--;
      continue;
    }
    const wa = qw[i - 1];
    if (j > 0) {
      const a = qi[i - 1];
      const b = si[j - 1];
      const wb = sw[j - 1];
      const wmax = Math.max(wa, wb);
      const typo = a !== b && vocab.typo(a, b);
      const sub = a === b ? 0 : typo ? wmax * TYPO_FACTOR : wmax;
      if (eq(cur, D[(i - 1) * W + j - 1] + sub)) {
        ops.push({ kind: a === b ? 'match' : typo ? 'typo' : 'sub', q: i - 1, s: j - 1 });
        i--;
        j--;
        continue;
      }
      if (eq(cur, D[i * W + j - 1] + wb)) {
        ops.push({ kind: 'del', s: j - 1 });
        j--;
        continue;
      }
    }
    ops.push({ kind: 'ins', q: i - 1 });
    i--;
  }
  ops.reverse();
  // Source words deleted at the very start are not part of the span (semi-global start is free).
  while (ops.length && (ops[0].kind === 'del' || ops[0].kind === 'skip')) ops.shift();
  while (ops.length && (ops[ops.length - 1].kind === 'del' || ops[ops.length - 1].kind === 'skip')) ops.pop();
  let from = source.length;
  let to = 0;
  let cost = 0;
  let evidence = 0;
  let sourceWeight = 0;
  for (const op of ops) {
    if (op.s !== undefined) {
      if (op.s < from) from = op.s;
      if (op.s + 1 > to) to = op.s + 1;
    }
    const wq = op.q !== undefined ? qw[op.q] : 0;
    const ws = op.s !== undefined ? sw[op.s] : 0;
    if (op.kind !== 'skip' && op.kind !== 'ins') sourceWeight += ws;
    switch (op.kind) {
      case 'match':
        evidence += wq;
        break;
      case 'typo':
        cost += Math.max(wq, ws) * TYPO_FACTOR;
        evidence += wq * 0.5;
        break;
      case 'sub':
        cost += Math.max(wq, ws);
        break;
      case 'ins':
        cost += wq;
        break;
      case 'del':
        cost += ws;
        break;
    }
  }
  if (to < from) {
    from = 0;
    to = 0;
  }
  const size = Math.max(query.totalWeight, sourceWeight, 1e-9);
  const similarity = Math.max(0, 1 - cost / size);
  return { ops, from, to, cost, similarity, evidence, score: calibrate(similarity, evidence) };
}

/**
 * Raw evidence that the source was found. Two things make a match trustworthy: how much of the
 * passage agrees (similarity) and how much evidence agrees (weight of highlight words found).
 */
export function rawScore(similarity: number, evidence: number): number {
  const agreement = Math.max(0, Math.min(1, similarity)) ** 1.5;
  const support = 1 - Math.exp(-Math.max(0, evidence) / 1.5);
  return agreement * support;
}

/**
 * Raw score → calibrated confidence, a monotone piecewise-linear map fitted on the lookup bench
 * (PolNeAR quotations with every perturbation vs. 2,200 negatives: held-out news sentences and
 * same-topic LIAR statements). Raw 0.38 is the point under which negatives outnumber true sources
 * (0.3% of negatives reach it; 99% of quotes with 1–3 changed words do), so it maps to the threshold
 * 0.5; bands above it track the precision measured there (see docs/engine.md and bench/RESULTS.md).
 */
const CALIBRATION: [number, number][] = [
  [0, 0],
  [0.2, 0.15],
  [0.38, 0.5],
  [0.6, 0.8],
  [0.8, 0.93],
  [1, 1],
];

export function calibrate(similarity: number, evidence: number): number {
  const raw = rawScore(similarity, evidence);
  for (let k = 1; k < CALIBRATION.length; k++) {
    const [x1, y1] = CALIBRATION[k];
    if (raw <= x1) {
      const [x0, y0] = CALIBRATION[k - 1];
      return Math.round((y0 + ((raw - x0) / (x1 - x0)) * (y1 - y0)) * 1000) / 1000;
    }
  }
  return 1;
}

/* ---------- prefix / suffix context ---------- */

/**
 * How well the text around a span agrees with the selector's prefix and suffix, 0–1 (0 when no
 * context was given). Order matters: half the weight is the run of words that agree contiguously
 * from the span's edge outwards, half the longest common subsequence of the up to 8 context words
 * with the text there — so of two copies whose surroundings share the same words, the one that
 * reads exactly like the page wins ("…barracks. Leaders…" against "…barracks and leaders…").
 */
export function contextAgreement(source: Token[], from: number, to: number, prefix: Token[] | undefined, suffix: Token[] | undefined): number {
  const N = 8;
  let agree = 0;
  let total = 0;
  const side = (context: string[], text: string[]) => {
    let run = 0;
    while (run < context.length && run < text.length && context[run] === text[run]) run++;
    agree += 0.5 * run + 0.5 * lcs(context, text);
    total += context.length;
  };
  if (prefix?.length) {
    const p = prefix
      .filter((t) => !t.gap)
      .slice(-N)
      .map((t) => t.norm)
      .reverse();
    side(
      p,
      source
        .slice(Math.max(0, from - N - 2), from)
        .map((t) => t.norm)
        .reverse(),
    );
  }
  if (suffix?.length) {
    const s = suffix
      .filter((t) => !t.gap)
      .slice(0, N)
      .map((t) => t.norm);
    side(
      s,
      source.slice(to, to + N + 2).map((t) => t.norm),
    );
  }
  return total === 0 ? 0 : agree / total;
}

/** Longest common subsequence length of two short word lists. */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}
