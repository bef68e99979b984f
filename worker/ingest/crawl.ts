/**
 * The crawler's three steps, each a queue consumer's work on one message (docs/sources.md):
 *  1. cron → `enqueueDue`: due sources onto the source queue;
 *  2. source message → `readSource`: fetch the feed / sitemap, claim its new or changed items in the
 *     ledger, put them on the item queue (a sitemap index puts its child sitemaps back on the source
 *     queue; a ClaimReview feed is published directly: it carries its data);
 *  3. item message → `readItem`: fetch the page, extract it with the CLI's library (`parseSourceSliced`: in slices),
 *     publish it — and any ClaimReview it carries — through the IndexCoordinator.
 *
 * Invariants:
 *  - Idempotent: an item is published only when its bytes' SHA-256 differs from the last published
 *    ones (a 304 or an equal hash records `unchanged` and writes nothing); the article id comes from
 *    the item URL, so a re-published page replaces its own record, never duplicates it.
 *  - A permanent failure (404, robots, SSRF refusal, too large, wrong type, no article, malformed
 *    feed) is recorded and the message acknowledged; a transient one (timeout, 5xx, 429, busy host,
 *    coordinator error) is retried with exponential back-off, and after `max_retries` the queue
 *    moves it to the dead-letter queue, whose consumer records it in the ledger (`deadLetters`).
 */
import { isoDate } from '../core/dates';
import { articleIdFor, claimIdFor } from '../core/ids';
import { claimsFromClaimReviewJson } from '../core/extract/claim-review';
import { parseSourceSliced } from '../core/extract/sources';
import { FeedError, parseFeed, type FeedItem } from '../core/feeds';
import { FetchRefused } from '../core/fetch-policy';
import type { ArticleSource, ClaimSource } from '../core/types';
import { coordinatorFor } from '../coordinator/client';
import { PublishArticleSchema } from '../routes/publish';
import type { IngestEnv } from './env';
import { DEFAULT_HOST_INTERVAL_MS, DEFAULT_TIMEOUT_MS, PoliteFetcher } from './fetcher';
import { hostGatePacer } from './host-gate';
import { backoffSeconds, type ItemJob, type SourceJob } from './jobs';
import { ledgerFor, type ItemOutcome } from './ledger';

/**
 * New items queued per feed read. The rest wait for the next run (they are still unseen then), so a
 * feed of 10,000 items or an archive's sitemap is worked through in slices that keep one consumer
 * invocation within its subrequest budget (20 `sendBatch` calls of 100) and the item queue's backlog
 * proportional to what the consumers can drain before the next run.
 */
export const MAX_ITEMS_PER_RUN = 2000;
/** Sitemap indexes nest: follow two levels (index → index → sitemap), which covers real archives. */
export const MAX_SITEMAP_DEPTH = 2;
/** Child sitemaps followed per index (a news archive has one per month: 50,000 is the protocol's limit). */
export const MAX_CHILD_SITEMAPS = 1000;
/** Queues take at most 100 messages per sendBatch. */
const SEND_BATCH = 100;
/** Retries before the queue dead-letters a message (mirrors max_retries in ingest/wrangler.toml). */
export const MAX_ATTEMPTS = 5;

export class Retry extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Retry';
  }
}

const flag = (value: string | undefined) => value === 'on' || value === 'true' || value === '1';
const number = (value: string | undefined, fallback: number) => (value && Number.isFinite(Number(value)) ? Number(value) : fallback);

