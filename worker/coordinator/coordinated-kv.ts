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
 *
 * Committing without one long block: an operation's writes are staged first, in slices, as chunks
 * under a commit id no reader looks at; the commit itself is then one small atomic write — the commit
 * record, the marks and the alarm — and the staged values are moved into place after it, in slices,
 * before the next operation runs. A crash before the commit record leaves chunks that start-up deletes
 * (the operation never happened); a crash after it leaves a committed record whose chunks start-up
 * moves into place before anything reads the values (`recoverCommits`). Atomicity is the record's:
 * an operation's writes are all in place or none are, as seen by anything that reads the object —
 * the next operation runs only once they are, and the mirror reads none of its keys' values until
 * then (`placing` in index-coordinator.ts, checked as each of its batches is read).
 */
import type { KV } from '../store/kv';
import { KV_BULK_GET_LIMIT } from '../store/kv';
import { SliceBudget, yieldToEventLoop } from '../core/slices';
import { GENERATION_KEY } from '../store/generation';

/** Stored per KV key in the object: the current value, or `null` for deleted. */
interface Entry {
  v: string | null;
}

/**
 * Work units in one synchronous slice of an operation: a key read or written is a unit, and so is
 * every 4 KB of value (a large posting list costs the library a parse and a re-serialisation). The
 * ingestion library runs up to 64 key updates concurrently (store/index-store.ts); between two turns
 * of the event loop all of them together spend at most this budget, measured under `wrangler dev` at
 * a few milliseconds — so a lookup sharing the thread waits for one slice, not for the operation
 * (npm run bench faults).
 */
const UNITS_PER_SLICE = 48;
/** Bytes of value that count as one work unit (see UNITS_PER_SLICE). */
const BYTES_PER_UNIT = 4096;

/** Durable Object storage batch limit for get/put/delete of several keys. */
const STORAGE_BATCH = 128;
export const VALUE_PREFIX = 'kv:';
/** One "still to mirror" mark per key: what versions before the mark sets wrote (still read on start-up). */
export const DIRTY_PREFIX = 'dirty:';
/** A commit's "still to mirror" marks: its changed keys, MARKS_PER_SET to an entry (mark-sets.ts). */
export const DIRTY_SET_PREFIX = 'dirtyset:';
/**
 * Keys per mark-set entry: 256 of our key names are ~20 KB (none is longer than ~100 bytes; even 256
 * of KV's longest, 512 bytes, fit the 2 MB a SQLite-backed object's value may hold), and the
 * largest publish's ~7,700 keys take 32 entries (the generation's alone) instead of 7,700 — a mark each was half of the commit's
 * one synchronous write. The cost: a crash re-mirrors up to a set's worth of keys already in KV.
 */
export const MARKS_PER_SET = 256;

/** A commit's staged values: `STAGE_PREFIX<commit id>:<chunk>` → `[key, value][]`, deleted as they are moved into place. */
export const STAGE_PREFIX = 'stage:';
/**
 * A commit's record, `COMMIT_PREFIX<commit id>`: written alone (`staging`) before its first chunk, made
 * `committed` by the atomic commit, deleted once its values are in place. Ids sort in commit order.
 */
export const COMMIT_PREFIX = 'commit:';
type CommitRecord = { state: 'staging' | 'committed' };
/**
 * Work units of one staged chunk (see UNITS_PER_SLICE): a key each, and each BYTES_PER_UNIT of value,
 * so a chunk is about one slice whether it holds small records or a few large posting lists. Staging
 * and moving into place a chunk per slice, the largest publish's ~7,700 values take a few hundred
 * slices, where committing them in one write held the thread 75–120 ms under `wrangler dev`.
 */
const UNITS_PER_CHUNK = 40;

/** An operation's values staged under its commit id, in chunks (`CoordinatedKV.stage`). */
export interface Staged {
  commitId: string;
  chunks: { name: string; chunk: [string, string | null][] }[];
}

/** What a commit wrote: the changed keys, and the mark sets (entry name → keys) that say they are still to mirror. */
export interface Committed {
  written: string[];
  markSets: [string, string[]][];
}

