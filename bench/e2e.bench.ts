/**
 * End-to-end lookup latency through the LOCAL WORKER (`npm run bench e2e`): at 1k, 10k and (when it
 * loads in time) 100k excerpts, the real worker under `wrangler dev` (workerd, real local KV,
 * RATE_LIMIT=off) on 127.0.0.1:8790 answers N sequential `POST /v1/lookup` requests, one at a time,
 * each a distinct query after normalisation (so the edge cache never answers: it is keyed on the
 * normalised selector, and its directory is cleared between tiers). Beside it, the in-process engine
 * (`lookup()` on the MemoryKV the records were built in) on the same queries: CPU time, KV round
 * trips and keys read per lookup (the route does not expose the engine's stats, so they are measured
 * in-process), and recall@1 both ways, plus how often HTTP and in-process agree on the top answer.
 *
 * Data: the records are built through the real ingestion path (`putArticle` on a MemoryKV), as in
 * the lookup bench's speed tiers (PolNeAR articles up to ~1k excerpts; then the rest of PolNeAR, the
 * saved pages, and synthetic articles recombining real sentences), then written into the local KV
 * directory wrangler dev will read (`--persist-to`): Miniflare's KV API (`kvPersist`) does ~1,000
 * puts/s here, too slow for the ~400k keys of 100k excerpts, so the rows go straight into its
 * SQLite table and blob files (checked by reading a sample back through Miniflare; the KV API is
 * the fallback) — only the keys that changed since the previous tier. Queries: `buildQueries()` from the lookup bench (exact
 * quotations and each perturbation) over the first tier's articles, plus misses (sentences of pages
 * never ingested).
 *
 * Bounded: a time budget decides whether the 100k tier fits (E2E_BUDGET_S, default 330 s for the
 * whole bench), a hard deadline kills wrangler, every request has a timeout; loopback only; the
 * snapshot and its KV directory are removed at the end. Knobs: E2E_PORT, E2E_LOOKUPS, E2E_TIERS.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { normaliseWords } from '../worker/core/normalise';
import type { ArticleSource, Match, TextQuoteSelector } from '../worker/core/types';
import { putArticle } from '../worker/store/records';
import { MemoryKV } from '../worker/store/kv';
import { KV_BINDING, namespaceIdFromWranglerToml } from '../scripts/local-kv';
import { lookup } from '../worker/store/lookup';
import { corpusAvailable } from './corpus';
import { HELD_OUT_PAGES, indexedPages, loadLiarClaims, loadPage, loadPolnear, sentences, type PolnearDoc } from './corpus-loaders';
import { buildQueries, type Perturbation, overlap } from './lookup.bench';
import type { BenchSection } from './run';
import { HOST, buildWorkerSnapshot, fetchWithin, startWranglerDev, workerdRssMiB, type DevServer } from './worker-server';

const TITLE = 'End to end: lookups through the local worker (wrangler dev, local KV) vs. the in-process engine';
const PORT = Number(process.env.E2E_PORT ?? 8790);
/** Miniflare's loader instance listens here (loopback, inside this bench's port range). */
const LOADER_PORT = PORT + 2;
const LOOKUPS = Number(process.env.E2E_LOOKUPS ?? 400);
const MISS_SHARE = 0.15;
const WARMUP = 15;
const TIERS = (process.env.E2E_TIERS ?? '1000,10000,100000').split(',').map(Number);
const BUDGET_MS = Number(process.env.E2E_BUDGET_S ?? 330) * 1000;
const LIMIT = 3;
/** In-process engine time: the least of this many runs of each lookup, as in the lookup bench. */
const REPEAT = 3;

/* ---------- helpers ---------- */

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)] };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : '–');
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

interface E2EQuery {
  kind: Perturbation | 'miss';
  selector: TextQuoteSelector;
  /** For positives: the PolNeAR article and quotation as in the source. */
  docId?: string;
  base?: string;
}

/**
 * Right answer for a positive: the top match's excerpt contains the quotation (after normalisation;
 * news articles share wire copy, so any excerpt holding it is right) or is in the quotation's own
 * article, and its quote span overlaps the quotation. For a miss: no match at all.
 */
function correct(q: E2EQuery, m: Match | undefined): boolean {
  if (q.kind === 'miss') return !m;
  if (!m || !q.base) return false;
  const place = m.article.id === q.docId || ` ${normaliseWords(m.excerpt.text)} `.includes(` ${normaliseWords(q.base)} `);
  return place && overlap(m.quote.exact, q.base) >= 0.5;
}