export function fetcherFor(env: IngestEnv): PoliteFetcher {
  return new PoliteFetcher({
    policy: { allowLoopback: flag(env.FETCH_ALLOW_LOOPBACK) },
    pacer: hostGatePacer(env),
    timeoutMs: number(env.FETCH_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
    hostIntervalMs: number(env.FETCH_HOST_INTERVAL_MS, DEFAULT_HOST_INTERVAL_MS),
  });
}

export const retryDelay = (env: IngestEnv, attempts: number) => backoffSeconds(attempts, number(env.RETRY_BASE_SECONDS, 30));

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sendAll<T>(queue: Queue<T>, bodies: T[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += SEND_BATCH) await queue.sendBatch(bodies.slice(i, i + SEND_BATCH).map((body) => ({ body })));
}

/** Cron: every due source onto the source queue (the ledger moves their next run forward first). */
export async function enqueueDue(env: IngestEnv, now = Date.now()): Promise<number> {
  const ids = await ledgerFor(env).claimDue(now);
  await sendAll<SourceJob>(
    env.SOURCE_QUEUE,
    ids.map((sourceId) => ({ type: 'source', sourceId })),
  );
  return ids.length;
}

/** A fetch failure as the ledger words it; transient ones become a `Retry` for the queue. */
function classify(e: unknown): string {
  if (e instanceof FetchRefused) {
    if (!e.permanent) throw new Retry(e.message);
    return e.message;
  }
  if (e instanceof FeedError) return e.message;
  throw e;
}

/** Claims of a ClaimReview feed or page, each with the id the CLI would give it. */
function withIds(claims: ClaimSource[]): (ClaimSource & { id: string })[] {
  return claims.map((c) => ({ ...c, id: c.id ?? claimIdFor(c.claimant ?? '', c.text) }));
}

async function publishClaims(env: IngestEnv, claims: ClaimSource[]): Promise<{ created: number; updated: number; unchanged: number; failed: string[] }> {
  const out = { created: 0, updated: 0, unchanged: 0, failed: [] as string[] };
  for (const claim of withIds(claims)) {
    const reply = await coordinatorFor(env).putClaim(claim);
    if (!reply.ok) out.failed.push(`claim ${claim.id}: ${reply.detail}`);
    else if (reply.status === 'created') out.created++;
    else if (reply.status === 'updated') out.updated++;
    else out.unchanged++;
  }
  return out;
}

/** Step 2: one source (or child sitemap) read. Throws `Retry` for the queue to retry with back-off. */
export async function readSource(env: IngestEnv, job: SourceJob): Promise<void> {
  const ledger = ledgerFor(env);
  const source = await ledger.sourceForRun(job.sourceId);
  if (!source) return; // deleted since it was queued
  const url = job.url ?? source.url;
  const itemJob = (item: FeedItem): ItemJob => ({
    type: 'item',
    sourceId: job.sourceId,
    url: item.url,
    articleKind: source.articleKind,
    sourceType: source.type,
  });

  if (source.type === 'page') {
    // A page is its own feed: listed as changed on every run, so each run re-reads it (conditionally:
    // an unchanged page costs a 304 or a hash comparison, never a publish).
    const { claimed, deferred } = await ledger.claimItems(job.sourceId, [{ url, updated: new Date().toISOString() }], 1);
    await sendAll(env.ITEM_QUEUE, claimed.map(itemJob));
    await ledger.recordFeed(job.sourceId, { status: 'ok', listed: 1, queued: claimed.length, deferred });
    return;
  }

  let fetched;
  try {
    // Validators only for the source's own URL: child sitemaps are re-read whenever their index is.
    fetched = await fetcherFor(env).get(url, 'feed', job.url ? {} : { etag: source.etag ?? undefined, lastModified: source.lastModified ?? undefined });
  } catch (e) {
    let message: string;
    try {
      message = classify(e);
    } catch (retry) {
      await ledger.recordFeed(job.sourceId, { status: 'failed', url, error: `${(retry as Error).message} (will retry)` });
      throw retry;
    }
    await ledger.recordFeed(job.sourceId, { status: 'failed', url, error: message });
    return;
  }
  if (fetched.status === 'not-modified') {
    await ledger.recordFeed(job.sourceId, { status: 'not-modified' });
    return;
  }
  const validators = job.url ? {} : { etag: fetched.etag, lastModified: fetched.lastModified };
  const text = new TextDecoder().decode(fetched.bytes);

  if (source.type === 'claimreview-feed') {
    const looksHtml = /html/i.test(fetched.contentType) || /^\s*</.test(text);
    if (looksHtml) {
      // A fact-check page: the item step extracts it and publishes its article and ClaimReviews.
      const { claimed, deferred } = await ledger.claimItems(job.sourceId, [{ url: fetched.url }], 1);
      await sendAll(env.ITEM_QUEUE, claimed.map(itemJob));
      await ledger.recordFeed(job.sourceId, { status: 'ok', listed: 1, queued: claimed.length, deferred, ...validators });
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      await ledger.recordFeed(job.sourceId, { status: 'failed', url, error: `not a ClaimReview feed: invalid JSON (${(e as Error).message})` });
      return;
    }
    const imported = claimsFromClaimReviewJson(doc);
    let published;
    try {
      published = await publishClaims(env, imported.claims);
    } catch (e) {
      throw new Retry(`publishing claims: ${(e as Error).message}`);
    }
    for (const claim of withIds(imported.claims)) {
      const reviewUrl = claim.reviews?.[0]?.url || `${url}#${claim.id}`;
      await ledger.recordItem(job.sourceId, reviewUrl, { status: 'unchanged', articleId: `claim:${claim.id}` });
    }
    for (const failure of [...published.failed, ...imported.rejected.map((r) => `rejected ${r.where}: ${r.message}`)]) {
      await ledger.recordItem(job.sourceId, `${url}#rejected`, { status: 'failed', error: failure });
    }
    await ledger.recordFeed(job.sourceId, { status: 'ok', listed: imported.claims.length, queued: 0, deferred: 0, ...validators });
    return;
  }

  let feed;
  try {
    feed = parseFeed(text, fetched.url);
  } catch (e) {
    await ledger.recordFeed(job.sourceId, { status: 'failed', url, error: classify(e) });
    return;
  }
  if (feed.sitemaps.length) {
    const depth = job.depth ?? 0;
    if (depth >= MAX_SITEMAP_DEPTH) {
      await ledger.recordFeed(job.sourceId, { status: 'failed', url, error: `sitemap index nested deeper than ${MAX_SITEMAP_DEPTH} levels: not followed` });
      return;
    }
    const children = feed.sitemaps.slice(0, MAX_CHILD_SITEMAPS);
    await sendAll<SourceJob>(
      env.SOURCE_QUEUE,
      children.map((s) => ({ type: 'source', sourceId: job.sourceId, url: s.url, depth: depth + 1 })),
    );
  }
  const { claimed, deferred } = await ledger.claimItems(job.sourceId, feed.items, MAX_ITEMS_PER_RUN);
  await sendAll(env.ITEM_QUEUE, claimed.map(itemJob));
  await ledger.recordFeed(job.sourceId, { status: 'ok', listed: feed.items.length, queued: claimed.length, deferred, ...validators });
}

/** Step 3: one item page fetched, extracted and published. Throws `Retry` for transient failures. */
export async function readItem(env: IngestEnv, job: ItemJob): Promise<ItemOutcome> {
  const ledger = ledgerFor(env);
  // A source deleted while its items waited in the queue: they are dropped unread.
  if (!(await ledger.sourceForRun(job.sourceId))) return { status: 'unchanged' };
  const memory = await ledger.itemMemory(job.url);
  const fail = async (error: string): Promise<ItemOutcome> => {
    const outcome: ItemOutcome = { status: 'failed', error };
    await ledger.recordItem(job.sourceId, job.url, outcome);
    return outcome;
  };
  let fetched;
  try {
    fetched = await fetcherFor(env).get(job.url, 'page', { etag: memory?.etag ?? undefined, lastModified: memory?.lastModified ?? undefined });
  } catch (e) {
    return fail(classify(e));
  }
  if (fetched.status === 'not-modified') {
    const outcome: ItemOutcome = { status: 'unchanged' };
    await ledger.recordItem(job.sourceId, job.url, outcome);
    return outcome;
  }
  const hash = await sha256(fetched.bytes);
  const validators = { etag: fetched.etag, lastModified: fetched.lastModified };
  if (memory?.hash === hash) {
    const outcome: ItemOutcome = { status: 'unchanged', hash, ...validators };
    await ledger.recordItem(job.sourceId, job.url, outcome);
    return outcome;
  }
  // The id comes from the URL we were given (stable across runs), not the page's canonical link.
  const id = memory?.articleId ?? articleIdFor({ url: job.url, title: '' });
  let parsed;
  try {
    parsed = await parseSourceSliced(`${id}.html`, fetched.bytes);
  } catch (e) {
    return fail(`no article could be extracted: ${(e as Error).message.replace(/^[^:]*\.html: /, '')}`);
  }
  let status: 'created' | 'updated' | 'unchanged' = 'unchanged';
  try {
    if (parsed.kind === 'article') {
      // A page's own date in whatever form its metadata gives ("2016-09-27T19:36:00.000+0000",
      // "27 September 2016") made ISO as the CLI stores it; one that is no date at all is dropped.
      const published = isoDate(parsed.source.published) || undefined;
      const checked = PublishArticleSchema.safeParse({ ...parsed.source, id: undefined, url: parsed.source.url || fetched.url, published });
      if (!checked.success)
        return fail(`the extracted article is not publishable: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const source: ArticleSource = { ...(checked.data as ArticleSource), kind: job.articleKind, id };
      const reply = await coordinatorFor(env).publish(source);
      if (!reply.ok) return fail(`not published: ${reply.detail}`);
      status = reply.status === 'created' || reply.status === 'updated' ? reply.status : 'unchanged';
    }
    const claims = parsed.kind === 'claims' ? parsed.claims : (parsed.imported?.claims ?? []);
    if (claims.length) {
      const published = await publishClaims(env, claims);
      if (parsed.kind === 'claims') status = published.created ? 'created' : published.updated ? 'updated' : 'unchanged';
      if (published.failed.length) return fail(published.failed.join('; '));
    }
  } catch (e) {
    // The coordinator threw (storage, an overloaded object): nothing was committed; try again later.
    throw new Retry(`publishing: ${(e as Error).message}`);
  }
  const outcome: ItemOutcome = { status, hash, articleId: parsed.kind === 'article' ? id : undefined, ...validators };
  await ledger.recordItem(job.sourceId, job.url, outcome);
  return outcome;
}