/** Work units of one value (see UNITS_PER_SLICE). */
const unitsOf = (value: string | null) => 1 + Math.floor((value?.length ?? 0) / BYTES_PER_UNIT);

/** Splits entries into chunks of about UNITS_PER_CHUNK work units (a value larger than that alone). */
function chunked(entries: [string, string | null][]): [string, string | null][][] {
  const chunks: [string, string | null][][] = [];
  let chunk: [string, string | null][] = [];
  let units = 0;
  for (const entry of entries) {
    const cost = unitsOf(entry[1]);
    if (chunk.length && units + cost > UNITS_PER_CHUNK) {
      chunks.push(chunk);
      chunk = [];
      units = 0;
    }
    chunk.push(entry);
    units += cost;
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

/** Puts a chunk's values in place and deletes the chunk, in one transaction (nothing awaited in between). */
async function placeChunk(storage: DurableObjectStorage, chunkName: string, chunk: [string, string | null][]): Promise<void> {
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < chunk.length; i += STORAGE_BATCH) {
    writes.push(storage.put(Object.fromEntries(chunk.slice(i, i + STORAGE_BATCH).map(([key, v]) => [VALUE_PREFIX + key, { v }]))));
  }
  writes.push(storage.delete(chunkName));
  await Promise.all(writes);
}

/**
 * Start-up (before anything reads the object's values): every committed record's staged values are
 * moved into place, in commit order, and an uncommitted record's chunks (a crash while staging) are
 * deleted. Returns how many commits were completed and how many abandoned.
 */
export async function recoverCommits(storage: DurableObjectStorage): Promise<{ completed: number; abandoned: number }> {
  const result = { completed: 0, abandoned: 0 };
  for (const [name, record] of await storage.list<CommitRecord>({ prefix: COMMIT_PREFIX })) {
    const stagePrefix = `${STAGE_PREFIX}${name.slice(COMMIT_PREFIX.length)}:`;
    // A few chunks at a time: a large commit's chunks together are its whole set of values.
    for (;;) {
      const chunks = await storage.list<[string, string | null][]>({ prefix: stagePrefix, limit: 8 });
      if (chunks.size === 0) break;
      for (const [chunkName, chunk] of chunks) {
        if (record.state === 'committed') await placeChunk(storage, chunkName, chunk);
        else await storage.delete(chunkName);
      }
    }
    await storage.delete(name);
    if (record.state === 'committed') result.completed++;
    else result.abandoned++;
  }
  return result;
}

export class CoordinatedKV implements KV {
  /** KV keys written during the current operation (so its caller can wait for them to reach KV). */
  readonly touched = new Set<string>();
  reads = 0;
  readThroughs = 0;
  /** Writes of the current operation, applied to storage only by `commit()`. */
  private readonly buffer = new Map<string, string | null>();
  /**
   * Keys read through from KV during this operation (never written by the object before). Kept here
   * and stored with the commit rather than one storage write each: thousands of one-key writes, each
   * its own transaction, were most of a large publish's time.
   */
  private readonly readThrough = new Map<string, string | null>();
  /** Keys asked for since the last turn of the event loop: read together, in storage and KV batches. */
  private wanted: Set<string> | null = null;
  private wantedLoaded: Promise<Map<string, string | null>> | null = null;
  /**
   * Set once the commit record is on its way (`commitStaged`): from then on a failure may leave the
   * operation committed with its values half in place (the caller must then reset the object).
   */
  commitIssued = false;
  /** The operation's slices (UNITS_PER_SLICE); `budget.yields` says how often it let others run. */
  readonly budget = new SliceBudget(UNITS_PER_SLICE);

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

  /** Current values: this operation's own writes, else the object's storage; keys it has never seen are read through from KV once. */
  private async readRaw(names: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const unique = [...new Set(names)];
    this.reads += unique.length;
    await this.budget.spend(unique.length);
    const toLoad: string[] = [];
    for (const k of unique) {
      if (this.buffer.has(k)) out.set(k, this.buffer.get(k) ?? null);
      else if (this.readThrough.has(k)) out.set(k, this.readThrough.get(k) ?? null);
      else toLoad.push(k);
    }
    if (toLoad.length) {
      const loaded = await this.load(toLoad);
      let bytes = 0;
      for (const k of toLoad) {
        // A write by this operation since the read was queued wins (the buffer is what the operation sees).
        const v = this.buffer.has(k) ? (this.buffer.get(k) ?? null) : (loaded.get(k) ?? null);
        out.set(k, v);
        bytes += v?.length ?? 0;
      }
      if (bytes >= BYTES_PER_UNIT) await this.budget.spend(Math.floor(bytes / BYTES_PER_UNIT));
    }
    return out;
  }

  /**
   * Reads `keys` together with every other key asked for before the next turn of the event loop: the
   * library reads posting lists one key at a time from many concurrent updates, and one storage read
   * and one KV bulk read per batch cost a fraction of one each.
   */
  private load(keys: string[]): Promise<Map<string, string | null>> {
    if (!this.wanted) {
      const wanted = (this.wanted = new Set<string>());
      this.wantedLoaded = yieldToEventLoop().then(() => {
        this.wanted = null;
        return this.fetchStored([...wanted]);
      });
    }
    for (const k of keys) this.wanted.add(k);
    return this.wantedLoaded!;
  }

  private async fetchStored(keys: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const missing: string[] = [];
    for (let i = 0; i < keys.length; i += STORAGE_BATCH) {
      const batch = keys.slice(i, i + STORAGE_BATCH);
      const got = await this.storage.get<Entry>(batch.map((k) => VALUE_PREFIX + k));
      for (const k of batch) {
        const entry = got.get(VALUE_PREFIX + k);
        if (entry) out.set(k, entry.v);
        else if (this.readThrough.has(k)) out.set(k, this.readThrough.get(k) ?? null);
        else missing.push(k);
      }
    }
    for (let i = 0; i < missing.length; i += KV_BULK_GET_LIMIT) {
      const batch = missing.slice(i, i + KV_BULK_GET_LIMIT);
      this.readThroughs += batch.length;
      const fromKv = await this.kv.get(batch, 'text');
      for (const k of batch) {
        const v = fromKv.get(k) ?? null;
        out.set(k, v);
        this.readThrough.set(k, v);
      }
    }
    return out;
  }

  private async write(key: string, value: string | null): Promise<void> {
    await this.budget.spend(1 + Math.floor((value?.length ?? 0) / BYTES_PER_UNIT));
    this.touched.add(key);
    this.buffer.set(key, value);
  }

  /** The keys this operation would change if committed now. */
  changedKeys(): string[] {
    return [...this.buffer.keys()];
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
   * Stores what was read through from KV and not changed, ahead of the commit, one storage batch per
   * slice: these entries only remember KV's own values (read through once), so they need no atomicity
   * with the operation — a crash after some of them leaves the object holding what KV holds — and
   * stored here they are written once, where `commit` would stage them and then put them in place.
   * Call it only once the operation is to be committed (never for a refused or failed one).
   */
  async rememberReadThroughs(): Promise<void> {
    const unchanged = [...this.readThrough].filter(([key]) => !this.buffer.has(key));
    for (let i = 0; i < unchanged.length; i += STORAGE_BATCH) {
      await this.budget.spend(STORAGE_BATCH / 4);
      await this.storage.put(Object.fromEntries(unchanged.slice(i, i + STORAGE_BATCH).map(([key, v]) => [VALUE_PREFIX + key, { v }])));
    }
    for (const [key] of unchanged) this.readThrough.delete(key);
  }

  /**
   * Commits every buffered write, with the marks that say it is still to be mirrored to KV (one entry
   * per MARKS_PER_SET keys) and, given `alarmInMs`, the alarm that will mirror it; resolves once the
   * values are in place: `stage`, `commitStaged`, `place` (header: why three steps, and what a crash
   * after each leaves). A failure before `commitIssued` leaves the object's values as they were (staged
   * chunks are dropped at the next start-up); after it, the caller must let no other operation run
   * (it resets the object, and start-up completes or drops the commit).
   */
  async commit(options: { alarmInMs?: number } = {}): Promise<Committed> {
    // Nothing changed: only KV's own values to remember, which need no commit.
    if (this.buffer.size === 0) {
      await this.rememberReadThroughs();
      return { written: [], markSets: [] };
    }
    const staged = await this.stage();
    const committed = await this.commitStaged(staged, options);
    await this.place(staged);
    return committed;
  }

  /** Step 1: the operation's values (and unremembered read-throughs) as chunks under a new commit id, a chunk per slice. */
  async stage(): Promise<Staged> {
    const values: [string, string | null][] = [];
    for (const [key, v] of this.readThrough) if (!this.buffer.has(key)) values.push([key, v]);
    for (const entry of this.buffer) values.push(entry);
    // Unique to this commit, sorting in commit order.
    const commitId = `${Date.now().toString().padStart(15, '0')}-${crypto.randomUUID()}`;
    const chunks = chunked(values).map((chunk, n) => ({ name: `${STAGE_PREFIX}${commitId}:${String(n).padStart(6, '0')}`, chunk }));
    await this.storage.put<CommitRecord>(COMMIT_PREFIX + commitId, { state: 'staging' });
    for (const { name, chunk } of chunks) {
      await this.budget.spend(UNITS_PER_CHUNK);
      await this.storage.put(name, chunk);
    }
    return { commitId, chunks };
  }

  /**
   * Step 2, the commit: one atomic storage write (operations issued without awaiting anything in
   * between are coalesced into a single transaction) of the commit record, the mark sets and the alarm.
   */
  async commitStaged(staged: Staged, options: { alarmInMs?: number } = {}): Promise<Committed> {
    this.commitIssued = true;
    const written = [...this.buffer.keys()];
    const entries: Record<string, CommitRecord | string[]> = { [COMMIT_PREFIX + staged.commitId]: { state: 'committed' } };
    // Set names are unique to this commit (never reused, so a set only ever empties). The store
    // generation gets a set of its own: it is mirrored last, once nothing else is dirty, and in a
    // shared set it would keep that set's other keys marked (re-sent after a crash) until then.
    const markSets: [string, string[]][] = [];
    const addSet = (keys: string[]) => {
      const name = `${DIRTY_SET_PREFIX}${staged.commitId}:${markSets.length}`;
      entries[name] = keys;
      markSets.push([name, keys]);
    };
    const others = written.filter((key) => key !== GENERATION_KEY);
    for (let i = 0; i < others.length; i += MARKS_PER_SET) addSet(others.slice(i, i + MARKS_PER_SET));
    if (others.length < written.length) addSet([GENERATION_KEY]);
    // The alarm is set in the same batch as the marks (nothing awaited in between), so no dirty mark is
    // ever committed without an alarm to mirror it.
    // Timed from the commit, not from the start of staging (which may take seconds).
    const alarm = options.alarmInMs !== undefined && written.length > 0 ? this.storage.setAlarm(Date.now() + options.alarmInMs) : undefined;
    await Promise.all([putAll(this.storage, entries), alarm]);
    return { written, markSets };
  }

  /** Step 3: the staged values into place, from memory, a chunk per slice; then the commit record goes. */
  async place(staged: Staged): Promise<void> {
    for (const { name, chunk } of staged.chunks) {
      await this.budget.spend(UNITS_PER_CHUNK);
      await placeChunk(this.storage, name, chunk);
    }
    await this.storage.delete(COMMIT_PREFIX + staged.commitId);
    this.buffer.clear();
    this.readThrough.clear();
  }
}

/** Puts many entries in batches, issued together so the output gate commits them as one transaction. */
export async function putAll(storage: DurableObjectStorage, entries: Record<string, unknown>): Promise<void> {
  const all = Object.entries(entries);
  const batches: Promise<void>[] = [];
  for (let i = 0; i < all.length; i += STORAGE_BATCH) batches.push(storage.put(Object.fromEntries(all.slice(i, i + STORAGE_BATCH))));
  await Promise.all(batches);
}
