/**
 * The `KV` the coordinator hands to the ingestion library: reads and writes go to the Durable
 * Object's own transactional storage (the authoritative copy), and every write is queued to be
 * mirrored to Workers KV, which lookups read.
 *
 * Why not read-modify-write KV directly, even one writer at a time? KV reads may be served from a
 * cache up to ~60 s old, so a posting list read back right after it was written can be the previous
 * version, and writing it back would lose the update in between. Durable Object storage is strongly
 * consistent, so reading from it can never miss our own earlier write.
 *
 * Keys the coordinator has never written are read through from KV once (records loaded by
 * `npm run ingest -- --remote` before publishing began) and from then on live in the object.
 */
import type { KV } from '../store/kv';
import { KV_BULK_GET_LIMIT } from '../store/kv';

/** Stored per KV key in the object: the current value, or `null` for deleted. */
interface Entry {
  v: string | null;
}

/**
 * Storage operations between two yields to the event loop. SQLite-backed storage answers from the
 * same thread without real I/O, so an operation that reads and buffers thousands of keys would
 * otherwise run start to finish without letting anything else in — and in `wrangler dev` (one
 * process for the worker and the object) every lookup waited for it. A yield costs well under a
 * millisecond; 20 operations are about a millisecond of work.
 */
const OPS_PER_YIELD = 20;
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Durable Object storage batch limit for get/put/delete of several keys. */
const STORAGE_BATCH = 128;
export const VALUE_PREFIX = 'kv:';
export const DIRTY_PREFIX = 'dirty:';

export class CoordinatedKV implements KV {
  /** KV keys written during the current operation (so its caller can wait for them to reach KV). */
  readonly touched = new Set<string>();
  reads = 0;
  readThroughs = 0;
  /** Writes of the current operation, applied to storage only by `commit()`. */
  private readonly buffer = new Map<string, string | null>();
  private opsSinceYield = 0;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly kv: KVNamespace,
  ) {}

  get(key: string, type: 'text'): Promise<string | null>;
  get<T = unknown>(key: string, type: 'json'): Promise<T | null>;
  get(keys: string[], type: 'text'): Promise<Map<string, string | null>>;
  get<T = unknown>(keys: string[], type: 'json'): Promise<Map<string, T | null>>;
  async get(key: string | string[], type: 'text' | 'json'): Promise<unknown> {
    const decode = (raw: string | null) => (raw === null ? null : type === 'json' ? JSON.parse(raw) : raw);
    if (!Array.isArray(key)) return decode((await this.readRaw([key])).get(key) ?? null);
    if (key.length > KV_BULK_GET_LIMIT) throw new Error(`bulk get of ${key.length} keys (max ${KV_BULK_GET_LIMIT})`);
    const raw = await this.readRaw(key);
    return new Map(key.map((k) => [k, decode(raw.get(k) ?? null)]));
  }

  async put(key: string, value: string): Promise<void> {
    await this.write(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.write(key, null);
  }

  /** Lists keys as the coordinator knows them: KV's listing corrected by the object's own (newer) state. */
  async list(options: { prefix?: string; cursor?: string; limit?: number } = {}) {
    const prefix = options.prefix ?? '';
    const names = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor });
      for (const k of page.keys) names.add(k.name);
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const known = await this.storage.list<Entry>({ prefix: VALUE_PREFIX + prefix });
    for (const [name, entry] of known) {
      const kvKey = name.slice(VALUE_PREFIX.length);
      if (entry.v === null) names.delete(kvKey);
      else names.add(kvKey);
    }
    for (const [kvKey, v] of this.buffer) {
      if (!kvKey.startsWith(prefix)) continue;
      if (v === null) names.delete(kvKey);
      else names.add(kvKey);
    }
    const sorted = [...names].sort();
    const start = options.cursor ? Number(options.cursor) : 0;
    const limit = options.limit ?? 1000;
    const done = start + limit >= sorted.length;
    return { keys: sorted.slice(start, start + limit).map((name) => ({ name })), list_complete: done, cursor: done ? undefined : String(start + limit) };
  }

  /** Current values from the object's storage; keys it has never seen are read through from KV once. */
  private async readRaw(names: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const unique = [...new Set(names)];
    this.reads += unique.length;
    await this.pace(unique.length);
    const missing: string[] = [];
    const unbuffered = unique.filter((k) => {
      if (!this.buffer.has(k)) return true;
      out.set(k, this.buffer.get(k) ?? null);
      return false;
    });
    for (let i = 0; i < unbuffered.length; i += STORAGE_BATCH) {
      const batch = unbuffered.slice(i, i + STORAGE_BATCH);
      const got = await this.storage.get<Entry>(batch.map((k) => VALUE_PREFIX + k));
      for (const k of batch) {
        const entry = got.get(VALUE_PREFIX + k);
        if (entry) out.set(k, entry.v);
        else missing.push(k);
      }
    }
    if (missing.length) {
      this.readThroughs += missing.length;
      const fromKv = await this.kv.get(missing, 'text');
      const seeded: Record<string, Entry> = {};
      for (const k of missing) {
        const v = fromKv.get(k) ?? null;
        out.set(k, v);
        seeded[VALUE_PREFIX + k] = { v };
      }
      await putAll(this.storage, seeded);
    }
    return out;
  }

  /** Lets other requests run every OPS_PER_YIELD storage operations (see there). Never called inside `commit()`. */
  private async pace(ops: number): Promise<void> {
    this.opsSinceYield += ops;
    if (this.opsSinceYield < OPS_PER_YIELD) return;
    this.opsSinceYield = 0;
    await yieldToEventLoop();
  }

  private async write(key: string, value: string | null): Promise<void> {
    await this.pace(1);
    this.touched.add(key);
    this.buffer.set(key, value);
  }

  /** Keys this operation would change if committed now. */
  get pendingWrites(): number {
    return this.buffer.size;
  }

  /** Whether this operation wrote anything. */
  get changed(): boolean {
    return this.buffer.size > 0;
  }

  /**
   * Commits every buffered write, with its "still to mirror to KV" mark (and, given `alarmAt`, the
   * alarm that will mirror it), in one atomic storage write (storage operations issued without
   * awaiting anything in between are coalesced into a single transaction). An operation that throws
   * before this leaves the object's state untouched.
   */
  async commit(options: { alarmAt?: number } = {}): Promise<string[]> {
    const entries: Record<string, Entry | number> = {};
    const now = Date.now();
    for (const [key, v] of this.buffer) {
      entries[VALUE_PREFIX + key] = { v };
      entries[DIRTY_PREFIX + key] = now;
    }
    // The alarm is set in the same batch as the marks (nothing awaited in between), so no dirty mark is
    // ever committed without an alarm to mirror it.
    const alarm = options.alarmAt !== undefined && this.buffer.size > 0 ? this.storage.setAlarm(options.alarmAt) : undefined;
    await Promise.all([putAll(this.storage, entries), alarm]);
    const written = [...this.buffer.keys()];
    this.buffer.clear();
    return written;
  }
}

/** Puts many entries in batches, issued together so the output gate commits them as one transaction. */
export async function putAll(storage: DurableObjectStorage, entries: Record<string, unknown>): Promise<void> {
  const all = Object.entries(entries);
  const batches: Promise<void>[] = [];
  for (let i = 0; i < all.length; i += STORAGE_BATCH) batches.push(storage.put(Object.fromEntries(all.slice(i, i + STORAGE_BATCH))));
  await Promise.all(batches);
}
