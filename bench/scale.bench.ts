/**
 * Scale: one sentence reprinted N times (N = 1 … 10,000). Synthetic and fictional throughout: the
 * Port Wenlow harbour council (a made-up town; every name here is invented).
 *
 * Corpus, through the real ingestion path (`putArticle` on a MemoryKV):
 * - ~1,000 unrelated background reports (varied synthetic text, with quotes of their own), so the
 *   index is not trivially empty;
 * - one primary transcript of a council meeting (`HOLT:` / `TARVIS:` … turns) in which Councillor
 *   Tarvis says the QUOTED sentence;
 * - N reports quoting that sentence: even ones are exact copies of one paragraph (the same passage),
 *   odd ones near copies (other framing sentences and attributions around the same quote, half of
 *   them with the quote's closing period inside the marks — the same wording printed with other
 *   characters, as wire copy has).
 * Reports are added incrementally; figures are taken at each checkpoint N.
 *
 * Per checkpoint: KV keys, largest value, value sizes of posting lists / passages / quotations;
 * ingest time per report (over the reports added since the previous checkpoint); the lookup of the
 * sentence (found, source kind, appearances.count, round trips, p50/p99 time over LOOKUP_REPS runs).
 *
 * Baseline, same run, same articles: **the first layout, re-implemented for comparison**
 * (`FirstLayout` below): every excerpt indexed under its features by excerpt id; a posting list that
 * would list more than 150 ids becomes '*' and is ignored; candidates tallied 1/log2(2 + n) per
 * feature (unigrams 0.7), floor 0.4 of the best, top 12; aligned with core/match `prepare`/`align`;
 * a match needs SCORE_THRESHOLD. Its known defect: a sentence printed in more than 150 excerpts
 * saturates every feature it has, and is found nowhere.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { excerptFeatures, queryFeatures, SATURATED } from '../worker/core/features';
import { buildArticleRecords } from '../worker/core/ingest';
import { align, isLookupable, prepare, SCORE_THRESHOLD } from '../worker/core/match';
import { normaliseWords, tokenize } from '../worker/core/normalise';
import type { ArticleSource, Excerpt } from '../worker/core/types';
import { putArticle } from '../worker/store/records';
import { KEY_PREFIX } from '../worker/store/keys';
import { MemoryKV } from '../worker/store/kv';
import { lookup } from '../worker/store/lookup';
import { workerStamp } from './stamp';
import { rng } from './random';

const TITLE = 'Scale: one sentence reprinted 1 to 10,000 times (synthetic) vs. the first index layout';
/** Checkpoints (reports quoting the sentence); 149/150 bracket the first layout's 150-id cap (the transcript is one more copy). */
const CHECKPOINTS = (process.env.SCALE_CHECKPOINTS ?? '1,100,149,150,1000,10000').split(',').map(Number);
const BACKGROUND = Number(process.env.SCALE_BACKGROUND ?? 1000);
const LOOKUP_REPS = 200;
/** Stop adding reports once ingest has taken this long (the figures then stop at the last N reached). */
const BUDGET_MS = Number(process.env.SCALE_BUDGET_S ?? 480) * 1000;

/* ---------- deterministic randomness ---------- */

type Rng = ReturnType<typeof rng>;

/* ---------- fictional text ---------- */

export const QUOTED = 'We will not close the north quay before the spring tides, whatever the ministry decides about the dredging contract';

const SYL = [
  'bel',
  'dor',
  'wen',
  'kas',
  'mir',
  'tol',
  'van',
  'rek',
  'sul',
  'hap',
  'gri',
  'lom',
  'fen',
  'osk',
  'tar',
  'niv',
  'cal',
  'bry',
  'dun',
  'pel',
  'quor',
  'sab',
  'yth',
  'zan',
];
export const name = (r: Rng, parts: number) => {
  const s = Array.from({ length: parts }, () => r.pick(SYL)).join('');
  return s[0].toUpperCase() + s.slice(1);
};
const NOUNS =
  'ferry budget pier lighthouse tide schedule warehouse crane tariff license quota fleet trawler berth slipway mooring levy grant survey inspection harbourmaster channel buoy dockyard container reservoir bridge railway depot market school clinic library ward festival regatta seawall breakwater pipeline turbine substation'.split(
    ' ',
  );
const ADJ =
  'new old northern southern eastern western delayed revised disputed temporary permanent annual local regional costly modest urgent quiet busy flooded rebuilt'.split(
    ' ',
  );
