/**
 * SourceLedger: one SQLite-backed Durable Object holding the registered sources, what the crawler
 * has seen of each item URL, and the dead letters. One object, because every decision it makes —
 * "is this URL new?", "is this source due?" — must see every earlier one (KV's eventual reads would
 * let two consumers both decide an item is new).
 *
 * Invariants:
 *  - An item URL is queued at most once until its consumer records a result (status `queued`), and
 *    queued again only when its feed says it changed after we fetched it (or it failed).
 *  - `claimDue` moves a source's next run forward in the same statement that selects it, so a cron
 *    tick that overlaps another never enqueues a source twice.
 *  - Counters only grow; `lastErrors` keeps the newest MAX_ERRORS; dead letters are kept until the
 *    source is deleted (they are the operator's to-do list).
 *  - Items are keyed by URL across sources: two sources listing one URL publish it once.
 */
import { DurableObject } from 'cloudflare:workers';
import type { FeedItem } from '../core/feeds';
import type { ArticleKind } from '../core/types';
import type { IngestEnv } from './env';

export const SOURCE_TYPES = ['rss', 'atom', 'sitemap', 'page', 'claimreview-feed'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export interface SourceSpec {
  url: string;
  type: SourceType;
  articleKind: ArticleKind;
  /** Minutes between runs. */
  every: number;
}

export interface SourceError {
  at: string;
  url: string;
  message: string;
}

export interface DeadLetter {
  at: string;
  url: string;
  queue: string;
  attempts: number;
  error: string;
}

export interface SourceState extends SourceSpec {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** When the cron will next enqueue it. */
  nextRun: string;
  lastRun: null | {
    at: string;
    /** `ok`: the feed was read; `not-modified`: 304; `failed`: see `error`. */
    status: 'queued' | 'ok' | 'not-modified' | 'failed';
    error?: string;
    /** Items the feed listed, and how many of them were queued (new or changed) / left for the next run. */
    listed?: number;
    queued?: number;
    deferred?: number;
  };
  items: { seen: number; queued: number; new: number; updated: number; unchanged: number; failed: number };
  lastErrors: SourceError[];
  deadLetters: DeadLetter[];
}

/** The newest errors kept per source. */
const MAX_ERRORS = 10;
/** Dead letters shown per source (all are kept; the count is in `items.failed`). */
const MAX_DEAD_SHOWN = 50;

export type ItemOutcome =
  | { status: 'created' | 'updated' | 'unchanged'; hash?: string; etag?: string; lastModified?: string; articleId?: string }
  | { status: 'failed'; error: string };

export interface ItemMemory {
  hash: string | null;
  etag: string | null;
  lastModified: string | null;
  articleId: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class SourceLedger extends DurableObject<IngestEnv> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: IngestEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS sources (
        id TEXT PRIMARY KEY, url TEXT NOT NULL, type TEXT NOT NULL, article_kind TEXT NOT NULL, every_min INTEGER NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_run INTEGER NOT NULL,
        last_run_at INTEGER, last_status TEXT, last_error TEXT, last_listed INTEGER, last_queued INTEGER, last_deferred INTEGER,
        etag TEXT, last_modified TEXT,
        n_new INTEGER NOT NULL DEFAULT 0, n_updated INTEGER NOT NULL DEFAULT 0, n_unchanged INTEGER NOT NULL DEFAULT 0, n_failed INTEGER NOT NULL DEFAULT 0,
        errors TEXT NOT NULL DEFAULT '[]');
      CREATE TABLE IF NOT EXISTS items (
        url TEXT PRIMARY KEY, source_id TEXT NOT NULL, status TEXT NOT NULL, listed_updated TEXT,
        hash TEXT, etag TEXT, last_modified TEXT, article_id TEXT, fetched_at INTEGER, error TEXT, attempts INTEGER);
      CREATE INDEX IF NOT EXISTS items_by_source ON items (source_id, status);
      CREATE TABLE IF NOT EXISTS dead (
        n INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL, url TEXT NOT NULL, queue TEXT NOT NULL,
        attempts INTEGER NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS dead_by_source ON dead (source_id, n);
    `);
  }

  /** Registers or replaces a source; a changed URL or type forgets the feed's validators. */
  putSource(id: string, spec: SourceSpec, now = Date.now()): { created: boolean; source: SourceState } {
    const old = this.sql.exec<{ url: string; type: string }>('SELECT url, type FROM sources WHERE id = ?', id).toArray()[0];
    if (!old) {
      this.sql.exec(
        'INSERT INTO sources (id, url, type, article_kind, every_min, created_at, updated_at, next_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        id,
        spec.url,
        spec.type,
        spec.articleKind,
        spec.every,
        now,
        now,
        now,
      );
    } else {
      const sameFeed = old.url === spec.url && old.type === spec.type;
      this.sql.exec(
        `UPDATE sources SET url = ?, type = ?, article_kind = ?, every_min = ?, updated_at = ?,
           next_run = MIN(next_run, ? + ? * 60000)${sameFeed ? '' : ', etag = NULL, last_modified = NULL'} WHERE id = ?`,
        spec.url,
        spec.type,
        spec.articleKind,
        spec.every,
        now,
        now,
        spec.every,
        id,
      );
    }
    return { created: !old, source: this.getSource(id)! };
  }

  /** Removes a source, its dead letters and the memory of its items (so a re-registered source starts afresh). */
  deleteSource(id: string): boolean {
    const existed = this.sql.exec('SELECT 1 FROM sources WHERE id = ?', id).toArray().length > 0;
    this.sql.exec('DELETE FROM sources WHERE id = ?', id);
    this.sql.exec('DELETE FROM items WHERE source_id = ?', id);
    this.sql.exec('DELETE FROM dead WHERE source_id = ?', id);
    return existed;
  }

  getSource(id: string): SourceState | null {
    const row = this.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM sources WHERE id = ?', id).toArray()[0];
    return row ? this.toState(row) : null;
  }

  listSources(): SourceState[] {
    return this.sql
      .exec<Record<string, SqlStorageValue>>('SELECT * FROM sources ORDER BY id')
      .toArray()
      .map((r) => this.toState(r));
  }

  /** The feed validators and spec of a source (the consumer's view). */
  sourceForRun(id: string): (SourceSpec & { etag: string | null; lastModified: string | null }) | null {
    const r = this.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM sources WHERE id = ?', id).toArray()[0];
    if (!r) return null;
    return {
      url: String(r.url),
      type: r.type as SourceType,
      articleKind: r.article_kind as ArticleKind,
      every: Number(r.every_min),
      etag: r.etag as string | null,
      lastModified: r.last_modified as string | null,
    };
  }

  /** Sources due at `now`, their next run moved forward atomically (see the invariants). */
  claimDue(now = Date.now(), limit = 100): string[] {
    const due = this.sql
      .exec<{ id: string }>('SELECT id FROM sources WHERE next_run <= ? ORDER BY next_run LIMIT ?', now, limit)
      .toArray()
      .map((r) => r.id);
    for (const id of due) this.markQueued(id, now);
    return due;
  }

  /** `POST /v1/sources/:id/run`: queued now; the regular schedule continues from now. */
  startRun(id: string, now = Date.now()): boolean {
    if (!this.sql.exec('SELECT 1 FROM sources WHERE id = ?', id).toArray().length) return false;
    this.markQueued(id, now);
    return true;
  }

  private markQueued(id: string, now: number): void {
    this.sql.exec(
      `UPDATE sources SET next_run = ? + every_min * 60000, last_run_at = ?, last_status = 'queued', last_error = NULL,
         last_listed = NULL, last_queued = NULL, last_deferred = NULL WHERE id = ?`,
      now,
      now,
      id,
    );
  }

  /** The outcome of reading a source's feed. */
  recordFeed(
    id: string,
    outcome: {
      status: 'ok' | 'not-modified' | 'failed';
      error?: string;
      url?: string;
      etag?: string;
      lastModified?: string;
      listed?: number;
      queued?: number;
      deferred?: number;
    },
    now = Date.now(),
  ): void {
    if (outcome.status === 'failed') {
      this.sql.exec("UPDATE sources SET last_status = 'failed', last_error = ? WHERE id = ?", outcome.error ?? 'failed', id);
      this.addError(id, outcome.url ?? '', outcome.error ?? 'failed', now);
      return;
    }
    this.sql.exec(
      `UPDATE sources SET last_status = ?, last_error = NULL,
         last_listed = COALESCE(last_listed, 0) + ?, last_queued = COALESCE(last_queued, 0) + ?, last_deferred = COALESCE(last_deferred, 0) + ?,
         etag = CASE WHEN ? THEN ? ELSE etag END, last_modified = CASE WHEN ? THEN ? ELSE last_modified END WHERE id = ?`,
      outcome.status,
      outcome.listed ?? 0,
      outcome.queued ?? 0,
      outcome.deferred ?? 0,
      outcome.etag !== undefined ? 1 : 0,
      outcome.etag ?? null,
      outcome.lastModified !== undefined ? 1 : 0,
      outcome.lastModified ?? null,
      id,
    );
  }

  /**
   * The items of a feed that need fetching: never seen, failed before, or listed as changed since we
   * fetched them. At most `limit` are claimed (marked `queued`); the rest are counted as deferred and
   * found again by the next run (they are still unseen then).
   */
  claimItems(sourceId: string, items: FeedItem[], limit: number): { claimed: FeedItem[]; deferred: number } {
    const claimed: FeedItem[] = [];
    let deferred = 0;
    for (const item of items) {
      const row = this.sql
        .exec<{ status: string; listed_updated: string | null }>('SELECT status, listed_updated FROM items WHERE url = ?', item.url)
        .toArray()[0];
      // Changed: the feed now gives another last-modified date than the one it gave when we queued it.
      const changed = row && item.updated && item.updated !== row.listed_updated;
      const wanted = !row || row.status === 'failed' || changed;
      if (!wanted || row?.status === 'queued') continue;
      if (claimed.length >= limit) {
        deferred++;
        continue;
      }
      claimed.push(item);
      this.sql.exec(
        `INSERT INTO items (url, source_id, status, listed_updated) VALUES (?, ?, 'queued', ?)
           ON CONFLICT (url) DO UPDATE SET status = 'queued', listed_updated = excluded.listed_updated`,
        item.url,
        sourceId,
        item.updated ?? null,
      );
    }
    return { claimed, deferred };
  }

  /** What we hold about an item URL (validators and hash for a conditional, idempotent re-fetch). */
  itemMemory(url: string): ItemMemory | null {
    const r = this.sql
      .exec<{ hash: string | null; etag: string | null; last_modified: string | null; article_id: string | null }>(
        'SELECT hash, etag, last_modified, article_id FROM items WHERE url = ?',
        url,
      )
      .toArray()[0];
    return r ? { hash: r.hash, etag: r.etag, lastModified: r.last_modified, articleId: r.article_id } : null;
  }

  recordItem(sourceId: string, url: string, outcome: ItemOutcome, now = Date.now()): void {
    if (outcome.status === 'failed') {
      this.sql.exec(
        `INSERT INTO items (url, source_id, status, error, fetched_at) VALUES (?, ?, 'failed', ?, ?)
           ON CONFLICT (url) DO UPDATE SET status = 'failed', error = excluded.error, fetched_at = excluded.fetched_at`,
        url,
        sourceId,
        outcome.error,
        now,
      );
      this.sql.exec('UPDATE sources SET n_failed = n_failed + 1 WHERE id = ?', sourceId);
      this.addError(sourceId, url, outcome.error, now);
      return;
    }
    this.sql.exec(
      `INSERT INTO items (url, source_id, status, hash, etag, last_modified, article_id, fetched_at, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (url) DO UPDATE SET status = excluded.status, hash = COALESCE(excluded.hash, items.hash),
           etag = COALESCE(excluded.etag, items.etag), last_modified = COALESCE(excluded.last_modified, items.last_modified),
           article_id = COALESCE(excluded.article_id, items.article_id), fetched_at = excluded.fetched_at, error = NULL`,
      url,
      sourceId,
      outcome.status,
      outcome.hash ?? null,
      outcome.etag ?? null,
      outcome.lastModified ?? null,
      outcome.articleId ?? null,
      now,
    );
    const column = outcome.status === 'created' ? 'n_new' : outcome.status === 'updated' ? 'n_updated' : 'n_unchanged';
    this.sql.exec(`UPDATE sources SET ${column} = ${column} + 1 WHERE id = ?`, sourceId);
  }

  /** A transient failure the queue will retry: remembered so a dead letter can say why it died. */
  noteRetry(sourceId: string, url: string, error: string, attempt: number, now = Date.now()): void {
    this.sql.exec('UPDATE items SET error = ?, attempts = ? WHERE url = ?', error, attempt, url);
    this.addError(sourceId, url, `${error} (attempt ${attempt}; will retry)`, now);
  }

  /** A message the queue gave up on (max retries spent): kept, shown by the API, item marked failed. */
  recordDead(sourceId: string, url: string, queue: string, attempts: number, fallbackError: string, now = Date.now()): void {
    if (!this.sql.exec('SELECT 1 FROM sources WHERE id = ?', sourceId).toArray().length) return;
    const item = this.sql.exec<{ error: string | null; attempts: number | null }>('SELECT error, attempts FROM items WHERE url = ?', url).toArray()[0];
    const last = item?.error;
    if (item?.attempts) attempts = Math.max(attempts, item.attempts);
    const lastFeed = this.sql.exec<{ last_error: string | null }>('SELECT last_error FROM sources WHERE id = ?', sourceId).toArray()[0]?.last_error;
    const error = last ?? lastFeed ?? fallbackError;
    this.sql.exec('INSERT INTO dead (source_id, url, queue, attempts, error, at) VALUES (?, ?, ?, ?, ?, ?)', sourceId, url, queue, attempts, error, now);
    const wasItem = this.sql.exec<{ status: string }>('SELECT status FROM items WHERE url = ?', url).toArray()[0];
    if (wasItem) this.recordItem(sourceId, url, { status: 'failed', error: `dead letter after ${attempts} attempts: ${error}` }, now);
    else this.addError(sourceId, url, `dead letter after ${attempts} attempts: ${error}`, now);
  }

  private addError(sourceId: string, url: string, message: string, now: number): void {
    const row = this.sql.exec<{ errors: string }>('SELECT errors FROM sources WHERE id = ?', sourceId).toArray()[0];
    if (!row) return;
    const errors = [{ at: iso(now), url, message: message.slice(0, 500) }, ...(JSON.parse(row.errors) as SourceError[])].slice(0, MAX_ERRORS);
    this.sql.exec('UPDATE sources SET errors = ? WHERE id = ?', JSON.stringify(errors), sourceId);
  }

  private toState(r: Record<string, SqlStorageValue>): SourceState {
    const id = String(r.id);
    const counts = this.sql
      .exec<{ seen: number; queued: number }>("SELECT COUNT(*) AS seen, COALESCE(SUM(status = 'queued'), 0) AS queued FROM items WHERE source_id = ?", id)
      .toArray()[0];
    const dead = this.sql
      .exec<{ url: string; queue: string; attempts: number; error: string; at: number }>(
        'SELECT url, queue, attempts, error, at FROM dead WHERE source_id = ? ORDER BY n DESC LIMIT ?',
        id,
        MAX_DEAD_SHOWN,
      )
      .toArray();
    const lastRun: SourceState['lastRun'] =
      r.last_run_at == null
        ? null
        : {
            at: iso(Number(r.last_run_at)),
            status: r.last_status as NonNullable<SourceState['lastRun']>['status'],
            ...(r.last_error ? { error: String(r.last_error) } : {}),
            ...(r.last_listed != null ? { listed: Number(r.last_listed), queued: Number(r.last_queued), deferred: Number(r.last_deferred) } : {}),
          };
    return {
      id,
      url: String(r.url),
      type: r.type as SourceType,
      articleKind: r.article_kind as ArticleKind,
      every: Number(r.every_min),
      createdAt: iso(Number(r.created_at)),
      updatedAt: iso(Number(r.updated_at)),
      nextRun: iso(Number(r.next_run)),
      lastRun,
      items: {
        seen: counts.seen,
        queued: counts.queued,
        new: Number(r.n_new),
        updated: Number(r.n_updated),
        unchanged: Number(r.n_unchanged),
        failed: Number(r.n_failed),
      },
      lastErrors: JSON.parse(String(r.errors)) as SourceError[],
      deadLetters: dead.map((d) => ({ at: iso(d.at), url: d.url, queue: d.queue, attempts: d.attempts, error: d.error })),
    };
  }
}

/** The ledger instance: one for the namespace (see the header). */
export const ledgerFor = (env: Pick<IngestEnv, 'SOURCE_LEDGER'>) => env.SOURCE_LEDGER.getByName('sources');
