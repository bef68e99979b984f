/**
 * Costs and freshness (`npm run bench costs`): what a lookup and a publish cost in billed operations,
 * and how soon a retraction is seen, each beside the figure before issue 13 from the same run.
 *
 * 1. KV key reads per lookup (Workers KV bills every key of a bulk get), in-process over MemoryKV on
 *    the lookup bench's corpus and 2,852 queries: the engine as it is (a budget of the rarest
 *    features, plus the store generation in the same bulk get) beside the earlier selection (every
 *    feature, up to 100), with recall@1 for both, so the saving is shown not to cost recall. A cache
 *    hit reads one key (the generation).
 * 2. KV key writes (puts + deletes) per ingested article: the seed and the 84 PolNeAR articles
 *    ingested one by one through the ingestion library, writes counted per article, plus the
 *    generation write; the Durable Object requests and storage rows a publish costs.
 * 3. Time from `DELETE /v1/articles/:id` answering to the first lookup that no longer finds the
 *    article, against the real worker under `wrangler dev` (127.0.0.1, port COSTS_PORT, default
 *    8796): articles published through the API, each looked up twice first (so the answer is in the
 *    Cache API), then retracted and looked up again at once, and again until it is gone.
 * Counts (reads, writes, recall) are deterministic; times are indicative (a shared 2-core machine).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOOKUP_FEATURE_BUDGET, MAX_QUERY_FEATURES } from '../worker/core/features';
import type { ArticleSource, Excerpt } from '../worker/core/types';
import { putArticle } from '../worker/store/records';
import { KEY_PREFIX } from '../worker/store/keys';
import { MemoryKV } from '../worker/store/kv';
import { lookup } from '../worker/store/lookup';
import { corpusAvailable } from './corpus';
import { ingestIndexedCorpus, loadPolnear, loadSeed, sentences } from './corpus-loaders';
import { buildQueries, buildTruth, engineCorrect } from './lookup.bench';
import type { BenchSection } from './run';
import { workerStamp } from './stamp';
import { buildWorkerSnapshot, fetchWithin, startWranglerDev, type DevServer } from './worker-server';

const TITLE = 'Costs and freshness: KV reads per lookup, writes per article, DELETE to gone';
const PORT = Number(process.env.COSTS_PORT ?? 8796);
const ADMIN_TOKEN = `bench-${Math.random().toString(36).slice(2)}`;
const HARD_DEADLINE_MS = 15 * 60_000;
/** Articles retracted through the API in part 3. */
const RETRACTIONS = Number(process.env.COSTS_RETRACTIONS ?? 15);

/**
 * Workers Paid prices (USD, November 2026), from Cloudflare's pricing pages:
 * https://developers.cloudflare.com/kv/platform/pricing/ (KV), https://developers.cloudflare.com/workers/platform/pricing/
 * (requests), https://developers.cloudflare.com/durable-objects/platform/pricing/ (Durable Objects).
 */
export const PRICES = {
  base: 5,
  requests: { included: 10e6, perMillion: 0.3 },
  kvReads: { included: 10e6, perMillion: 0.5 },
  kvWrites: { included: 1e6, perMillion: 5 },
  doRequests: { included: 1e6, perMillion: 0.15 },
} as const;
/** Workers Free daily allowances: https://developers.cloudflare.com/kv/platform/limits/, https://developers.cloudflare.com/workers/platform/limits/. */
export const FREE_PER_DAY = { requests: 100_000, kvReads: 100_000, kvWrites: 1_000, doRequests: 100_000 } as const;

const over = (n: number, p: { included: number; perMillion: number }) => (Math.max(0, n - p.included) / 1e6) * p.perMillion;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const usd = (x: number) => (x < 100 ? `$${x.toFixed(2)}` : `$${Math.round(x).toLocaleString('en')}`);

/**
 * MemoryKV that counts KV writes: `calls` every put and delete the ingestion library makes (what
 * `ingest --local` sends), `touched` the distinct keys changed (what the coordinator and
 * `ingest --remote` send: both buffer an article's writes and send each key once).
 */
class CountingKV extends MemoryKV {
  calls = 0;
  touched = new Set<string>();
  override async put(key: string, value: string) {
    this.calls++;
    this.touched.add(key);
    return super.put(key, value);
  }
  override async delete(key: string) {
    this.calls++;
    this.touched.add(key);
    return super.delete(key);
  }
}

/* ---------- 1. reads per lookup ---------- */