const VERBS =
  'approved rejected postponed funded inspected reopened closed expanded reviewed questioned delayed cancelled doubled halved extended audited'.split(' ');
const WHO = 'residents councillors engineers fishermen traders inspectors volunteers auditors pilots teachers ferry crews shopkeepers'.split(' ');
const WHEN =
  'on Monday|last week|this spring|after a long debate|before the summer|by a narrow vote|without comment|late on Thursday|at the spring session|for the third time'.split(
    '|',
  );
const SAID = ['said', 'told reporters', 'told the meeting', 'said on Friday', 'added'];

function sentence(r: Rng, towns: string[]): string {
  const n = 5 + r.int(400);
  switch (r.int(5)) {
    case 0:
      return `The ${r.pick(ADJ)} ${r.pick(NOUNS)} in ${r.pick(towns)} was ${r.pick(VERBS)} ${r.pick(WHEN)}.`;
    case 1:
      return `${r.pick(WHO)[0].toUpperCase()}${r.pick(WHO).slice(1)} in ${r.pick(towns)} say the ${r.pick(NOUNS)} will cost ${n} thousand crowns.`;
    case 2:
      return `Officials ${r.pick(VERBS)} plans for a ${r.pick(ADJ)} ${r.pick(NOUNS)} near the ${r.pick(NOUNS)} ${r.pick(WHEN)}.`;
    case 3:
      return `About ${n} ${r.pick(WHO)} gathered at the ${r.pick(NOUNS)} in ${r.pick(towns)} to protest the ${r.pick(ADJ)} ${r.pick(NOUNS)}.`;
    default:
      return `The ${r.pick(NOUNS)} and the ${r.pick(NOUNS)} in ${r.pick(towns)} were ${r.pick(VERBS)} together ${r.pick(WHEN)}.`;
  }
}

function paragraph(r: Rng, towns: string[], sentences = 2 + r.int(3)): string {
  return Array.from({ length: sentences }, () => sentence(r, towns)).join(' ');
}

/** A background report: varied paragraphs, one with a quote by an invented person. */
export function backgroundReport(r: Rng, i: number, towns: string[]): ArticleSource {
  const speaker = `${name(r, 2)} ${name(r, 2)}`;
  const quote = `${sentence(r, towns).replace(/\.$/, '')}, and the ${r.pick(NOUNS)} must be ${r.pick(VERBS)}`;
  const paras = [paragraph(r, towns), `"${quote}," ${speaker} ${r.pick(SAID)}.`, paragraph(r, towns), paragraph(r, towns)];
  return {
    id: `background-${i}`,
    kind: 'report',
    url: `https://news.example/background/${i}`,
    title: `${r.pick(ADJ)} ${r.pick(NOUNS)} row in ${r.pick(towns)} (${i})`,
    publisher: `${r.pick(towns)} Gazette`,
    published: `2031-0${1 + r.int(9)}-1${r.int(10)}`,
    body: paras.join('\n\n'),
  };
}

/** The primary record: a council meeting transcript in which Tarvis says QUOTED. */
export function transcript(): ArticleSource {
  const body = [
    'Port Wenlow Harbour Council, ordinary meeting, 4 March 2031. Chair: Councillor Maren Holt.',
    '',
    'HOLT: Good evening, councillors. The first item is the north quay and the dredging contract.',
    `TARVIS: Thank you, Chair. ${QUOTED}. The fishing fleet needs that berth until April, and I have told the ministry so in writing.`,
    'HOLT: Councillor Oduya, you wanted to respond.',
    'ODUYA: I did. The harbour engineers say the quay wall can hold another season if we close the landing stage by the fish market.',
    'TARVIS: The landing stage is not the problem. The silt in the channel is, and no contract has been signed yet.',
    'HOLT: Then we will take the engineers’ report at the next meeting. The second item is the night ferry timetable.',
    'VRANKEN: The winter timetable will keep the late crossing to Kelbrook on Fridays and Saturdays only.',
    'ODUYA: Traders on the east pier have asked for the Sunday crossing back, and I support them.',
    'HOLT: Noted. We will put it to a vote in April.',
  ].join('\n');
  return {
    id: 'wenlow-council-2031-03-04',
    kind: 'primary',
    title: 'Port Wenlow Harbour Council: transcript of the meeting of 4 March 2031',
    published: '2031-03-04',
    url: 'https://council.example/wenlow/2031-03-04',
    body,
  };
}

