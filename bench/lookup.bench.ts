/**
 * Lookup engine bench: quality (recall@1, false positives, negation flips flagged, score reliability)
 * and speed (engine CPU per lookup, KV round trips and keys, growth with corpus size), each side by
 * side with the baseline (bench/baseline.ts: a linear approx-string-match scan) in the same run.
 *
 * Corpus, all through the real ingestion path (parseSource → putArticle / putClaims on a MemoryKV):
 * the seed, the 84 PolNeAR articles, 40 of the saved pages (6 English pages are held out for
 * negatives), the 12,836 LIAR statements as claims. Speed tiers of 1k / 10k / 100k excerpts add
 * synthetic articles whose paragraphs recombine sentences of LIAR statements and ingested pages.
 *
 * Queries: every quotation (≥ 6 words between quotation marks inside an annotated PolNeAR Content
 * span), perturbed in each of the ways a reader's copy differs from the source (see PERTURBATIONS).
 *
 * For the end-to-end figures through the local worker (the API engineer's part): import
 * `lookupSelectors(n)` from this module to get n realistic selectors (with their expected article
 * ids) over the seed + PolNeAR corpus, and ingest `loadPolnear()` from bench/corpus-loaders.ts.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { normaliseWords } from '../worker/core/normalise';
import { isContentWord } from '../worker/core/features';
import type { ArticleSource, Excerpt, Match, TextQuoteSelector } from '../worker/core/types';
import { putArticle } from '../worker/store/records';
import { KEY_PREFIX } from '../worker/store/keys';
import { MemoryKV } from '../worker/store/kv';
import { lookup } from '../worker/store/lookup';
import { LinearScanBaseline, baselineFold, type BaselineHit } from './baseline';
import { corpusAvailable } from './corpus';
import { workerStamp } from './stamp';
import { HELD_OUT_PAGES, ingestIndexedCorpus, loadPage, loadPolnear, polnearQuotations, sentences, type PolnearDoc } from './corpus-loaders';
import { rng } from './random';

const TITLE = 'Lookup engine: quality and speed vs. a linear approx-string-match scan';

/* ---------- deterministic randomness ---------- */

type Rng = ReturnType<typeof rng>;

/* ---------- perturbations ---------- */

export type Perturbation = 'exact' | 'quotes' | 'case' | 'whitespace' | 'ellipsis' | 'cut' | 'typos' | 'words1' | 'words2' | 'words3' | 'negation';

/** Perturbations without word edits (the ≥ 0.99 target) and with 1–3 changed words (≥ 0.98). */
export const NO_WORD_EDITS: Perturbation[] = ['exact', 'quotes', 'case', 'whitespace', 'ellipsis', 'cut', 'typos'];
export const WORD_EDITS: Perturbation[] = ['words1', 'words2', 'words3'];

const AUX = /\b(is|was|are|were|will|would|can|could|should|must|do|does|did|has|have|had)\b/i;