/* ---------- the corpus, tier by tier ---------- */

class TierCorpus {
  readonly kv = new MemoryKV();
  excerpts = 0;
  tierDocs: PolnearDoc[] = [];
  private synth = 0;
  private r = rng(2024);
  private pool: string[] = [];
  private restIngested = false;

  constructor(
    private docs: PolnearDoc[],
    private pages: ArticleSource[],
    liarTexts: string[],
  ) {
    this.pool = [...liarTexts, ...pages.flatMap((p) => sentences(p.body, 6, 40))];
  }

  private async ingest(a: ArticleSource) {
    this.excerpts += (await putArticle(this.kv, a)).excerpts;
  }

  /** Grows the corpus to at least `target` excerpts (first tier: PolNeAR only); false if `deadline` came first. */
  async growTo(target: number, deadline = Infinity): Promise<boolean> {
    if (!this.tierDocs.length) {
      for (const d of this.docs) {
        if (this.excerpts >= target) break;
        await this.ingest(d.source);
        this.tierDocs.push(d);
      }
      return true;
    }
    if (!this.restIngested) {
      for (const d of this.docs.slice(this.tierDocs.length)) await this.ingest(d.source);
      for (const p of this.pages) await this.ingest(p);
      this.restIngested = true;
    }
    while (this.excerpts < target) {
      if (Date.now() > deadline) return false;
      const paragraphs = Math.min(50, Math.max(1, target - this.excerpts));
      const body = Array.from({ length: paragraphs }, () => Array.from({ length: 3 + this.r.int(3) }, () => this.r.pick(this.pool)).join(' ')).join('\n\n');
      this.synth++;
      await this.ingest({ id: `synthetic-${this.synth}`, title: `Synthetic article ${this.synth}`, published: '2020-01-01', body });
    }
    return true;
  }
}

/* ---------- local KV loading (persisted where wrangler dev reads) ---------- */

/** A tiny worker run by Miniflare on the local KV directory: POST /put [[key, value], ...], POST /get [key, ...]. */
const LOADER_SCRIPT = `export default {
  async fetch(request, env) {
    const body = await request.json();
    if (new URL(request.url).pathname === '/get') return Response.json(await Promise.all(body.map((key) => env.${KV_BINDING}.get(key))));
    await Promise.all(body.map(([key, value]) => env.${KV_BINDING}.put(key, value)));
    return new Response(String(body.length));
  },
};`;

/** The part of Miniflare's (undici) Response the loader needs. */
interface LoaderResponse {
  ok: boolean;
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

async function withLoader<T>(
  persistTo: string,
  namespaceId: string,
  use: (call: (path: string, body: unknown) => Promise<LoaderResponse>) => Promise<T>,
): Promise<T> {
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    modules: true,
    script: LOADER_SCRIPT,
    host: HOST,
    port: LOADER_PORT,
    kvNamespaces: { [KV_BINDING]: namespaceId },
    kvPersist: join(persistTo, 'v3/kv'),
  });
  try {
    return await use((path, body) => mf.dispatchFetch(`http://loader${path}`, { method: 'POST', body: JSON.stringify(body) }));
  } finally {
    await mf.dispose();
  }
}

/** Through Miniflare's KV API: correct by construction, but ~1,000 puts/s on this machine. */
async function putThroughMiniflare(changed: [string, string][], persistTo: string, namespaceId: string): Promise<void> {
  await withLoader(persistTo, namespaceId, async (call) => {
    for (let i = 0; i < changed.length; i += 500) {
      const batch = changed.slice(i, i + 500);
      const res = await call('/put', batch);
      const n = Number(await res.text());
      if (!res.ok || n !== batch.length) throw new Error(`local KV loader wrote ${n} of ${batch.length} keys (status ${res.status})`);
    }
  });
}

/**
 * Bulk path: Miniflare's local KV is a SQLite table (key → blob id) plus one file per value under
 * `{namespace}/blobs/`. After Miniflare has created both (one put through its API), the rows go in
 * one SQLite transaction and the values are written as blob files — tens of thousands of keys a
 * second instead of ~1,000. It is checked by reading a sample back through Miniflare's KV API.
 */