const EXACT_PARAGRAPH = `"${QUOTED}," Councillor Ansel Tarvis told the harbour council on Tuesday.`;

/** Framings of the quote for near copies: the surrounding text varies, the quoted words do not (only their closing period). */
const FRAMES: ((q: string, lead: string, tail: string) => string)[] = [
  (q, lead, tail) => `${lead} "${q}," said Ansel Tarvis, the council's deputy chair. ${tail}`,
  (q, lead) => `${lead} Ansel Tarvis told the meeting: "${q}."`,
  (q, _lead, tail) => `“${q},” Councillor Ansel Tarvis said on Tuesday. ${tail}`,
  (q, lead, tail) => `${lead} In a statement read to the council, Ansel Tarvis said: “${q}.” ${tail}`,
];

/** Report `i` (0-based) quoting the sentence: even = exact copy of one paragraph, odd = near copy. */
export function quotingReport(r: Rng, i: number, towns: string[]): ArticleSource {
  const exact = i % 2 === 0;
  const quotePara = exact ? EXACT_PARAGRAPH : FRAMES[(i >> 1) % FRAMES.length](QUOTED, sentence(r, towns), sentence(r, towns));
  const paras = [
    `Port Wenlow's harbour council met on Tuesday to discuss the north quay. ${sentence(r, towns)}`,
    quotePara,
    paragraph(r, towns),
    paragraph(r, towns),
  ];
  return {
    id: `quay-report-${i}`,
    kind: 'report',
    url: `https://news.example/quay/${i}`,
    title: `Harbour council keeps the north quay open (${i})`,
    publisher: `${r.pick(towns)} ${r.pick(['Gazette', 'Courier', 'Herald', 'Post'])}`,
    // Dates from the 5th to the 24th of March, not in ingestion order.
    published: `2031-03-${String(5 + ((i * 7) % 20)).padStart(2, '0')}`,
    body: paras.join('\n\n'),
  };
}

/* ---------- the first layout, re-implemented for comparison ---------- */

/** The first layout's posting-list cap: a list over 150 ids became '*' and the feature was ignored. */
const FIRST_POSTING_CAP = 150;
const FIRST_MAX_CANDIDATES = 12;
const FIRST_CANDIDATE_FLOOR = 0.4;

/**
 * The first index layout, re-implemented for comparison (the engine before deduplicated passages and
 * quotation records): one posting list per feature listing excerpt ids, saturated to '*' past 150 ids
 * (then ignored), candidates tallied by rarity, the top 12 read and aligned. Two round trips per
 * lookup like the engine; its own key prefix in its own MemoryKV.
 */
export class FirstLayout {
  readonly kv = new MemoryKV();

  async add(excerpts: Excerpt[]): Promise<void> {
    for (const e of excerpts) {
      await this.kv.put(`old:excerpt:${e.id}`, JSON.stringify({ id: e.id, articleId: e.articleId, text: e.text }));
      for (const f of excerptFeatures(tokenize(e.text))) {
        const key = `old:ix:${f}`;
        const value = await this.kv.get(key, 'text');
        if (value === SATURATED) continue;
        const ids = value ? value.split(' ') : [];
        if (ids.includes(e.id)) continue;
        ids.push(e.id);
        await this.kv.put(key, ids.length > FIRST_POSTING_CAP ? SATURATED : ids.join(' '));
      }
    }
  }