function perturb(kind: Perturbation, text: string, r: Rng, vocab: string[]): string | null {
  const words = text.split(/\s+/).filter(Boolean);
  const n = words.length;
  switch (kind) {
    case 'exact':
      return text;
    case 'quotes': {
      const swapped = text.replace(/[’']/g, (c) => (c === "'" ? '’' : "'")).replace(/[“”"]/g, (c) => (c === '"' ? '“' : '"'));
      return r.next() < 0.5 ? `“${swapped}”` : `"${swapped}"`;
    }
    case 'case':
      return r.next() < 0.5 ? text.toUpperCase() : text.toLowerCase();
    case 'whitespace': {
      const seps = [' ', '\n', '  ', ' \n ', '\t', '\u00a0'];
      const out = words.map((w, i) => (i === 0 ? w : r.pick(seps) + w)).join('');
      const long = words.findIndex((w) => /^[a-z]{8,}$/i.test(w));
      if (long < 0) return out;
      const w = words[long];
      return out.replace(w, `${w.slice(0, 4)}-\n${w.slice(4)}`);
    }
    case 'ellipsis': {
      if (n < 10) return null;
      const a = 3 + r.int(n - 8);
      const len = 2 + r.int(Math.min(4, n - a - 3));
      return [...words.slice(0, a), r.pick(['…', '...', '[…]', '[...]']), ...words.slice(a + len)].join(' ');
    }
    case 'cut': {
      if (n < 9) return null;
      const len = Math.max(6, Math.ceil(n * (0.4 + 0.3 * r.next())));
      const a = r.int(n - len + 1);
      return words.slice(a, a + len).join(' ');
    }
    case 'typos': {
      const cands = words.map((w, i) => ({ w, i })).filter(({ w }) => /^[a-z]{5,}$/i.test(w));
      if (!cands.length) return null;
      const out = words.slice();
      for (let k = 0; k < Math.min(2, cands.length); k++) {
        const { w, i } = cands[r.int(cands.length)];
        const p = 1 + r.int(w.length - 2);
        const op = r.int(3);
        out[i] = op === 0 ? w.slice(0, p) + w[p + 1] + w[p] + w.slice(p + 2) : op === 1 ? w.slice(0, p) + w.slice(p + 1) : w.slice(0, p) + w[p] + w.slice(p);
      }
      return out.join(' ');
    }
    case 'words1':
    case 'words2':
    case 'words3': {
      const k = Number(kind.slice(-1));
      // A reader's paraphrase keeps most of the quote: at most one changed word in four.
      if (n < 4 * k) return null;
      const idx = words.map((w, i) => ({ w: w.toLowerCase().replace(/[^\p{L}']/gu, ''), i })).filter(({ w }) => isContentWord(w));
      if (idx.length < k) return null;
      const out = words.slice();
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(idx[r.int(idx.length)].i);
      for (const i of chosen) {
        let sub = r.pick(vocab);
        while (sub === out[i].toLowerCase()) sub = r.pick(vocab);
        out[i] = sub;
      }
      return out.join(' ');
    }
    case 'negation': {
      if (/\b(not|never|no)\b/i.test(text)) return text.replace(/\s*\b(not|never|no)\b/i, '');
      if (/\b\w+n[’']t\b/i.test(text)) {
        return text.replace(/\b(\w+?)n[’']t\b/i, (_, stem: string) => ({ ca: 'can', wo: 'will', sha: 'shall' })[stem.toLowerCase()] ?? stem);
      }
      if (AUX.test(text)) return text.replace(AUX, (aux) => `${aux} not`);
      return null;
    }
  }
}

export const PERTURBATIONS: Perturbation[] = [...NO_WORD_EDITS, ...WORD_EDITS, 'negation'];

export interface Query {
  kind: Perturbation;
  selector: TextQuoteSelector;
  docId: string;
  /** The quotation as in the source file. */
  base: string;
}

export function buildQueries(docs: PolnearDoc[], seed = 7): Query[] {
  const r = rng(seed);
  const vocab = [...new Set(docs.flatMap((d) => d.source.body.toLowerCase().match(/\b[a-z]{4,12}\b/g) ?? []))].filter(isContentWord);
  const out: Query[] = [];
  for (const d of docs) {
    for (const q of polnearQuotations(d)) {
      for (const kind of PERTURBATIONS) {
        const exact = perturb(kind, q.text, r, vocab);
        if (exact) out.push({ kind, selector: { exact }, docId: d.id, base: q.text });
      }
    }
  }
  return out;
}

/** n selectors over the PolNeAR corpus with the article each should find (for end-to-end benches). */
export function lookupSelectors(n: number): { selector: TextQuoteSelector; articleId: string; kind: Perturbation }[] {
  const qs = buildQueries(loadPolnear());
  const r = rng(11);
  return Array.from({ length: Math.min(n, qs.length) }, () => {
    const q = qs[r.int(qs.length)];
    return { selector: q.selector, articleId: q.docId, kind: q.kind };
  });
}

/* ---------- negatives ---------- */

function stopWordStrings(r: Rng, count: number): string[] {
  const stops =
    'the of and to in that it was for on is with as he said but they his at by not from have this be are we were would there their which what all been has about when who will could more'.split(
      ' ',
    );
  return Array.from({ length: count }, () => Array.from({ length: 4 + r.int(9) }, () => r.pick(stops)).join(' '));
}

/* ---------- scoring ---------- */

const wordSet = (s: string) =>
  new Set(
    normaliseWords(s)
      .split(' ')
      .filter((w) => w && w !== '…'),
  );

/** Share of the smaller side's words found in the other side. */
export function overlap(a: string, b: string): number {
  const A = wordSet(a);
  const B = wordSet(b);
  if (!A.size || !B.size) return 0;
  let common = 0;
  for (const w of A) if (B.has(w)) common++;
  return common / Math.min(A.size, B.size);
}

/**
 * Where each quotation really is: every excerpt whose normalised text contains it. News articles
 * share wire copy, so one quotation often stands in several articles; any of them is a right answer.
 */
let truth = new Map<string, Set<string>>();
export function buildTruth(excerpts: Excerpt[], bases: string[]): void {
  const norm = excerpts.map((e) => ({ id: e.id, text: ` ${normaliseWords(e.text)} ` }));
  truth = new Map();
  for (const b of new Set(bases)) {
    const nb = ` ${normaliseWords(b)} `;
    truth.set(b, new Set(norm.filter((e) => e.text.includes(nb)).map((e) => e.id)));
  }
}
const rightPlace = (excerptId: string, articleId: string, q: Query) => {
  const t = truth.get(q.base);
  return t?.size ? t.has(excerptId) : articleId === q.docId;
};

export const engineCorrect = (m: Match | undefined, q: Query) => !!m && rightPlace(m.excerpt.id, m.article.id, q) && overlap(m.quote.exact, q.base) >= 0.5;

function baselineCorrect(hit: BaselineHit | null, q: Query, texts: Map<string, string>, tau: number): boolean {
  if (!hit || hit.errorRate > tau || !rightPlace(hit.id, hit.articleId, q)) return false;
  return overlap((texts.get(hit.id) ?? '').slice(hit.start, hit.end), baselineFold(q.base)) >= 0.5;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms` : '–');

interface EngineRun {
  matches: Match[];
  ms: number;
  roundTrips: number;
  keysRead: number;
}

/**
 * Engine time per lookup: the least of REPEAT runs of the same lookup (wall clock). The machine is
 * shared (2 cores, other engineers' test runs), and the minimum filters out time the process spent
 * descheduled, leaving the engine's own CPU cost.
 */
/** Seven: with three, a run during other engineers' test runs (load average 8 on 2 cores) still kept descheduled time in the tail. */
const REPEAT = 7;
async function runEngine(kv: MemoryKV, selectors: TextQuoteSelector[]): Promise<EngineRun[]> {
  collectGarbage();
  // Warm up the JIT on a few lookups first so p50/p99 measure steady state.
  for (const s of selectors.slice(0, 30)) await lookup(kv, s);
  const out: EngineRun[] = [];
  for (const s of selectors) {
    let best = Infinity;
    let r: Awaited<ReturnType<typeof lookup>> | undefined;
    for (let k = 0; k < REPEAT; k++) {
      const t = performance.now();
      r = await lookup(kv, s);
      best = Math.min(best, performance.now() - t);
    }
    out.push({ matches: r!.matches, ms: best, roundTrips: r!.stats.roundTrips, keysRead: r!.stats.keysRead });
  }
  return out;
}

/** A full garbage collection before timing, so one phase's garbage is not collected during the next one's timings. */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // Not available: timings just include the occasional collection.
  }
}

/** CPU time of this thread in ms (the baseline's scans are long enough for its tick resolution). */
const threadCpuMs = () => {
  const u = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function excerptsIn(kv: MemoryKV): Excerpt[] {
  const out: Excerpt[] = [];
  for (const [k, v] of kv.data) if (k.startsWith(KEY_PREFIX.excerpt)) out.push(JSON.parse(v) as Excerpt);
  return out;
}

/* ---------- the bench ---------- */

export async function run() {
  if (!corpusAvailable()) {
    return { title: TITLE, markdown: '_Skipped: the corpus folder (../shared/corpus) is not present._', figures: { skipped: true } };
  }
  const started = performance.now();
  const log = (msg: string) => console.log(`  lookup: ${msg} (${((performance.now() - started) / 1000).toFixed(0)} s)`);

  /* --- real corpus through the ingestion path --- */
  const kv = new MemoryKV();
  const { seed, docs, pages, liar } = await ingestIndexedCorpus(kv);
  const realExcerpts = excerptsIn(kv);
  log(`ingested ${seed.articles.length} seed + ${docs.length} PolNeAR + ${pages.length} pages = ${realExcerpts.length} excerpts, ${liar.length} LIAR claims`);

  /* --- queries and negatives --- */
  const queries = buildQueries(docs);
  const r = rng(99);
  const heldOut = HELD_OUT_PAGES.map((n) => loadPage(n)).filter((p): p is ArticleSource => !!p);
  const negatives: { kind: string; exact: string }[] = [
    ...heldOut.flatMap((p) =>
      sentences(p.body, 8, 50)
        .slice(0, 40)
        .map((exact) => ({ kind: 'held-out page sentence', exact })),
    ),
    ...stopWordStrings(r, 60).map((exact) => ({ kind: 'stop words only', exact })),
    ...Array.from({ length: 300 }, () => r.pick(liar).text)
      .filter((t) => t.split(' ').length >= 8)
      .map((exact) => ({ kind: 'same-topic (LIAR statement)', exact })),
  ];
  buildTruth(
    realExcerpts,
    queries.map((q) => q.base),
  );
  log(`${queries.length} queries from ${new Set(queries.map((q) => q.base)).size} quotations, ${negatives.length} negatives`);

  /* --- engine quality --- */
  const engineRuns = await runEngine(
    kv,
    queries.map((q) => q.selector),
  );
  const negRuns = await runEngine(
    kv,
    negatives.map((n) => ({ exact: n.exact })),
  );
  log('engine quality done');

  /* --- baseline quality (same corpus, same queries) --- */
  const baseline = new LinearScanBaseline();
  baseline.add(realExcerpts.map((e) => ({ id: e.id, articleId: e.articleId, text: e.text })));
  const foldedTexts = new Map(realExcerpts.map((e) => [e.id, baselineFold(e.text)]));
  // The scan is slow: it runs on a stratified sample of the queries (every perturbation equally).
  const BASELINE_PER_KIND = Number(process.env.LOOKUP_BENCH_BASELINE_PER_KIND ?? 30);
  const byKind = new Map<Perturbation, number[]>();
  queries.forEach((q, i) => {
    const list = byKind.get(q.kind) ?? [];
    list.push(i);
    byKind.set(q.kind, list);
  });
  const rs = rng(5);
  const baselineSample = [...byKind.values()].flatMap((ids) => {
    const c = ids.slice();
    for (let i = c.length - 1; i > 0; i--) {
      const j = rs.int(i + 1);
      [c[i], c[j]] = [c[j], c[i]];
    }
    return c.slice(0, BASELINE_PER_KIND);
  });
  const baseHits = new Map<number, { hit: BaselineHit | null; ms: number }>();
  for (const i of baselineSample) {
    const t = threadCpuMs();
    const hit = baseline.best(queries[i].selector.exact);
    baseHits.set(i, { hit, ms: threadCpuMs() - t });
  }
  const baseNeg = negatives.map((n) => baseline.best(n.exact));
  // Fair threshold: the loosest error rate whose false positives stay ≤ 1%.
  const taus = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
  let tau = taus[0];
  for (const t of taus) if (baseNeg.filter((h) => h && h.errorRate <= t).length / negatives.length <= 0.01) tau = t;
  log(`baseline quality done on ${baselineSample.length} queries (threshold ${tau})`);

  /* --- quality tables --- */
  const rows: string[] = [];
  const figures: Record<string, unknown> = {};
  const recallOf = (kinds: Perturbation[]) => {
    const idx = queries.map((_, i) => i).filter((i) => kinds.includes(queries[i].kind));
    const eng = idx.filter((i) => engineCorrect(engineRuns[i].matches[0], queries[i])).length / idx.length;
    const bIdx = idx.filter((i) => baseHits.has(i));
    const base = bIdx.filter((i) => baselineCorrect(baseHits.get(i)!.hit, queries[i], foldedTexts, tau)).length / bIdx.length;
    return { n: idx.length, eng, bn: bIdx.length, base };
  };
  for (const kind of PERTURBATIONS) {
    const x = recallOf([kind]);
    rows.push(`| ${kind} | ${x.n} | ${f3(x.eng)} | ${f3(x.base)} (n=${x.bn}) |`);
    figures[`recall.${kind}`] = { engine: x.eng, baseline: x.base, n: x.n, baselineN: x.bn };
  }
  const noEdits = recallOf(NO_WORD_EDITS);
  const edits = recallOf(WORD_EDITS);
  const negIdx = queries.map((_, i) => i).filter((i) => queries[i].kind === 'negation');
  const flagged = negIdx.filter((i) => {
    const m = engineRuns[i].matches[0];
    return engineCorrect(m, queries[i]) && m.altered && m.differences.some((d) => d.meaning === 'negation');
  }).length;
  const negFlagShare = flagged / negIdx.length;
  const fpEngine = negRuns.filter((x) => x.matches.length > 0);
  const fpBase = baseNeg.filter((h) => h && h.errorRate <= tau).length;
  const fpByKind = [...new Set(negatives.map((n) => n.kind))].map((kind) => {
    const idx = negatives.map((_, i) => i).filter((i) => negatives[i].kind === kind);
    return `${kind}: engine ${idx.filter((i) => negRuns[i].matches.length).length}/${idx.length}, baseline ${idx.filter((i) => baseNeg[i] && baseNeg[i]!.errorRate <= tau).length}/${idx.length}`;
  });
  // Wrong answers among returned positives: a confident wrong source is the worst outcome.
  const wrongTop = queries.filter((q, i) => engineRuns[i].matches.length && !engineCorrect(engineRuns[i].matches[0], q)).length;

  // Reliability of the calibrated score: precision of the top answer by score band.
  const bands = [0.5, 0.6, 0.7, 0.8, 0.9, 1.01];
  const top = [
    ...queries.map((q, i) => ({ m: engineRuns[i].matches[0], ok: engineCorrect(engineRuns[i].matches[0], q) })),
    ...negRuns.map((x) => ({ m: x.matches[0], ok: false })),
  ].filter((x) => x.m);
  const reliability = bands.slice(0, -1).map((lo, k) => {
    const inBand = top.filter((x) => x.m!.score >= lo && x.m!.score < bands[k + 1]);
    return `| ${lo.toFixed(1)}–${Math.min(1, bands[k + 1]).toFixed(1)} | ${inBand.length} | ${f3(inBand.filter((x) => x.ok).length / inBand.length)} |`;
  });

  const allMs = engineRuns.map((x) => x.ms);
  const baseMs = [...baseHits.values()].map((x) => x.ms);
  figures.quality = {
    excerpts: realExcerpts.length,
    queries: queries.length,
    negatives: negatives.length,
    recallNoWordEdits: noEdits.eng,
    recallWordEdits: edits.eng,
    baselineRecallNoWordEdits: noEdits.base,
    baselineRecallWordEdits: edits.base,
    baselineThreshold: tau,
    falsePositiveRate: fpEngine.length / negatives.length,
    baselineFalsePositiveRate: fpBase / negatives.length,
    negationFlagged: negFlagShare,
    wrongTopAnswers: wrongTop,
    engineMsP50: pct(allMs, 50),
    engineMsP99: pct(allMs, 99),
    maxRoundTrips: Math.max(...engineRuns.map((x) => x.roundTrips), ...negRuns.map((x) => x.roundTrips)),
  };

  /* --- speed tiers --- */
  // LOOKUP_BENCH_TIERS=0 skips the speed tiers (quick quality runs while tuning).
  const speed =
    process.env.LOOKUP_BENCH_TIERS === '0'
      ? { markdown: '_Speed tiers skipped (LOOKUP_BENCH_TIERS=0)._', figures: {} }
      : await speedTiers(
          docs,
          pages,
          liar.map((c) => c.text),
          log,
        );
  figures.speed = speed.figures;

  const md = `
_${workerStamp().text}._

Corpus (real ingestion path, MemoryKV): seed + ${docs.length} PolNeAR articles + ${pages.length} saved pages = **${realExcerpts.length} excerpts**; ${liar.length} LIAR statements as claims.
Queries: ${queries.length} perturbed copies of ${new Set(queries.map((q) => q.base)).size} real PolNeAR quotations; ${negatives.length} negatives.
Baseline: linear scan of every excerpt with approx-string-match (Myers), lower-cased and whitespace/quote-folded, accepting a match at ≤ ${tau} errors per character (the loosest threshold keeping its false positives ≤ 1%); run on a stratified sample of ${baselineSample.length} queries (${BASELINE_PER_KIND} per perturbation) because a full scan per query is slow.

### Quality

| | engine | baseline | target |
|---|---|---|---|
| recall@1, no word edits (${NO_WORD_EDITS.join(', ')}) | **${f3(noEdits.eng)}** (n=${noEdits.n}) | ${f3(noEdits.base)} (n=${noEdits.bn}) | ≥ 0.99 |
| recall@1, 1–3 words changed | **${f3(edits.eng)}** (n=${edits.n}) | ${f3(edits.base)} (n=${edits.bn}) | ≥ 0.98 |
| false-positive rate (negatives with any match) | **${f3(fpEngine.length / negatives.length)}** (${fpEngine.length}/${negatives.length}) | ${f3(fpBase / negatives.length)} | ≤ 0.01 |
| negation flips flagged | **${f3(negFlagShare)}** (${flagged}/${negIdx.length}) | 0 (no diff) | ≥ 0.99 |
| wrong top answer (returned, but not the source) | ${wrongTop} of ${queries.length} | – | – |
| CPU per lookup p50 / p99 (${realExcerpts.length} excerpts) | ${ms(pct(allMs, 50))} / ${ms(pct(allMs, 99))} | ${ms(pct(baseMs, 50))} / ${ms(pct(baseMs, 99))} | p99 ≤ 2 ms |

False positives by kind: ${fpByKind.join('; ')}.
Engine false positives (negative → what it matched): ${
    fpEngine.length
      ? fpEngine
          .map((x) => {
            const i = negRuns.indexOf(x);
            return `“${negatives[i].exact.slice(0, 90)}” → “${x.matches[0].quote.exact.slice(0, 90)}” (${x.matches[0].score})`;
          })
          .join('; ')
      : 'none'
  }.

Recall@1 by perturbation:

| perturbation | queries | engine | baseline |
|---|---|---|---|
${rows.join('\n')}

Score reliability (precision of the top answer by calibrated score band, positives and negatives together):

| score | answers | precision |
|---|---|---|
${reliability.join('\n')}

### Speed and growth

${speed.markdown}
`;
  if (process.env.LOOKUP_BENCH_MISSES) {
    const misses = queries
      .map((q, i) => ({ q, m: engineRuns[i].matches[0] }))
      .filter(({ q, m }) => !engineCorrect(m, q))
      .map(({ q, m }) => ({
        kind: q.kind,
        exact: q.selector.exact,
        base: q.base,
        doc: q.docId,
        truth: [...(truth.get(q.base) ?? [])],
        got: m ? { id: m.excerpt.id, score: m.score, exact: m.quote.exact } : null,
      }));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(process.env.LOOKUP_BENCH_MISSES, JSON.stringify(misses, null, 1));
  }
  return { title: TITLE, markdown: md, figures };
}

/* ---------- speed tiers: 1k, 10k, 100k excerpts ---------- */

async function speedTiers(docs: PolnearDoc[], pages: ArticleSource[], liarTexts: string[], log: (m: string) => void) {
  const kv = new MemoryKV();
  const baseline = new LinearScanBaseline();
  const r = rng(2024);
  const texts = new Map<string, string>();
  let count = 0;
  const ingest = async (a: ArticleSource) => {
    const rep = await putArticle(kv, a);
    count += rep.excerpts;
  };
  const sync = () => {
    const seen = new Set(texts.keys());
    const fresh = excerptsIn(kv).filter((e) => !seen.has(e.id));
    for (const e of fresh) texts.set(e.id, baselineFold(e.text));
    baseline.add(fresh.map((e) => ({ id: e.id, articleId: e.articleId, text: e.text })));
  };

  // Tier 1: PolNeAR articles until ~1k excerpts; speed queries come from these articles.
  const tierDocs: PolnearDoc[] = [];
  for (const d of docs) {
    if (count >= 1000) break;
    await ingest(d.source);
    tierDocs.push(d);
  }
  const all = buildQueries(tierDocs, 3);
  const queries = Array.from({ length: 300 }, () => all[r.int(all.length)]);

  // Synthetic filler: paragraphs recombining real sentences (LIAR statements, ingested pages).
  const pool = [...liarTexts, ...pages.flatMap((p) => sentences(p.body, 6, 40))];
  let synth = 0;
  const synthArticle = (paragraphs: number): ArticleSource => {
    const body = Array.from({ length: paragraphs }, () => Array.from({ length: 3 + r.int(3) }, () => r.pick(pool)).join(' ')).join('\n\n');
    synth++;
    return { id: `synthetic-${synth}`, title: `Synthetic article ${synth}`, published: '2020-01-01', body };
  };
  const fillTo = async (target: number) => {
    while (count < target) await ingest(synthArticle(Math.min(50, Math.max(1, target - count))));
  };

  const tiers: { size: number; row: string; fig: Record<string, unknown> }[] = [];
  const measure = async (label: string, baselineBudgetMs: number) => {
    sync();
    const runs = await runEngine(
      kv,
      queries.map((q) => q.selector),
    );
    const engMs = runs.map((x) => x.ms);
    const engRecall = queries.filter((q, i) => engineCorrect(runs[i].matches[0], q)).length / queries.length;
    // Baseline on as many queries as its time budget allows (at least 10).
    const baseMs: number[] = [];
    let baseOk = 0;
    const t0 = performance.now();
    for (let i = 0; i < queries.length; i++) {
      if (baseMs.length >= 10 && performance.now() - t0 > baselineBudgetMs) break;
      const t = threadCpuMs();
      const hit = baseline.best(queries[i].selector.exact);
      baseMs.push(threadCpuMs() - t);
      if (baselineCorrect(hit, queries[i], texts, 0.3)) baseOk++;
    }
    const p50 = pct(engMs, 50);
    const bp50 = pct(baseMs, 50);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Medians of the same queries: robust to the odd descheduled run on a shared machine.
    const ratio = pct(baseMs, 50) / pct(engMs.slice(0, baseMs.length), 50);
    const meanRatio = mean(baseMs) / mean(engMs.slice(0, baseMs.length));
    const fig = {
      excerpts: count,
      indexKeys: [...kv.data.keys()].filter((k) => k.startsWith(KEY_PREFIX.indexFeature)).length,
      engineMsP50: p50,
      engineMsP99: pct(engMs, 99),
      roundTripsMax: Math.max(...runs.map((x) => x.roundTrips)),
      keysReadMean: mean(runs.map((x) => x.keysRead)),
      keysReadMax: Math.max(...runs.map((x) => x.keysRead)),
      baselineMsP50: bp50,
      baselineMsP99: pct(baseMs, 99),
      baselineQueries: baseMs.length,
      speedRatioMedian: ratio,
      speedRatioMean: meanRatio,
      engineRecall: engRecall,
      baselineRecall: baseOk / baseMs.length,
    };
    tiers.push({
      size: count,
      fig,
      row: `| ${label} (${count.toLocaleString('en')}) | ${ms(p50)} / ${ms(fig.engineMsP99)} | ${fig.roundTripsMax} | ${fig.keysReadMean.toFixed(0)} (max ${fig.keysReadMax}) | ${ms(bp50)} / ${ms(fig.baselineMsP99)} (n=${baseMs.length}) | **${ratio.toFixed(0)}×** (mean ${meanRatio.toFixed(0)}×) | ${f3(engRecall)} | ${f3(baseOk / baseMs.length)} |`,
    });
    log(`speed tier ${label}: ${count} excerpts measured`);
  };

  await measure('1k', 10_000);
  for (const d of docs.slice(tierDocs.length)) await ingest(d.source);
  for (const p of pages) await ingest(p);
  await fillTo(10_000);
  await measure('10k', 15_000);
  await fillTo(100_000);
  log('100k ingested');
  await measure('100k', 20_000);

  const markdown = `Same ${queries.length} queries (a random mix of every perturbation over the PolNeAR articles of the first tier) at each size; each tier adds articles through \`putArticle\` (the rest of PolNeAR and the pages, then synthetic articles whose paragraphs recombine real sentences from LIAR statements and the ingested pages). Engine time is per lookup in-process with MemoryKV, so it is engine cost (normalise, features, candidate tally, alignment, diff, JSON parse of the values read): the least wall time of ${REPEAT} runs of each lookup, which filters out time descheduled on this shared 2-core machine. Baseline time is the scanning thread's CPU time. The baseline scans every excerpt; at the larger sizes it runs on the first n queries only (its time budget), and the speed ratio compares median times on those same queries (ratio of means in brackets). Baseline recall here uses its loosest threshold (0.3 errors per character).

| excerpts | engine p50 / p99 | KV round trips (max) | keys read per lookup (mean) | baseline p50 / p99 | speed ratio | engine recall@1 | baseline recall@1 |
|---|---|---|---|---|---|---|---|
${tiers.map((t) => t.row).join('\n')}

Growth: from ${tiers[0].size.toLocaleString('en')} to ${tiers[tiers.length - 1].size.toLocaleString('en')} excerpts (×${(tiers[tiers.length - 1].size / tiers[0].size).toFixed(0)}), engine p50 grew ×${((tiers[tiers.length - 1].fig.engineMsP50 as number) / (tiers[0].fig.engineMsP50 as number)).toFixed(1)} and the baseline's ×${((tiers[tiers.length - 1].fig.baselineMsP50 as number) / (tiers[0].fig.baselineMsP50 as number)).toFixed(0)}.
End-to-end p50/p99 through the local worker: \`npm run bench e2e\` (the same query generator, through wrangler dev and local KV).`;
  return { markdown, figures: Object.fromEntries(tiers.map((t) => [String(t.size), t.fig])) };
}