async function readsPerLookup() {
  const kv = new MemoryKV();
  const { docs } = await ingestIndexedCorpus(kv);
  const excerpts: Excerpt[] = [];
  for (const [k, v] of kv.data) if (k.startsWith(KEY_PREFIX.excerpt)) excerpts.push(JSON.parse(v) as Excerpt);
  const queries = buildQueries(docs);
  buildTruth(
    excerpts,
    queries.map((q) => q.base),
  );
  const measure = async (featureBudget: number, readGeneration: boolean) => {
    const reads: number[] = [];
    let roundTrips = 0;
    let right = 0;
    for (const q of queries) {
      const r = await lookup(kv, q.selector, { featureBudget, readGeneration });
      reads.push(r.stats.keysRead);
      roundTrips = Math.max(roundTrips, r.stats.roundTrips);
      if (engineCorrect(r.matches[0], q)) right++;
    }
    return { mean: mean(reads), p50: pct(reads, 50), p99: pct(reads, 99), max: Math.max(...reads), roundTrips, recall: right / queries.length };
  };
  const before = await measure(MAX_QUERY_FEATURES, false);
  const now = await measure(LOOKUP_FEATURE_BUDGET, true);
  return { excerpts: excerpts.length, queries: queries.length, before, now };
}

/* ---------- 2. writes per article ---------- */

async function writesPerArticle() {
  const kv = new CountingKV();
  const seed = loadSeed();
  const perArticle: number[] = [];
  const callsPerArticle: number[] = [];
  const readsPerArticle: number[] = [];
  const ingest = async (a: ArticleSource) => {
    const [callsBefore, readBefore] = [kv.calls, kv.reads];
    kv.touched.clear();
    await putArticle(kv, a);
    perArticle.push(kv.touched.size);
    callsPerArticle.push(kv.calls - callsBefore);
    readsPerArticle.push(kv.reads - readBefore);
  };
  for (const a of seed.articles) await ingest(a);
  const seedCount = perArticle.length;
  for (const d of loadPolnear()) await ingest(d.source);
  const polnear = perArticle.slice(seedCount);
  const polnearReads = readsPerArticle.slice(seedCount);
  const polnearCalls = callsPerArticle.slice(seedCount);
  // Re-ingesting unchanged articles writes nothing.
  const again = kv.calls;
  for (const d of loadPolnear().slice(0, 10)) await putArticle(kv, d.source);
  return { polnear, polnearReads, polnearCalls, unchangedWrites: kv.calls - again };
}

/* ---------- 3. DELETE to gone, through wrangler dev ---------- */

async function deleteToGone(server: DevServer) {
  const base = server.base;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const docs = loadPolnear().slice(0, RETRACTIONS);
  const rows: { id: string; publishMs: number; lookupsUntilGone: number; goneMs: number; cachedBefore: boolean; kvPending: number; deleteMs: number }[] = [];
  const lookupFinds = async (q: string, id: string) => {
    const res = await fetchWithin(`${base}/v1/lookup?q=${encodeURIComponent(q)}`, {}, 30_000);
    const body = (await res.json()) as { matches: { article: { id: string }; source: { article: { id: string } } }[] };
    return { found: body.matches.some((m) => m.article.id === id || m.source.article.id === id), cache: res.headers.get('x-cache') };
  };
  for (const d of docs) {
    const id = `costs-${d.id}`
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .slice(0, 90)
      .replace(/-+$/, '');
    const { id: _drop, ...source } = d.source;
    const t0 = performance.now();
    const put = await fetchWithin(
      `${base}/v1/articles/${id}`,
      { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ ...source, id }) },
      60_000,
    );
    const publishMs = performance.now() - t0;
    if (put.status !== 201 && put.status !== 200) throw new Error(`PUT ${id}: ${put.status} ${await put.text()}`);
    // A sentence of the article, looked up twice so its answer sits in the Cache API.
    const q = sentences(source.body, 10, 40)[0];
    if (!q) continue;
    await lookupFinds(q, id);
    const cached = await lookupFinds(q, id);
    if (!cached.found) continue; // a sentence another article also prints first: not this article's to lose
    const t1 = performance.now();
    const del = await fetchWithin(`${base}/v1/articles/${id}`, { method: 'DELETE', headers: auth }, 60_000);
    if (del.status !== 200) throw new Error(`DELETE ${id}: ${del.status}`);
    const { kvPending } = (await del.json()) as { kvPending: number };
    const answered = performance.now();
    let lookups = 0;
    for (;;) {
      lookups++;
      const r = await lookupFinds(q, id);
      if (!r.found) break;
      if (performance.now() - answered > 120_000) throw new Error(`${id} still found 120 s after DELETE`);
    }
    rows.push({
      id,
      publishMs,
      lookupsUntilGone: lookups,
      goneMs: performance.now() - answered,
      cachedBefore: cached.cache === 'HIT',
      kvPending,
      deleteMs: answered - t1,
    });
  }
  return rows;
}