async function putInBulk(changed: [string, string][], persistTo: string, namespaceId: string): Promise<void> {
  await putThroughMiniflare(changed.slice(0, 1), persistTo, namespaceId);
  const kvDir = join(persistTo, 'v3/kv');
  const objectDir = join(kvDir, 'miniflare-KVNamespaceObject');
  const dbFiles = readdirSync(objectDir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
  if (dbFiles.length !== 1) throw new Error(`expected one KV namespace database in ${objectDir}, found ${dbFiles.length}`);
  const blobDir = join(kvDir, namespaceId, 'blobs');
  await mkdir(blobDir, { recursive: true });
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(objectDir, dbFiles[0]));
  try {
    const insert = db.prepare('INSERT OR REPLACE INTO _mf_entries (key, blob_id, expiration, metadata) VALUES (?, ?, NULL, NULL)');
    const stamp = Buffer.alloc(8);
    const ids = changed.map(() => {
      // Miniflare's blob id: 32 random bytes and a 64-bit timestamp, hex.
      stamp.writeBigInt64BE(BigInt(Math.floor(performance.timeOrigin + performance.now())));
      return randomBytes(32).toString('hex') + stamp.toString('hex');
    });
    for (let i = 0; i < changed.length; i += 256) {
      await Promise.all(changed.slice(i, i + 256).map(([, value], j) => writeFile(join(blobDir, ids[i + j]), value)));
    }
    db.exec('BEGIN');
    changed.forEach(([key], i) => {
      insert.run(key, ids[i]);
    });
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  // Read a sample back through Miniflare's own KV API.
  const r = rng(changed.length);
  const sample = Array.from({ length: Math.min(300, changed.length) }, () => changed[r.int(changed.length)]);
  const got = await withLoader(
    persistTo,
    namespaceId,
    async (call) =>
      (await (
        await call(
          '/get',
          sample.map(([k]) => k),
        )
      ).json()) as (string | null)[],
  );
  const bad = sample.filter(([, v], i) => got[i] !== v).length;
  if (bad) throw new Error(`${bad} of ${sample.length} sampled keys read back differently through Miniflare`);
}

/** Writes `changed` (the keys whose value differs from what was written before); returns how many and how. */
export async function writeLocalKV(
  changed: [string, string][],
  written: Map<string, string>,
  persistTo: string,
  namespaceId: string,
): Promise<{ keys: number; path: string }> {
  let path = 'bulk (SQLite rows + blob files, sample read back through Miniflare)';
  try {
    if (changed.length) await putInBulk(changed, persistTo, namespaceId);
  } catch (err) {
    console.warn(`  e2e: bulk KV load failed (${(err as Error).message}); writing through Miniflare's KV API instead`);
    path = "Miniflare's KV API";
    await putThroughMiniflare(changed, persistTo, namespaceId);
  }
  for (const [k, v] of changed) written.set(k, v);
  return { keys: changed.length, path };
}

/* ---------- measurement ---------- */

interface TierFigures {
  excerpts: number;
  kvKeys: number;
  keysWritten: number;
  loadPath: string;
  buildSeconds: number;
  loadSeconds: number;
  startSeconds: number;
  lookups: number;
  httpMsP50: number;
  httpMsP90: number;
  httpMsP99: number;
  httpMsMax: number;
  healthzMsP50: number;
  healthzMsP99: number;
  non200: number;
  non200Share: number;
  cacheHits: number;
  httpRecall: number;
  httpFalsePositives: number;
  engineMsP50: number;
  engineMsP99: number;
  engineRecall: number;
  engineFalsePositives: number;
  topAnswerAgreement: number;
  roundTripsMean: number;
  roundTripsMax: number;
  keysReadMean: number;
  keysReadMax: number;
  workerdRssMiB: number;
}

async function httpLookups(server: DevServer, queries: E2EQuery[]) {
  const out: { ms: number; status: number; cacheHit: boolean; matches: Match[] }[] = [];
  for (const q of queries) {
    const body = JSON.stringify({ ...q.selector, limit: LIMIT });
    const t = performance.now();
    let status = 0;
    let matches: Match[] = [];
    let cacheHit = false;
    try {
      const res = await fetchWithin(`${server.base}/v1/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, 30_000);
      status = res.status;
      cacheHit = /hit/i.test(res.headers.get('x-cache') ?? '');
      const elapsed = performance.now() - t;
      if (res.ok) matches = ((await res.json()) as { matches: Match[] }).matches;
      out.push({ ms: elapsed, status, cacheHit, matches });
    } catch {
      out.push({ ms: performance.now() - t, status: 0, cacheHit, matches });
    }
  }
  return out;
}

async function engineLookups(kv: MemoryKV, queries: E2EQuery[]) {
  for (const q of queries.slice(0, 30)) await lookup(kv, q.selector, { limit: LIMIT }); // JIT warm-up
  const out: { ms: number; roundTrips: number; keysRead: number; matches: Match[] }[] = [];
  for (const q of queries) {
    let best = Infinity;
    let r: Awaited<ReturnType<typeof lookup>> | undefined;
    for (let k = 0; k < REPEAT; k++) {
      const t = performance.now();
      r = await lookup(kv, q.selector, { limit: LIMIT });
      best = Math.min(best, performance.now() - t);
    }
    out.push({ ms: best, roundTrips: r!.stats.roundTrips, keysRead: r!.stats.keysRead, matches: r!.matches });
  }
  return out;
}

/** Distinct (after normalisation, i.e. distinct cache keys) queries: positives of every kind, then misses, shuffled. */
function pickQueries(tierDocs: PolnearDoc[], misses: string[], n: number): { measured: E2EQuery[]; warmup: E2EQuery[] } {
  const r = rng(77);
  const seen = new Set<string>();
  const fresh = (s: TextQuoteSelector) => {
    const key = normaliseWords(s.exact);
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const all = buildQueries(tierDocs, 3);
  for (let i = all.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const nMiss = Math.round((n + WARMUP) * MISS_SHARE);
  const positives: E2EQuery[] = [];
  for (const q of all) {
    if (positives.length >= n + WARMUP - nMiss) break;
    if (fresh(q.selector)) positives.push({ kind: q.kind, selector: q.selector, docId: q.docId, base: q.base });
  }
  const negatives: E2EQuery[] = [];
  for (const exact of misses) {
    if (negatives.length >= nMiss) break;
    if (fresh({ exact })) negatives.push({ kind: 'miss', selector: { exact } });
  }
  const mixed = [...positives, ...negatives];
  for (let i = mixed.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [mixed[i], mixed[j]] = [mixed[j], mixed[i]];
  }
  return { warmup: mixed.slice(0, WARMUP), measured: mixed.slice(WARMUP) };
}

/* ---------- the run ---------- */

export async function run(): Promise<BenchSection> {
  if (!corpusAvailable()) {
    return { title: TITLE, markdown: '_Skipped: the corpus folder (../shared/corpus) is not present._', figures: { skipped: true } };
  }
  const started = Date.now();
  const hardStop = started + BUDGET_MS + 240_000;
  const log = (msg: string) => console.log(`  e2e: ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  const docs = loadPolnear();
  const pages = indexedPages();
  const misses = HELD_OUT_PAGES.map((n) => loadPage(n))
    .filter((p): p is ArticleSource => !!p)
    .flatMap((p) => sentences(p.body, 8, 50));
  const corpus = new TierCorpus(
    docs,
    pages,
    loadLiarClaims().map((c) => c.text),
  );

  const dir = await buildWorkerSnapshot('e2e-bench-');
  const persistTo = join(dir, 'state');
  const namespaceId = await namespaceIdFromWranglerToml(dir);
  const written = new Map<string, string>();
  log('worker snapshot built');

  const tiers: TierFigures[] = [];
  const omitted: string[] = [];
  let queries: { measured: E2EQuery[]; warmup: E2EQuery[] } | undefined;
  /** Local KV write rate at the last size, to predict whether the next one fits the budget. */
  let keysPerSecond = 0;
  let server: DevServer | undefined;
  try {
    for (const target of TIERS) {
      // Each size must leave time to start the worker, run the lookups and stop (~45 s here).
      const reserve = 45_000;
      const skip = (why: string) => {
        omitted.push(`${target.toLocaleString('en')} excerpts omitted: ${why}, over the bench's ${BUDGET_MS / 1000} s budget on this 2-core machine`);
        log(omitted[omitted.length - 1]);
      };
      if (Date.now() - started + reserve > BUDGET_MS) {
        skip(`no time left after ${((Date.now() - started) / 1000).toFixed(0)} s`);
        continue;
      }
      const t0 = Date.now();
      if (!(await corpus.growTo(target, started + BUDGET_MS - reserve))) {
        skip(`building the records reached only ${corpus.excerpts.toLocaleString('en')} excerpts in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        break;
      }
      const buildSeconds = (Date.now() - t0) / 1000;
      queries ??= pickQueries(corpus.tierDocs, misses, LOOKUPS);
      const changed = [...corpus.kv.data].filter(([k, v]) => written.get(k) !== v);
      const predictedLoad = keysPerSecond ? (changed.length / keysPerSecond) * 1000 : 0;
      if (Date.now() - started + predictedLoad + reserve > BUDGET_MS) {
        skip(
          `writing its ${changed.length.toLocaleString('en')} changed keys to local KV was predicted to take ${(predictedLoad / 1000).toFixed(0)} s (at the previous size's ${keysPerSecond.toFixed(0)} keys/s) after ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
        break;
      }
      const t1 = Date.now();
      const { keys: keysWritten, path: loadPath } = await writeLocalKV(changed, written, persistTo, namespaceId);
      const loadSeconds = (Date.now() - t1) / 1000;
      keysPerSecond = keysWritten / Math.max(0.001, loadSeconds);
      log(`${corpus.excerpts} excerpts built in ${buildSeconds.toFixed(1)} s; ${keysWritten} keys written to local KV in ${loadSeconds.toFixed(1)} s`);

      // No answer from a previous tier's edge cache.
      await rm(join(persistTo, 'v3/cache'), { recursive: true, force: true });
      const t2 = Date.now();
      server = await startWranglerDev({ dir, port: PORT, persistTo, vars: { RATE_LIMIT: 'off' }, hardStop });
      const startSeconds = (Date.now() - t2) / 1000;
      await httpLookups(server, queries.warmup);
      const http = await httpLookups(server, queries.measured);
      // The floor: the same client, loopback and worker routing, without a lookup (GET /healthz).
      const floor: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await fetchWithin(`${server.base}/healthz`, {}, 10_000);
        floor.push(performance.now() - t);
      }
      const rss = workerdRssMiB(server.child.pid!);
      await server.stop();
      server = undefined;
      const engine = await engineLookups(corpus.kv, queries.measured);
      log(`tier ${corpus.excerpts}: ${http.length} lookups through the worker and in-process`);

      const qs = queries.measured;
      const positives = qs.map((_, i) => i).filter((i) => qs[i].kind !== 'miss');
      const negatives = qs.map((_, i) => i).filter((i) => qs[i].kind === 'miss');
      const httpMs = http.map((h) => h.ms);
      const engMs = engine.map((e) => e.ms);
      const non200 = http.filter((h) => h.status !== 200).length;
      const agree = qs.filter((_, i) => (http[i].matches[0]?.excerpt.id ?? null) === (engine[i].matches[0]?.excerpt.id ?? null)).length;
      tiers.push({
        excerpts: corpus.excerpts,
        kvKeys: corpus.kv.data.size,
        keysWritten,
        loadPath,
        buildSeconds,
        loadSeconds,
        startSeconds,
        lookups: http.length,
        httpMsP50: pct(httpMs, 50),
        httpMsP90: pct(httpMs, 90),
        httpMsP99: pct(httpMs, 99),
        httpMsMax: Math.max(...httpMs),
        healthzMsP50: pct(floor, 50),
        healthzMsP99: pct(floor, 99),
        non200,
        non200Share: non200 / http.length,
        cacheHits: http.filter((h) => h.cacheHit).length,
        httpRecall: positives.filter((i) => correct(qs[i], http[i].matches[0])).length / positives.length,
        httpFalsePositives: negatives.filter((i) => http[i].matches.length > 0).length,
        engineMsP50: pct(engMs, 50),
        engineMsP99: pct(engMs, 99),
        engineRecall: positives.filter((i) => correct(qs[i], engine[i].matches[0])).length / positives.length,
        engineFalsePositives: negatives.filter((i) => engine[i].matches.length > 0).length,
        topAnswerAgreement: agree / qs.length,
        roundTripsMean: mean(engine.map((e) => e.roundTrips)),
        roundTripsMax: Math.max(...engine.map((e) => e.roundTrips)),
        keysReadMean: mean(engine.map((e) => e.keysRead)),
        keysReadMax: Math.max(...engine.map((e) => e.keysRead)),
        workerdRssMiB: +rss.toFixed(1),
      });
    }
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const qs = queries?.measured ?? [];
  const kinds = [...new Set(qs.map((q) => q.kind))].map((k) => `${k} ${qs.filter((q) => q.kind === k).length}`).join(', ');
  const nPos = qs.filter((q) => q.kind !== 'miss').length;
  const nNeg = qs.length - nPos;
  const rows = tiers.map(
    (t) =>
      `| ${t.excerpts.toLocaleString('en')} (${t.kvKeys.toLocaleString('en')} keys) | **${ms(t.httpMsP50)} / ${ms(t.httpMsP99)}** (max ${ms(t.httpMsMax)}) | ${ms(t.engineMsP50)} / ${ms(t.engineMsP99)} | ` +
      `${t.roundTripsMean.toFixed(2)} (max ${t.roundTripsMax}) | ${t.keysReadMean.toFixed(0)} (max ${t.keysReadMax}) | ${t.non200} of ${t.lookups} (${(t.non200Share * 100).toFixed(1)}%) | ${t.cacheHits} | ` +
      `${f3(t.httpRecall)} | ${f3(t.engineRecall)} | ${t.httpFalsePositives} / ${t.engineFalsePositives} of ${nNeg} | ${(t.topAnswerAgreement * 100).toFixed(1)}% |`,
  );
  const markdown = `The real worker under \`wrangler dev\` (workerd with its local KV, RATE_LIMIT=off) on ${HOST}:${PORT}, restarted for each corpus size, answering ${qs.length} sequential \`POST /v1/lookup\` requests (limit ${LIMIT}; one at a time, timed from send to the whole body read, after ${WARMUP} unmeasured warm-up lookups) over loopback; client and server share this 2-core machine.
Every query is distinct after normalisation, so none can be answered from the edge cache (which is keyed on the normalised selector; its directory is also cleared between sizes) — the X-Cache column confirms it. Queries: ${nPos} real PolNeAR quotations from the first tier's articles, exact or perturbed as in the lookup bench (${kinds}), and ${nNeg} misses (sentences from saved pages never ingested); the same queries at every size.
Records are built through the real ingestion path (\`putArticle\` on a MemoryKV, corpus as in the lookup bench's speed tiers: PolNeAR, the saved pages, then synthetic articles recombining real sentences) and written into the local KV directory wrangler dev is then started on (\`--persist-to\`): ${[...new Set(tiers.map((t) => t.loadPath))].join('; ')} — only the keys changed since the previous size.
The in-process columns run \`lookup()\` on that same MemoryKV with the same queries (least of ${REPEAT} runs per lookup, as in the lookup bench). **KV round trips and keys read are measured in-process** (\`stats.roundTrips\`, \`stats.keysRead\`): the HTTP route does not expose them; the route calls the same \`lookup()\` on the real KV binding. Recall@1 counts a positive right when the top match's excerpt contains the quotation (or is in its article) and its quote span overlaps it; agreement is the share of queries where the worker's and the in-process engine's top excerpt (or "no match") are the same.

| excerpts (KV keys) | end-to-end p50 / p99 (HTTP) | engine in-process p50 / p99 | KV round trips per lookup, mean (max) | keys read per lookup, mean (max) | non-200 | X-Cache hits | recall@1 via HTTP | recall@1 in-process | false positives HTTP / in-process | top answer agreement |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Time to set each size up (build records / write changed keys to local KV / start wrangler dev): ${tiers.map((t) => `${t.excerpts.toLocaleString('en')}: ${t.buildSeconds.toFixed(1)} s / ${t.keysWritten.toLocaleString('en')} keys in ${t.loadSeconds.toFixed(1)} s / ${t.startSeconds.toFixed(1)} s`).join('; ')}. workerd RSS after the lookups: ${tiers.map((t) => `${t.workerdRssMiB} MiB`).join(', ')}.
The floor of this path (same client, loopback, wrangler dev's HTTP stack and the worker's middleware, no KV read: \`GET /healthz\`) p50 / p99: ${tiers.map((t) => `${t.excerpts.toLocaleString('en')}: ${ms(t.healthzMsP50)} / ${ms(t.healthzMsP99)}`).join('; ')}.
Where the rest goes: the engine itself is the in-process column; most of the remainder is the local KV simulation (besides the route's validation and JSON serialisation). Miniflare's local KV serves a bulk \`get\` by reading its keys one after another (a SQLite lookup, then the value from a blob file through its disk service, per key: \`POST /bulk/get\` in miniflare's \`kv/namespace.worker.js\`), so a lookup's ~${tiers.length ? tiers[0].keysReadMean.toFixed(0) : '–'} keys in 2 round trips cost ~${tiers.length ? tiers[0].keysReadMean.toFixed(0) : '–'} sequential local reads. These figures bound the local worker, not the edge, where a bulk get of ≤ 100 keys is one network round trip.
${omitted.length ? `\n${omitted.map((o) => `- ${o}.`).join('\n')}\n` : ''}`;
  return { title: TITLE, markdown, figures: { port: PORT, lookupsPerTier: qs.length, positives: nPos, misses: nNeg, tiers, omitted } };
}
