/**
 * Load test (`npm run bench load`): the real worker under `wrangler dev` on 127.0.0.1:8780, seeded
 * (seeds via the ingest library into a private local KV; corpus articles published through
 * `PUT /v1/articles/:id`, which also times the publishing path), RATE_LIMIT=off. autocannon drives
 * 50 connections for 30 s of mixed lookups — exact quotes, fuzzy (typos, changed words, case),
 * misses (sentences from pages never ingested) and batches of 10 — and we report throughput,
 * p50/p99 latency, errors (non-429) and the memory (RSS) of the workerd process.
 *
 * Bounded and self-stopping: a hard deadline kills wrangler's whole process group; loopback only;
 * the private KV directory is removed at the end. Knobs: LOAD_CONNECTIONS, LOAD_SECONDS, LOAD_PORT.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
// @ts-expect-error autocannon ships no type declarations
import autocannonUntyped from 'autocannon';
import { articleIdFor } from '../worker/core/ids';
import type { ArticleSource } from '../worker/core/types';
import { corpusAvailable } from './corpus';
import { loadPage, loadPolnear, loadSeed, pageNames, polnearQuotations, sentences } from './corpus-loaders';
import type { BenchSection } from './run';
import { HOST, ROOT, buildWorkerSnapshot, fetchWithin, sleep, startWranglerDev, workerdRssMiB } from './worker-server';

/** The slice of autocannon's API used here. */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const PORT = Number(process.env.LOAD_PORT ?? 8780);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
/** The whole bench (startup, publishing, load, shutdown) never runs longer than this. */
const HARD_DEADLINE_MS = (SECONDS + 420) * 1000;
/** Corpus articles published through the API before the run (each PUT is timed). */
const ARTICLES = Number(process.env.LOAD_ARTICLES ?? 12);
const ADMIN_TOKEN = `bench-${Math.random().toString(36).slice(2)}`;
const BASE = `http://${HOST}:${PORT}`;

/* ---------- query pool ---------- */