/* ---------- the section ---------- */

export async function run(): Promise<BenchSection> {
  if (!corpusAvailable()) return { title: TITLE, markdown: '_Skipped: the corpus folder (../shared/corpus) is not present._', figures: { skipped: true } };
  const hardStop = Date.now() + HARD_DEADLINE_MS;
  console.log('costs bench: reads per lookup (in-process)');
  const reads = await readsPerLookup();
  console.log('costs bench: writes per article (in-process)');
  const writes = await writesPerArticle();
  console.log('costs bench: DELETE to gone (wrangler dev)');
  const dir = await buildWorkerSnapshot('costs-bench-');
  let server: DevServer | undefined;
  let gone: Awaited<ReturnType<typeof deleteToGone>> = [];
  try {
    server = await startWranglerDev({ dir, port: PORT, persistTo: join(dir, 'state'), vars: { RATE_LIMIT: 'off', ADMIN_TOKEN }, hardStop });
    gone = await deleteToGone(server);
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const w = writes.polnear;
  // Per publish, the generation key is one more KV write (coalesced to one a second in bursts).
  const writesPerPublish = mean(w) + 1;
  // A cache hit reads one key (the generation); a miss reads `reads.now.mean`.
  const costs = (lookups: number, readsPerLookup: number) => ({
    requests: over(lookups, PRICES.requests),
    kv: over(lookups * readsPerLookup, PRICES.kvReads),
  });
  const lookupRows = [1e6, 100e6].map((n) => {
    const before = costs(n, reads.before.mean);
    const now = costs(n, reads.now.mean);
    const hits = costs(n, 1);
    return `| ${n.toLocaleString('en')} lookups | ${usd(PRICES.base + before.requests + before.kv)} (KV ${usd(before.kv)}) | ${usd(PRICES.base + now.requests + now.kv)} (KV ${usd(now.kv)}) | ${usd(PRICES.base + hits.requests + hits.kv)} |`;
  });
  const ingestRows = [1000, 1e6].map((n) => {
    const kvWrites = n * writesPerPublish;
    // The CLI reads what it rewrites from KV (billed reads); the coordinator reads its own storage.
    const cli = over(kvWrites, PRICES.kvWrites) + over(n * mean(writes.polnearReads), PRICES.kvReads);
    const api = over(kvWrites, PRICES.kvWrites) + over(n, PRICES.doRequests) + over(n, PRICES.requests);
    return `| ${n.toLocaleString('en')} articles | ${Math.round(kvWrites).toLocaleString('en')} | ${usd(PRICES.base + cli)} | ${usd(PRICES.base + api)} |`;
  });
  const goneMs = gone.map((g) => g.goneMs);
  const figures = {
    readsPerLookup: reads,
    writesPerArticle: {
      readsMean: mean(writes.polnearReads),
      callsMean: mean(writes.polnearCalls),
      n: w.length,
      mean: mean(w),
      p50: pct(w, 50),
      max: Math.max(...w),
      min: Math.min(...w),
      unchangedReingest: writes.unchangedWrites,
      perPublishWithGeneration: writesPerPublish,
    },
    deleteToGone: {
      kvPendingZero: gone.filter((g) => g.kvPending === 0).length,
      deleteMs: gone.map((g) => g.deleteMs),
      n: gone.length,
      lookupsUntilGone: gone.map((g) => g.lookupsUntilGone),
      p50Ms: pct(goneMs, 50),
      maxMs: Math.max(...goneMs),
      cachedBefore: gone.filter((g) => g.cachedBefore).length,
      publishP50Ms: pct(
        gone.map((g) => g.publishMs),
        50,
      ),
    },
    prices: PRICES,
  };
  const f3 = (x: number) => x.toFixed(3);
  const md = `
_${workerStamp().text}._

### KV key reads per lookup (in-process, ${reads.excerpts.toLocaleString('en')} excerpts, ${reads.queries.toLocaleString('en')} perturbed PolNeAR quotations)

| | before (every feature, ≤ ${MAX_QUERY_FEATURES}) | now (budget ${LOOKUP_FEATURE_BUDGET}, rarest first; + the generation) |
|---|---|---|
| keys read per lookup, mean | ${reads.before.mean.toFixed(1)} | **${reads.now.mean.toFixed(1)}** |
| p50 / p99 / max | ${reads.before.p50} / ${reads.before.p99} / ${reads.before.max} | ${reads.now.p50} / ${reads.now.p99} / ${reads.now.max} |
| sequential KV round trips (max) | ${reads.before.roundTrips} | ${reads.now.roundTrips} |
| recall@1 (all perturbations) | ${f3(reads.before.recall)} | ${f3(reads.now.recall)} |

A lookup answered from this location's Cache API reads **1 key** (the store generation); before issue 13 a cache hit read none but could be up to 5 minutes stale.

### KV key writes per ingested article (${w.length} PolNeAR articles, one by one after the seed)

| | keys written or deleted |
|---|---|
| per article, mean (the API and \`ingest --remote\`: each changed key once) | **${mean(w).toFixed(0)}** (+1 generation per publish) |
| p50 / max / min | ${pct(w, 50)} / ${Math.max(...w)} / ${Math.min(...w)} |
| put and delete calls per article (\`ingest --local\`, which writes a key again each time the library rewrites it) | ${mean(writes.polnearCalls).toFixed(0)} |
| re-ingesting 10 unchanged articles | ${writes.unchangedWrites} |
| KV reads the ingestion library makes per article (the CLI's; through the API they come from the object's storage) | ${mean(writes.polnearReads).toFixed(0)} |

Durable Object requests per publish or retraction through the API: **1** (one RPC call), plus 1 alarm invocation only when its keys take longer than 2 s to mirror (large articles, hot keys). The object's storage writes per publish: about 3 rows per key (value, dirty mark, mark removed).

### Monthly cost on Workers Paid (computed from the figures above; prices in bench/costs.bench.ts \`PRICES\`)

| lookups / month | before (${reads.before.mean.toFixed(1)} reads, no cache) | now (${reads.now.mean.toFixed(1)} reads, no cache) | now, all cache hits (1 read) |
|---|---|---|---|
${lookupRows.join('\n')}

| ingest / month | KV writes | via the CLI (KV writes + the ${mean(writes.polnearReads).toFixed(0)} KV reads per article it makes) | via the API (KV writes + requests + DO requests) |
|---|---|---|---|
${ingestRows.join('\n')}

Free plan per day: ${FREE_PER_DAY.kvReads.toLocaleString('en')} KV reads = **${Math.floor(FREE_PER_DAY.kvReads / reads.now.mean).toLocaleString('en')} uncached lookups** (${Math.floor(FREE_PER_DAY.kvReads / reads.before.mean).toLocaleString('en')} before) or ${FREE_PER_DAY.requests.toLocaleString('en')} cached ones (the request limit); ${FREE_PER_DAY.kvWrites.toLocaleString('en')} KV writes = **${(FREE_PER_DAY.kvWrites / writesPerPublish).toFixed(1)} average PolNeAR articles a day** (the smallest, ${Math.min(...w)} keys, ${Math.floor(FREE_PER_DAY.kvWrites / (Math.min(...w) + 1))} a day).

### From DELETE to gone, locally (\`wrangler dev\`, ${gone.length} PolNeAR articles published through the API, each looked up twice first — ${gone.filter((g) => g.cachedBefore).length} answers were Cache API hits before the DELETE)

| | now | before issue 13 |
|---|---|---|
| lookups after the DELETE answered until the article is gone | ${[...new Set(gone.map((g) => g.lookupsUntilGone))].sort().join(', ')} (the first one, every time: ${gone.every((g) => g.lookupsUntilGone === 1) ? 'yes' : 'no'}) | the cached answer until it expired (\`max-age=300\`) |
| time from the DELETE answering to the first lookup without the article, p50 / max | ${pct(goneMs, 50).toFixed(0)} ms / ${Math.max(...goneMs).toFixed(0)} ms (the first lookup's own time) | up to 300 s |
| DELETEs that answered with \`kvPending: 0\` (everything, the generation last, in KV) | ${gone.filter((g) => g.kvPending === 0).length} of ${gone.length} | – |
| of those, gone at the first lookup | ${gone.filter((g) => g.kvPending === 0 && g.lookupsUntilGone === 1).length} | – |
| DELETE time p50 / max; PUT time p50 (through \`wrangler dev\` on this shared machine) | ${pct(
    gone.map((g) => g.deleteMs),
    50,
  ).toFixed(0)} ms / ${Math.max(...gone.map((g) => g.deleteMs)).toFixed(0)} ms; ${pct(
    gone.map((g) => g.publishMs),
    50,
  ).toFixed(0)} ms | – |
`;
  return { title: TITLE, markdown: md, figures };
}