  async lookup(exact: string): Promise<{ match: { excerptId: string; score: number; text: string } | null; roundTrips: number }> {
    const tokens = tokenize(exact);
    if (!isLookupable(tokens)) return { match: null, roundTrips: 0 };
    const features = queryFeatures(tokens);
    const rt0 = this.kv.roundTrips;
    // ≤ MAX_QUERY_FEATURES (100) keys: one bulk get.
    const postings = await this.kv.get(
      features.map((f) => `old:ix:${f.key}`),
      'text',
    );
    const tally = new Map<string, number>();
    for (const f of features) {
      const v = postings.get(`old:ix:${f.key}`);
      if (!v || v === SATURATED) continue;
      const ids = String(v).split(' ');
      const w = (f.kind === 'bigram' ? 1 : 0.7) / Math.log2(2 + ids.length);
      for (const id of ids) tally.set(id, (tally.get(id) ?? 0) + w);
    }
    let top = 0;
    for (const w of tally.values()) top = Math.max(top, w);
    const ranked = [...tally]
      .filter(([, w]) => w >= top * FIRST_CANDIDATE_FLOOR)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, FIRST_MAX_CANDIDATES);
    let best: { excerptId: string; score: number; text: string } | null = null;
    if (ranked.length) {
      const got = await this.kv.get<{ id: string; text: string }>(
        ranked.map(([id]) => `old:excerpt:${id}`),
        'json',
      );
      const query = prepare(tokens);
      for (const [id] of ranked) {
        const ex = got.get(`old:excerpt:${id}`);
        if (!ex) continue;
        const [a] = align(query, tokenize(ex.text), 1);
        if (a && a.score >= SCORE_THRESHOLD && (!best || a.score > best.score)) best = { excerptId: id, score: a.score, text: ex.text };
      }
    }
    return { match: best, roundTrips: this.kv.roundTrips - rt0 };
  }
}

/* ---------- measuring ---------- */

const pctl = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const msf = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : '–');
const kb = (b: number) => (Number.isFinite(b) ? (b < 1024 ? `${b} B` : `${(b / 1024).toFixed(1)} KB`) : '–');

function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // not available
  }
}