type Kind = 'exact' | 'fuzzy' | 'miss' | 'batch';
interface Query {
  kind: Kind;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** Deterministic PRNG so runs are comparable. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function perturb(text: string, rand: () => number): string {
  const words = text.split(' ');
  const edits = 1 + Math.floor(rand() * 3);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(rand() * words.length);
    const w = words[i];
    const r = rand();
    if (r < 0.35 && w.length > 3) {
      const j = 1 + Math.floor(rand() * (w.length - 2));
      words[i] = w.slice(0, j) + w[j + 1] + w[j] + w.slice(j + 2); // typo: swap two letters
    } else if (r < 0.6) words[i] = ['not', 'never', 'new', 'big', 'all'][Math.floor(rand() * 5)];
    else if (r < 0.8) words.splice(i, 1);
    else words[i] = w.toUpperCase();
  }
  return words.join(' ').replace(/"/g, '“');
}

function buildPool(quotes: string[], misses: string[]): Query[] {
  const rand = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const get = (kind: Kind, q: string): Query => ({ kind, method: 'GET', path: `/v1/lookup?q=${encodeURIComponent(q.slice(0, 2000))}` });
  const post = (kind: Kind, path: string, body: unknown): Query => ({ kind, method: 'POST', path, body: JSON.stringify(body) });
  const pool: Query[] = [];
  for (let n = 0; n < 4000; n++) {
    const r = rand();
    if (r < 0.4) pool.push(get('exact', pick(quotes)));
    else if (r < 0.65) pool.push(post('fuzzy', '/v1/lookup', { exact: perturb(pick(quotes), rand) }));
    else if (r < 0.85) pool.push(get('miss', pick(misses)));
    else
      pool.push(
        post('batch', '/v1/lookup/batch', { quotes: Array.from({ length: 10 }, () => ({ exact: rand() < 0.5 ? pick(quotes) : perturb(pick(quotes), rand) })) }),
      );
  }
  return pool;
}

/* ---------- data ---------- */

interface Data {
  articles: ArticleSource[];
  quotes: string[];
  misses: string[];
  source: string;
}

function loadData(): Data {
  const seed = loadSeed();
  const seedQuotes = seed.articles.flatMap((a) => sentences(a.body, 6, 40));
  if (!corpusAvailable()) {
    const articles = Array.from({ length: 40 }, (_, n) => syntheticArticle(n));
    return {
      articles,
      quotes: [...seedQuotes, ...articles.flatMap((a) => sentences(a.body, 6, 40))],
      misses: Array.from({ length: 200 }, (_, n) => `A sentence about item ${n} that nobody ever published in any article here`),
      source: 'the seed plus 40 synthetic articles (corpus folder absent)',
    };
  }
  const docs = loadPolnear().slice(0, ARTICLES);
  const quotes = [...seedQuotes, ...docs.flatMap((d) => polnearQuotations(d, 6).map((q) => q.text))];
  const misses = pageNames()
    .slice(0, 12)
    .flatMap((name) => sentences(loadPage(name)?.body ?? '', 8, 40))
    .slice(0, 1500);
  // Ids as the ingest CLI would store them; C0/C1 control characters (mojibake in a few corpus
  // files) would be refused by the publishing API's validation, so they become spaces here.
  const articles = docs.map((d) => {
    const source = { ...d.source, id: d.id };
    return { ...source, id: articleIdFor(source), body: source.body.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ') };
  });
  return {
    articles,
    quotes,
    misses,
    source: `the seed + ${docs.length} PolNeAR articles; misses from ${Math.min(12, pageNames().length)} saved pages not ingested`,
  };
}

function syntheticArticle(n: number): ArticleSource {
  const topics = ['harbour', 'railway', 'budget', 'school', 'hospital', 'election', 'river', 'airport'];
  const t = topics[n % topics.length];
  return {
    id: `load-${n}`,
    title: `Council debates the ${t} plan ${n}`,
    body: [
      `The council debated the ${t} plan number ${n} for several hours on Thursday evening before a narrow vote.`,
      `"We will finish the ${t} works before winter ${2030 + n} and keep every promise we made," mayor Lena Park said.`,
      `Opponents said the ${t} plan ${n} would cost ${n * 3 + 7} million more than the council had admitted in public.`,
    ].join('\n\n'),
  };
}

/* ---------- publishing through the API ---------- */

async function publishAll(articles: ArticleSource[]): Promise<{ ok: number; failed: number; seconds: number; p50: number; p99: number; kvPending: number }> {
  const started = Date.now();
  const times: number[] = [];
  let ok = 0;
  let failed = 0;
  let kvPending = 0;
  let next = 0;
  const worker = async () => {
    while (next < articles.length) {
      const a = articles[next++];
      const t0 = performance.now();
      let res: Response;
      try {
        res = await fetchWithin(
          `${BASE}/v1/articles/${a.id}`,
          { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(a) },
          60_000,
        );
      } catch (err) {
        failed++;
        console.warn(`load bench: publishing ${a.id} failed: ${(err as Error).message}`);
        continue;
      }
      times.push(performance.now() - t0);
      if (res.ok) {
        ok++;
        kvPending += ((await res.json()) as { kvPending: number }).kvPending;
      } else {
        failed++;
        console.warn(`load bench: publishing ${a.id} → ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return { ok, failed, seconds: (Date.now() - started) / 1000, p50: q(0.5), p99: q(0.99), kvPending };
}

/* ---------- the run ---------- */

export async function run(): Promise<BenchSection> {
  const hardStop = Date.now() + HARD_DEADLINE_MS;
  // A snapshot of the worker (bundle, assets, config) in a private directory: wrangler dev would
  // otherwise restart the worker whenever anyone edits a source file during the run.
  const dir = await buildWorkerSnapshot('load-bench-');
  const { ingest } = await import('../scripts/ingest');
  await ingest({ target: { kind: 'local', persistTo: 'state' }, paths: [join(ROOT, 'seeds')], projectDir: dir, quiet: true, log: () => {} });

  let server: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
  try {
    server = await startWranglerDev({ dir, port: PORT, persistTo: join(dir, 'state'), vars: { RATE_LIMIT: 'off', ADMIN_TOKEN }, hardStop });
    const child = server.child;
    console.log('load bench: worker up; loading data');
    const data = loadData();
    console.log(`load bench: publishing ${data.articles.length} articles`);
    const published = await publishAll(data.articles);
    if (published.failed) console.warn(`load bench: wrangler dev said:\n${server.output()}`);
    // Let the coordinator finish mirroring to KV, so the load phase measures lookups alone.
    const drainStarted = Date.now();
    let dirty = -1;
    while (Date.now() < Math.min(hardStop - (SECONDS + 60) * 1000, drainStarted + 300_000)) {
      const res = await fetchWithin(`${BASE}/v1/admin/coordinator`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, 30_000);
      dirty = ((await res.json()) as { dirty: number }).dirty;
      if (dirty === 0) break;
      await sleep(1000);
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    console.log(`load bench: KV mirror drained in ${drainSeconds.toFixed(1)} s (dirty ${dirty}); load for ${SECONDS} s`);
    const pool = buildPool(data.quotes, data.misses);
    const rssIdle = workerdRssMiB(child.pid!);

    // Warm-up (module load, first KV reads), not measured.
    for (const q of pool.slice(0, 20))
      await fetchWithin(`${BASE}${q.path}`, { method: q.method, body: q.body, headers: { 'content-type': 'application/json' } }, 30_000);

    let cursor = 0;
    const byKind: Record<Kind, { n: number; non2xx: number; s429: number; s5xx: number }> = {
      exact: { n: 0, non2xx: 0, s429: 0, s5xx: 0 },
      fuzzy: { n: 0, non2xx: 0, s429: 0, s5xx: 0 },
      miss: { n: 0, non2xx: 0, s429: 0, s5xx: 0 },
      batch: { n: 0, non2xx: 0, s429: 0, s5xx: 0 },
    };
    let cacheHits = 0;
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(workerdRssMiB(child.pid!)), 1000);
    const result = await autocannon({
      url: BASE,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 10,
      requests: [
        {
          setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
            const q = pool[cursor++ % pool.length];
            context.kind = q.kind;
            return { ...req, method: q.method, path: q.path, body: q.body, headers: q.body ? { 'content-type': 'application/json' } : {} };
          },
          onResponse: (status: number, _body: string, context: Record<string, unknown>, headers?: Record<string, string>) => {
            const k = byKind[context.kind as Kind];
            k.n++;
            if (status < 200 || status >= 300) k.non2xx++;
            if (status === 429) k.s429++;
            if (status >= 500) k.s5xx++;
            if (headers && /hit/i.test(String(headers['x-cache'] ?? ''))) cacheHits++;
          },
        },
      ],
    });
    clearInterval(sampler);
    const rssAfter = workerdRssMiB(child.pid!);

    const total = Object.values(byKind).reduce((n, k) => n + k.n, 0);
    const s429 = Object.values(byKind).reduce((n, k) => n + k.s429, 0);
    const non2xx = Object.values(byKind).reduce((n, k) => n + k.non2xx, 0);
    const nonRateLimitErrors = result.errors + result.timeouts + (non2xx - s429);
    const figures = {
      connections: CONNECTIONS,
      seconds: SECONDS,
      data: data.source,
      articlesPublished: published.ok,
      publishFailures: published.failed,
      publishSeconds: published.seconds,
      publishP50Ms: Math.round(published.p50),
      publishP99Ms: Math.round(published.p99),
      publishKvPending: published.kvPending,
      mirrorDrainSeconds: drainSeconds,
      dirtyAtStart: dirty,
      requests: total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50Ms: result.latency.p50,
      latencyP90Ms: result.latency.p90,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx,
      status429: s429,
      nonRateLimitErrors,
      cacheHitShare: total ? +(cacheHits / total).toFixed(3) : 0,
      byKind,
      workerdRssMiB: { idle: +rssIdle.toFixed(1), peak: +Math.max(rssAfter, ...rssSamples).toFixed(1), after: +rssAfter.toFixed(1) },
    };
    const markdown = [
      `Real worker under \`wrangler dev\` (workerd, local KV, RATE_LIMIT=off) on ${HOST}:${PORT}; data: ${data.source}. ` +
        `autocannon, ${CONNECTIONS} connections for ${SECONDS} s over a fixed pool of ${pool.length} requests: 40% exact quotes (GET), ` +
        `25% fuzzy (POST, 1–3 typos/changed/dropped words), 20% misses (GET), 15% batches of 10 (POST). Same machine as the load generator (2 cores).`,
      '',
      '| figure | value |',
      '|---|---|',
      `| requests | ${total} (${figures.requestsPerSecond}/s) |`,
      `| latency p50 / p90 / p99 / max | ${figures.latencyP50Ms} / ${figures.latencyP90Ms} / ${figures.latencyP99Ms} / ${figures.latencyMaxMs} ms |`,
      `| errors (non-429: connection errors + timeouts + non-2xx) | ${nonRateLimitErrors} (target 0) |`,
      `| 429s | ${s429} |`,
      `| by kind (requests / non-2xx) | ${Object.entries(byKind)
        .map(([k, v]) => `${k} ${v.n}/${v.non2xx}`)
        .join(', ')} |`,
      `| edge-cache hits (X-Cache) | ${(figures.cacheHitShare * 100).toFixed(1)}% |`,
      `| workerd RSS (sum of wrangler dev's workerd processes) idle / peak / after | ${figures.workerdRssMiB.idle} / ${figures.workerdRssMiB.peak} / ${figures.workerdRssMiB.after} MiB |`,
      `| publishing before the run (PUT, 8 at a time) | ${published.ok} articles in ${published.seconds.toFixed(1)} s, p50 ${figures.publishP50Ms} ms, p99 ${figures.publishP99Ms} ms, ${published.failed} failed; ${published.kvPending} keys (summed over the answers) still to mirror when they were sent, KV fully mirrored ${drainSeconds.toFixed(1)} s later |`,
    ].join('\n');
    return { title: 'Load: mixed lookups against the local worker (autocannon)', markdown, figures };
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