interface ValueSizes {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

function sizesOf(kv: MemoryKV) {
  const groups: Record<string, number[]> = { postings: [], passages: [], quotations: [], passageCopies: [], quotationMembers: [], claims: [], claimTerms: [] };
  const groupOf: [string, string][] = [
    [KEY_PREFIX.indexFeature, 'postings'],
    [KEY_PREFIX.passage, 'passages'],
    [KEY_PREFIX.quotation, 'quotations'],
    [KEY_PREFIX.passageCopies, 'passageCopies'],
    [KEY_PREFIX.quotationMembers, 'quotationMembers'],
    [KEY_PREFIX.claim, 'claims'],
    [KEY_PREFIX.claimTerm, 'claimTerms'],
  ];
  let largest = { key: '', bytes: 0 };
  let bytes = 0;
  for (const [k, v] of kv.data) {
    const b = Buffer.byteLength(v);
    bytes += b;
    if (b > largest.bytes) largest = { key: k, bytes: b };
    const g = groupOf.find(([p]) => k.startsWith(p));
    if (g) groups[g[1]].push(b);
  }
  const stat = (xs: number[]): ValueSizes => ({ count: xs.length, p50: pctl(xs, 50), p99: pctl(xs, 99), max: xs.length ? Math.max(...xs) : NaN });
  return { keys: kv.data.size, bytes, largest, ...Object.fromEntries(Object.entries(groups).map(([k, xs]) => [k, stat(xs)])) } as {
    keys: number;
    bytes: number;
    largest: { key: string; bytes: number };
  } & Record<'postings' | 'passages' | 'quotations' | 'passageCopies' | 'quotationMembers' | 'claims' | 'claimTerms', ValueSizes>;
}

interface Checkpoint {
  n: number;
  stoppedEarly: boolean;
  engine: {
    size: ReturnType<typeof sizesOf>;
    ingestMsPerReport: { mean: number; p50: number; p99: number; max: number; reports: number };
    found: boolean;
    sourceKind: string | null;
    sourceArticle: string | null;
    appearances: number | null;
    wordings: number | null;
    roundTrips: number;
    keysRead: number;
    lookupMs: { p50: number; p99: number };
  };
  baseline: {
    keys: number;
    largest: number;
    postingsP50: number;
    postingsP99: number;
    saturated: number;
    ingestMsPerReport: number;
    found: boolean;
    roundTrips: number;
    lookupMs: { p50: number; p99: number };
  };
}

async function timeLookups(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  collectGarbage();
  for (let i = 0; i < 20; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < LOOKUP_REPS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: pctl(xs, 50), p99: pctl(xs, 99) };
}

export async function run() {
  const started = performance.now();
  const log = (msg: string) => console.log(`  scale: ${msg} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const r = rng(31);
  const towns = Array.from({ length: 60 }, () => name(r, 2 + r.int(2)));
  const kv = new MemoryKV();
  const first = new FirstLayout();
  const addBoth = async (source: ArticleSource) => {
    const t0 = performance.now();
    await putArticle(kv, source, { now: '2031-01-01T00:00:00Z' });
    const t1 = performance.now();
    const { excerpts } = await buildArticleRecords(source, { now: '2031-01-01T00:00:00Z' });
    await first.add(excerpts);
    return { engine: t1 - t0, baseline: performance.now() - t1 };
  };

  // Background, then the transcript.
  let bgEngine = 0;
  let bgBaseline = 0;
  for (let i = 0; i < BACKGROUND; i++) {
    const t = await addBoth(backgroundReport(r, i, towns));
    bgEngine += t.engine;
    bgBaseline += t.baseline;
  }
  const tr = await addBoth(transcript());
  log(
    `${BACKGROUND} background reports (engine ${(bgEngine / BACKGROUND).toFixed(2)} ms/report, first layout ${(bgBaseline / BACKGROUND).toFixed(2)} ms/report) + transcript (${tr.engine.toFixed(0)} ms), ${kv.data.size} keys`,
  );

  // Sanity: the reports' quote is extracted as a direct quote of QUOTED (else the bench measures nothing).
  for (let i = 0; i < 2 * FRAMES.length; i++) {
    const { excerpts } = await buildArticleRecords(quotingReport(rng(i), i, towns));
    const q = excerpts[1].quotes.find((x) => x.kind === 'direct');
    if (!q || normaliseWords(q.text) !== normaliseWords(QUOTED))
      throw new Error(`scale: report ${i} does not quote the sentence as a direct quote: ${JSON.stringify(excerpts[1].quotes)}`);
  }

  const checkpoints: Checkpoint[] = [];
  let added = 0;
  let ingestMs = 0;
  let stopped = false;
  const reportRng = rng(77);
  for (const target of CHECKPOINTS) {
    if (stopped) break;
    const engineTimes: number[] = [];
    let baselineMs = 0;
    while (added < target) {
      const t = await addBoth(quotingReport(reportRng, added, towns));
      engineTimes.push(t.engine);
      baselineMs += t.baseline;
      ingestMs += t.engine;
      added++;
      if (added % 1000 === 0)
        log(
          `${added} quoting reports, last 1000 at ${(engineTimes.slice(-1000).reduce((a, b) => a + b, 0) / Math.min(1000, engineTimes.length)).toFixed(1)} ms/report`,
        );
      if (ingestMs > BUDGET_MS) {
        stopped = true;
        log(`ingest budget (${BUDGET_MS / 1000} s) spent at ${added} reports: stopping here`);
        break;
      }
    }
    const n = added;
    // The engine's lookup of the sentence.
    const res = await lookup(kv, { exact: QUOTED });
    const m = res.matches[0];
    const lookupMs = await timeLookups(() => lookup(kv, { exact: QUOTED }));
    // The first layout's.
    const old = await first.lookup(QUOTED);
    const oldMs = await timeLookups(() => first.lookup(QUOTED));
    let oldKeys = 0;
    let oldLargest = 0;
    let saturated = 0;
    const oldPostings: number[] = [];
    for (const [k, v] of first.kv.data) {
      oldKeys++;
      oldLargest = Math.max(oldLargest, Buffer.byteLength(v));
      if (k.startsWith('old:ix:')) {
        oldPostings.push(Buffer.byteLength(v));
        if (v === SATURATED) saturated++;
      }
    }
    const cp: Checkpoint = {
      n,
      stoppedEarly: n < target,
      engine: {
        size: sizesOf(kv),
        ingestMsPerReport: {
          mean: engineTimes.reduce((a, b) => a + b, 0) / Math.max(1, engineTimes.length),
          p50: pctl(engineTimes, 50),
          p99: pctl(engineTimes, 99),
          max: engineTimes.length ? Math.max(...engineTimes) : NaN,
          reports: engineTimes.length,
        },
        found: !!m && normaliseWords(m.source.exact).includes(normaliseWords(QUOTED)),
        sourceKind: m?.source.kind ?? null,
        sourceArticle: m?.source.article.id ?? null,
        appearances: m?.appearances.count ?? null,
        wordings: m?.appearances.wordings ?? null,
        roundTrips: res.stats.roundTrips,
        keysRead: res.stats.keysRead,
        lookupMs,
      },
      baseline: {
        keys: oldKeys,
        largest: oldLargest,
        postingsP50: pctl(oldPostings, 50),
        postingsP99: pctl(oldPostings, 99),
        saturated,
        ingestMsPerReport: baselineMs / Math.max(1, engineTimes.length),
        found: !!old.match && normaliseWords(old.match.text).includes(normaliseWords(QUOTED)),
        roundTrips: old.roundTrips,
        lookupMs: oldMs,
      },
    };
    checkpoints.push(cp);
    log(
      `N=${n}: engine found=${cp.engine.found} ${cp.engine.sourceKind} count=${cp.engine.appearances} rt=${cp.engine.roundTrips} ` +
        `lookup p50 ${msf(lookupMs.p50)} ms; ingest ${msf(cp.engine.ingestMsPerReport.mean)} ms/report; largest ${cp.engine.size.largest.bytes} B ${cp.engine.size.largest.key} | first layout found=${cp.baseline.found}`,
    );
  }

  const last = checkpoints[checkpoints.length - 1];
  const lastFound = [...checkpoints].reverse().find((c) => c.baseline.found);
  const firstLost = checkpoints.find((c) => !c.baseline.found);
  const s = (v: ValueSizes) => `${kb(v.p50)} / ${kb(v.p99)} / ${kb(v.max)}`;
  const engineRows = checkpoints.map((c) => {
    const e = c.engine;
    return `| ${c.n.toLocaleString('en')}${c.stoppedEarly ? ' (budget)' : ''} | ${e.size.keys.toLocaleString('en')} | ${kb(e.size.largest.bytes)} (\`${e.size.largest.key.replace(/^v1:/, '').slice(0, 28)}\`) | ${s(e.size.postings)} | ${s(e.size.passages)} | ${s(e.size.quotations)} | ${s(e.size.claims)} | ${msf(e.ingestMsPerReport.mean)} (p99 ${msf(e.ingestMsPerReport.p99)}) |`;
  });
  const lookupRows = checkpoints.map((c) => {
    const e = c.engine;
    const b = c.baseline;
    return `| ${c.n.toLocaleString('en')} | ${e.found ? '**yes**' : '**no**'} | ${e.sourceKind ?? '–'} | ${e.appearances ?? '–'} (${e.wordings ?? '–'} wordings) | ${e.roundTrips} | ${msf(e.lookupMs.p50)} / ${msf(e.lookupMs.p99)} ms | ${b.found ? '**yes**' : '**no**'} | ${b.roundTrips} | ${msf(b.lookupMs.p50)} / ${msf(b.lookupMs.p99)} ms |`;
  });
  const baselineRows = checkpoints.map(
    (c) =>
      `| ${c.n.toLocaleString('en')} | ${c.baseline.keys.toLocaleString('en')} | ${kb(c.baseline.largest)} | ${kb(c.baseline.postingsP50)} / ${kb(c.baseline.postingsP99)} | ${c.baseline.saturated.toLocaleString('en')} | ${msf(c.baseline.ingestMsPerReport)} |`,
  );
  const chunkRows = checkpoints.map(
    (c) =>
      `| ${c.n.toLocaleString('en')} | ${s(c.engine.size.passageCopies)} (${c.engine.size.passageCopies.count}) | ${s(c.engine.size.quotationMembers)} (${c.engine.size.quotationMembers.count}) | ${s(c.engine.size.claimTerms)} |`,
  );

  const md = `
_${workerStamp().text}._

Synthetic and fictional: a Port Wenlow harbour council transcript (\`kind: primary\`, \`HOLT:\`/\`TARVIS:\` turns) in which Councillor Tarvis says “${QUOTED}.”; ${BACKGROUND.toLocaleString('en')} unrelated background reports (varied generated text, each with a quote of its own); then N reports quoting the sentence — even ones an exact copy of one paragraph, odd ones near copies (other sentences and attribution around the same quoted words; half of those print the closing period inside the marks: the same normalised wording in other characters). Reports are added in one store, in order; each row is the state after N of them. All through \`putArticle\` on a MemoryKV; lookup is \`lookup(kv, { exact: sentence })\`, time per call over ${LOOKUP_REPS} runs after 20 warm-up runs.
Baseline (same run, same articles): **the first layout, re-implemented for comparison** in this file (\`FirstLayout\`): excerpt ids under each feature, a list over ${FIRST_POSTING_CAP} ids saturated to \`*\` and ignored, tally 1/log2(2+n), floor 0.4, top 12, \`align\` ≥ SCORE_THRESHOLD. The transcript is one more copy of the sentence in both.

### Lookup of the reprinted sentence

| N reports | engine: found | source.kind | appearances.count | round trips | engine p50 / p99 | first layout: found | round trips | first layout p50 / p99 |
|---|---|---|---|---|---|---|---|---|
${lookupRows.join('\n')}

A first-layout lookup that finds no candidate stops after its first round trip (nothing to read). The first layout finds the sentence up to N = ${lastFound ? lastFound.n.toLocaleString('en') : '–'} reports (${lastFound ? lastFound.n + 1 : '–'} copies with the transcript) and nothing from N = ${firstLost ? firstLost.n.toLocaleString('en') : '– (never lost in this run)'} on: every feature of the sentence is in more than ${FIRST_POSTING_CAP} excerpts, saturated, ignored. The engine ${checkpoints.every((c) => c.engine.found && c.engine.sourceKind === 'primary') ? 'finds it at every N, answered with the transcript' : `finds it at ${checkpoints.filter((c) => c.engine.found).length} of ${checkpoints.length} checkpoints`}; round trips ≤ ${Math.max(...checkpoints.map((c) => c.engine.roundTrips))} throughout.

### Engine: KV size and ingest

| N reports | keys | largest value | posting lists p50 / p99 / max | passages p50 / p99 / max | quotations p50 / p99 / max | claims p50 / p99 / max | ingest ms per report (since previous row) |
|---|---|---|---|---|---|---|---|
${engineRows.join('\n')}

Chunks (writers only; lookups never read them) and the claim-search index:

| N reports | passage copy chunks p50 / p99 / max (keys) | quotation member chunks p50 / p99 / max (keys) | claim-search postings p50 / p99 / max |
|---|---|---|---|
${chunkRows.join('\n')}

Background ingest: ${(bgEngine / BACKGROUND).toFixed(2)} ms per report (engine), ${(bgBaseline / BACKGROUND).toFixed(2)} ms (first layout); transcript ${tr.engine.toFixed(0)} ms. Total ingest of the ${last ? last.n.toLocaleString('en') : 0} quoting reports: **${(ingestMs / 1000).toFixed(1)} s** (engine; ingest budget ${BUDGET_MS / 1000} s, \`SCALE_BUDGET_S\`)${stopped ? `; **stopped at the budget**, before ${CHECKPOINTS[CHECKPOINTS.length - 1].toLocaleString('en')}` : ''}; the first layout's ingest of the same reports: ${(checkpoints.reduce((t, c) => t + c.baseline.ingestMsPerReport * c.engine.ingestMsPerReport.reports, 0) / 1000).toFixed(1)} s.

Where ingest time goes (CPU profiles of reports 3,000–3,400 of this setup, 2026-11-30; not re-measured by this run): before commit d81355d per-report time grew with N (runs at commits 22b7aff–4a349c1: ≈ 14 ms per report near N = 1,000, ≈ 67 ms near N = 10,000, ≈ 440 s for the 10,000): \`worker/store/provenance.ts\` \`joinQuotations\` recomputed the quotation from every member whenever a report printed a listed wording in other characters (here the closing period inside the marks, a quarter of the reports) (profile at 4a349c1) — \`readMembers\`, \`quotationFrom\` → \`core/provenance.ts\` \`appearancesOf\` re-normalising every wording, \`writeChunks\` re-serialising every chunk: ≈ 52% of ingest time, O(N) per report. Commit d81355d counts such a reprint without the recompute; at commit dca27fb the same reports ingest at a flat 7.9 ms (9.5 ms without the period variant: noise), ≈ 61% of it filing the near copies' new passages in the index (\`index-store.ts\` → \`updatePosting\` on lists capped at 150: bounded per report). (Earlier still, the derived claim kept every report in \`appearances\`: 877 KB at 8,580 reports; since commit 5216bfd it keeps 20, the “claims max” column.)

### First layout: size and ingest (same articles)

| N reports | keys | largest value | posting lists p50 / p99 | saturated lists (\`*\`) | ingest ms per report |
|---|---|---|---|---|---|
${baselineRows.join('\n')}
`;
  return {
    title: TITLE,
    markdown: md,
    figures: {
      background: BACKGROUND,
      backgroundMsPerReport: { engine: bgEngine / BACKGROUND, baseline: bgBaseline / BACKGROUND },
      transcriptMs: tr.engine,
      totalIngestS: ingestMs / 1000,
      stoppedAtBudget: stopped,
      checkpoints,
    },
  };
}
