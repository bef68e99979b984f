/**
 * IndexCoordinator: the one Durable Object through which every index-changing write (publish,
 * retract) goes. See docs/publish.md for the design, its limits and the consistency window.
 *
 * 1. Serialised: operations (publish, retract, put or retract a claim) run one at a time (an explicit queue — awaiting KV would otherwise let
 *    the next request interleave), each through the same ingestion library as the CLI, against a
 *    `CoordinatedKV` whose reads come from this object's strongly consistent storage.
 * 2. Atomic in the object: an operation's writes are committed to storage together, or not at all —
 *    staged in slices under a commit id, made an operation by one small atomic write (the commit
 *    record, the marks, the alarm), then put in place in slices before the next operation; start-up
 *    completes a committed one and drops an uncommitted one (coordinated-kv.ts).
 * 3. Mirrored to KV: changed keys are marked dirty and written to Workers KV by a mirror loop that
 *    writes each key at most once per second (KV's per-key write limit) — later changes to a hot
 *    posting list are coalesced into its next write — and retries on failure.
 * 4. Never stranded: the loop lives only as long as this instance, so an alarm is armed whenever
 *    dirty keys exist — in the same atomic storage write that commits them, and again on start-up
 *    when a previous instance left marks behind. A crash, a restart or an idle eviction therefore
 *    ends with the alarm waking a new instance, which drains the marks with no request needed.
 * 5. Text before record: a value of an article's (or claim's) record reaches KV only after every
 *    index key changed by the operation that wrote it, or an earlier one, is there, so a reader who
 *    can fetch that value finds its words by lookup — also while a restarted instance drains marks
 *    (records last) and while a hot posting list waits out its one-write-a-second pacing. (While a
 *    revision mirrors, the previous value is still the one in KV.)
 * 6. Generation last: every committed operation that changed anything also writes a fresh store
 *    generation (store/generation.ts), which every cached answer is checked against. The generation
 *    key is mirrored after every other key of its own and earlier operations: when several
 *    operations are in flight, it is written with the token of the newest operation whose keys (and
 *    all earlier operations' keys) are all in KV, so a reader who sees a generation finds that
 *    operation's words gone or present in KV, never a cached answer from before it. It is paced like
 *    any key (one write a second), so a burst of publishes costs one generation write a second.
 * 7. Bounded: a publish may change at most MAX_OPERATION_KEYS keys (refused before commit, never a
 *    retraction); the operation runs in slices — the object's KV spends a shared budget of work units
 *    (keys and kilobytes) and every concurrent chain waits for a turn of the event loop when it is
 *    spent (coordinated-kv.ts), then gives way for twice as long as others held the thread
 *    (core/slices.ts `yieldToOthers`) — and the mirror does the same between its groups of writes, so
 *    a large operation never holds the thread that lookups need for more than a slice: quotes are
 *    extracted a few paragraphs a slice, keys read through from KV are stored ahead of the commit a
 *    batch a slice (they need no atomicity), and the values are staged and put in place a chunk a
 *    slice around a commit whose size is its mark entries (one per 256 keys), not its values.
 *
 * Invariants: (a) dirty mark in storage ⇒ an alarm is armed (or the loop holding it is running
 * inside an alarm handler); (b) a key is marked clean only after KV holds its latest value, and a
 * stored mark set (a commit's keys, mark-sets.ts) is deleted only once each of its keys has reached KV
 * with a value at least as new as that commit's;
 * (c) nothing is ever acknowledged to a client before its writes are committed with their marks;
 * (d) a record key is written to KV only while no index key dirtied by the same or an earlier
 * operation is still dirty — the operation whose value it carries, its latest (`recordMayGo`, checked
 * again as each batch's values are read); (e) the generation key is written to KV only with the
 * token of an operation N such that no other key dirtied by an operation ≤ N is still dirty, and is
 * marked clean only when the token written is the latest committed one (`mirrorGeneration`); (f) a
 * committed operation's values are in place before any later operation reads the object and before
 * its keys are marked dirty in memory, and until then the mirror reads none of its keys' values, not
 * even of keys an earlier operation left dirty (`placing`, checked as each batch's values are read):
 * `commitOperation` places them before returning, resets the instance if that fails, and start-up
 * places any left before loading marks; (g) mirror rounds never overlap — a forced one (`flush`) waits
 * for the loop's — so no key has two writes in flight, and an older value never lands after a newer one.
 */
import { DurableObject } from 'cloudflare:workers';
import type { ArticleSource, ClaimSource } from '../core/types';
import { MAX_OPERATION_KEYS } from '../core/limits';
import { GENERATION_KEY, newGeneration } from '../store/generation';
import { KEY_PREFIX } from '../store/keys';
import { CoordinatedKV, DIRTY_PREFIX, DIRTY_SET_PREFIX, recoverCommits, VALUE_PREFIX } from './coordinated-kv';
import { MarkSets } from './mark-sets';
import { ensureLexicon } from '../lexicon-loader';
import { contention, yieldToOthers } from '../core/slices';
import { applyOperation, type CoordinatorOperation, type OperationReply, type OperationResult } from './operations';

/** KV accepts about one write per second to the same key. */
export const KV_KEY_WRITE_INTERVAL_MS = 1000;
/**
 * How long a publish or retraction waits for its keys (the generation last) to reach KV before
 * answering (then it reports them pending). A retraction's answer is the publisher's proof that the
 * words are gone where it was made, so it waits rather than answers early: in production ~650 keys
 * mirror in a second or two; under `wrangler dev` on a loaded machine a PolNeAR article took 10–25 s
 * (npm run bench costs), which 8 s cut short.
 */
export const MIRROR_WAIT_MS = 30_000;
/** KV writes per mirror round, well under the per-invocation operation limit. */
const MIRROR_ROUND_MAX = 400;
/**
 * Parallel KV writes within a batch (KV round trips overlap, so this is the mirror's throughput per
 * round trip in production). They are issued a few per turn of the event loop, not all at once: under
 * `wrangler dev` a KV write costs this thread a few milliseconds, and 32 issued together were a block
 * that held lookups at p99 ~260 ms while a large publish mirrored.
 */
const MIRROR_PARALLEL = 32;
/**
 * KV writes issued per turn of the event loop (see MIRROR_PARALLEL), each turn giving way to others
 * holding the thread (core/slices.ts): four is a ~10 ms burst under `wrangler dev`; two mirrored the
 * largest publish 1.7× slower there for no better lookup latency, and one (npm run bench faults, with
 * the staged commit) took 194 s after the commit instead of 85 s for control lookups at p50/p95/p99
 * 23/34/51 ms instead of 27/40/59 (38 and 34 at p99 in the two runs' baselines).
 */
const MIRROR_WRITES_PER_TURN = 4;
/**
 * When the alarm armed with a commit fires. Long enough that an ordinary publish's own mirror loop
 * has usually drained (and disarmed it) first; short enough that after a crash committed writes
 * reach KV within seconds. If it fires while the loop runs, it simply waits for the loop — which
 * also keeps the instance alive until the keys are out.
 */
export const MIRROR_ALARM_DELAY_MS = 2000;
/** Back-off before the alarm retries after KV refused writes (rate limit, outage). */
export const MIRROR_RETRY_MS = 5000;
export { MAX_OPERATION_KEYS };

export interface MirrorStatus {
  /** Keys changed by this operation that are not in KV yet (0 = everything visible at this location). */
  kvPending: number;
}

export type CoordinatorReply = (OperationResult & MirrorStatus) | { ok: false; status: 404 | 422; detail: string };

export interface CoordinatorStats {
  dirty: number;
  operations: number;
  kvWrites: number;
  kvWriteFailures: number;
  readThroughs: number;
  /** Slice boundaries at which requests held this isolate's thread, and the milliseconds rested after them (core/slices.ts). */
  contendedTurns: number;
  restedMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keys a reader fetches to see that an article or claim exists; mirrored after their index keys. */
const isRecordKey = (key: string) => key.startsWith(KEY_PREFIX.article) || key.startsWith(KEY_PREFIX.claim);
/** The store's generation: mirrored after everything else (invariant (e)). */
const isGenerationKey = (key: string) => key === GENERATION_KEY;
/** Index keys (posting lists, passages, excerpts …): mirrored first. */
const isIndexKey = (key: string) => !isRecordKey(key) && !isGenerationKey(key);

export class IndexCoordinator extends DurableObject<Env> {
  /** Tail of the operation queue. */
  private queue: Promise<unknown> = Promise.resolve();
  /** KV keys whose latest value is not in KV yet, with a version bumped on every write. */
  private readonly dirty = new Map<string, number>();
  private version = 0;
  /**
   * Per dirty key, the operation that first dirtied it since it was last clean (0 for marks a
   * previous instance left: their order is unknown, so every such index key goes before any record).
   */
  private readonly dirtySince = new Map<string, number>();
  /**
   * Per dirty key, the latest operation that dirtied it (0 likewise). A record goes by this one: the
   * value it will carry is the latest operation's, so it waits for that operation's index keys
   * (invariant (d)) — by `dirtySince` alone, a record revised while still dirty went out with the
   * revision as soon as the *first* operation's index keys were in KV.
   */
  private readonly dirtyLatest = new Map<string, number>();
  private operationSeq = 0;
  /** The generation token each operation committed, until a later one is in KV. */
  private readonly generationTokens = new Map<number, string>();
  /** The newest operation whose generation (or a later one) is in KV. */
  private generationInKv = 0;
  /** The stored marks, a set per commit chunk (mark-sets.ts): which entry to delete once its keys are in KV. */
  private readonly marks = new MarkSets();
  private readonly lastKvWrite = new Map<string, number>();
  private mirroring: Promise<void> | null = null;
  /**
   * The mirror round under way, if any: rounds run one at a time (g). A forced round beside the loop's
   * could write a key's newer value and mark it clean while the loop's older write was still on its
   * way, which then landed last and stayed.
   */
  private round: Promise<unknown> = Promise.resolve();
  /** Commits issued whose keys are not marked dirty in memory yet (the loop must not disarm meanwhile). */
  private committing = 0;
  /**
   * Keys of the operation being committed, from before its values are staged until its marks are in
   * memory: its values reach their place over many slices, and a key still dirty from an earlier
   * operation must not be mirrored meanwhile — that would send this operation's value (a record, say)
   * to KV before its own index keys are even marked (invariants (d), (e), (f)).
   */
  private placing: ReadonlySet<string> = new Set();
  private readonly waiters = new Set<() => void>();
  private readonly counters = { operations: 0, kvWrites: 0, kvWriteFailures: 0, readThroughs: 0 };
  /** MAX_OPERATION_KEYS; a field so a test can lower it instead of publishing 10,000 keys' worth of text. */
  private maxOperationKeys = MAX_OPERATION_KEYS;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A previous instance may have died with keys still to mirror: pick them up before any request.
    // The alarm wakes this new instance to write them, even if no request ever comes (an alarm
    // left by the commit is normally there already; marks left by an older version may have none).
    ctx.blockConcurrencyWhile(async () => {
      // A commit cut short while its values were moved into place is completed first (and one cut
      // short while staging is dropped): marks and reads below see every committed value.
      await recoverCommits(ctx.storage);
      for (const [name, keys] of await ctx.storage.list<string[]>({ prefix: DIRTY_SET_PREFIX })) {
        this.marks.add(name, keys);
        for (const key of keys) this.markDirty(key, 0);
      }
      // One mark per key, as versions before the mark sets wrote them: each is a set of one.
      for (const name of (await ctx.storage.list({ prefix: DIRTY_PREFIX })).keys()) {
        const key = name.slice(DIRTY_PREFIX.length);
        this.marks.add(name, [key]);
        this.markDirty(key, 0);
      }
      if (this.dirty.size > 0 && (await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
    });
  }

  /** Publishes (creates or replaces) one article. */
  publish(source: ArticleSource): Promise<CoordinatorReply> {
    return this.run({ kind: 'publish', source });
  }

  /** Removes one article with its excerpts and index entries. */
  retract(articleId: string): Promise<CoordinatorReply> {
    return this.run({ kind: 'retract', articleId });
  }

  /** Creates or replaces one claim with its reviews (`PUT /v1/claims/:id`). */
  putClaim(claim: ClaimSource & { id: string }): Promise<CoordinatorReply> {
    return this.run({ kind: 'put-claim', claim });
  }

  /** Removes one claim, its index entries and its summary on the excerpts that list it. */
  retractClaim(claimId: string): Promise<CoordinatorReply> {
    return this.run({ kind: 'retract-claim', claimId });
  }

  /**
   * Writes every dirty key it may to KV now, ignoring the per-key pacing, after the round under way
   * if any (tests, `wrangler dev`); returns how many are still dirty (records whose index keys failed, keys of a commit in progress).
   */
  async flush(): Promise<number> {
    await this.mirrorRound(true);
    return this.dirty.size;
  }

  stats(): CoordinatorStats {
    return { dirty: this.dirty.size, ...this.counters, ...contention };
  }

  /**
   * Armed whenever dirty keys exist: after a crash, a restart or an eviction it wakes a new instance
   * (whose constructor has loaded the marks); otherwise it finds the loop running or done. Waits
   * until everything is written, or the loop gave up on failing writes and re-armed it.
   */
  async alarm(): Promise<void> {
    await this.mirror();
  }

  private async run(op: CoordinatorOperation): Promise<CoordinatorReply> {
    await ensureLexicon(this.env.ASSETS); // differences are classified at ingest (worker/lexicon-loader.ts)
    const { reply, written, operation } = await this.exclusive(() => this.commitOperation(op));
    if (!reply.ok) return reply;
    void this.mirror();
    const kvPending = await this.waitMirrored(written, operation, MIRROR_WAIT_MS);
    return { ...reply, kvPending };
  }

  /**
   * Applies one operation and commits its writes, their dirty marks and the alarm that will mirror
   * them (atomically: coordinated-kv.ts `commit`), with the values in place when it returns.
   * Mirroring is left to the caller (`run` starts the loop; a crash right after this leaves the alarm
   * to do it).
   */
  private async commitOperation(op: CoordinatorOperation): Promise<{ reply: OperationReply; written: string[]; operation: number }> {
    const kv = new CoordinatedKV(this.ctx.storage, this.env.QS_KV);
    const reply = await applyOperation(kv, op);
    this.counters.operations++;
    this.counters.readThroughs += kv.readThroughs;
    if (!reply.ok) return { reply, written: [], operation: 0 };
    // Publishes only: a retraction must always be possible, even of a long text loaded by the CLI.
    if (op.kind === 'publish' && kv.pendingWrites > this.maxOperationKeys) {
      // Nothing is committed: the buffered writes are dropped with `kv`.
      const detail = `this article would change ${kv.pendingWrites.toLocaleString('en')} index keys; one publish may change at most ${this.maxOperationKeys.toLocaleString('en')} (publish a long text as several articles, or load it with npm run ingest)`;
      return { reply: { ok: false, status: 422, detail }, written: [], operation: 0 };
    }
    // Anything readers can see changed: a new generation, committed with it (invariant (e) orders its mirroring).
    const generation = kv.changed ? newGeneration() : undefined;
    if (generation) await kv.put(GENERATION_KEY, generation);
    // Cached KV values first, in slices (coordinated-kv.ts: why they need no atomicity), then the commit.
    await kv.rememberReadThroughs();
    // Until its keys are marked below: `committing` stops the mirror loop from disarming the alarm this
    // commit arms (mirrorLoop), and `placing` from reading any of their values — some may be dirty from
    // an earlier operation — while this one's go into place (invariant (f)).
    this.committing++;
    this.placing = new Set(kv.changedKeys());
    try {
      let committed: Awaited<ReturnType<CoordinatedKV['commit']>>;
      try {
        committed = await kv.commit({ alarmInMs: MIRROR_ALARM_DELAY_MS });
      } catch (err) {
        // Failed once the commit record was on its way: the operation may be committed with its values
        // half in place, which no other operation may read. The instance is reset; the next one
        // completes or drops the commit on start-up (recoverCommits). Before that, nothing committed.
        if (kv.commitIssued) this.ctx.abort(`commit failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      const { written, markSets } = committed;
      for (const [name, keys] of markSets) this.marks.add(name, keys);
      const operation = ++this.operationSeq;
      for (const key of written) this.markDirty(key, operation);
      if (generation) this.generationTokens.set(operation, generation);
      return { reply, written, operation };
    } finally {
      this.placing = new Set();
      this.committing--;
    }
  }

  private markDirty(key: string, operation: number): void {
    this.dirty.set(key, ++this.version);
    if (!this.dirtySince.has(key)) this.dirtySince.set(key, operation);
    this.dirtyLatest.set(key, operation);
  }

  private markClean(key: string): void {
    this.dirty.delete(key);
    this.dirtySince.delete(key);
    this.dirtyLatest.delete(key);
  }

  /** The earliest operation that dirtied an index key still dirty (Infinity when none is). */
  private oldestDirtyIndexOperation(): number {
    let oldest = Infinity;
    for (const [key, since] of this.dirtySince) if (isIndexKey(key) && since < oldest) oldest = since;
    return oldest;
  }

  /**
   * Invariant (d): whether a record may be written now — no index key dirtied by the operation whose
   * value it carries (its latest) or an earlier one is still dirty. A later operation's index keys
   * never hold it back, so a stream of publishes cannot starve it.
   */
  private recordMayGo(key: string, oldestIndex = this.oldestDirtyIndexOperation()): boolean {
    return (this.dirtyLatest.get(key) ?? 0) < oldestIndex;
  }

  /** The dirty keys that may be written now, index keys first, records only by `recordMayGo`. */
  private writableInOrder(keys: string[]): string[] {
    const oldestIndex = this.oldestDirtyIndexOperation();
    return [...keys.filter(isIndexKey), ...keys.filter((k) => isRecordKey(k) && this.recordMayGo(k, oldestIndex))];
  }

  /** Runs `fn` after every earlier operation has finished (whether it succeeded or not). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Resolves with how many of `keys` (written by `operation`) are still not in KV once all are or
   * `timeoutMs` passed. The generation counts as out once this operation's token or a later one is.
   */
  private async waitMirrored(keys: string[], operation: number, timeoutMs: number): Promise<number> {
    const pending = () => keys.filter((k) => (isGenerationKey(k) ? this.generationInKv < operation : this.dirty.has(k))).length;
    const deadline = Date.now() + timeoutMs;
    while (pending() > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(10, deadline - Date.now()));
        this.waiters.add(wake);
      });
    }
    return pending();
  }

  /** Starts the mirror loop unless it is running (a single loop, so rounds never overlap). */
  private mirror(): Promise<void> {
    if (this.mirroring) return this.mirroring;
    // A commit in flight counts: an alarm it armed may fire before its keys are marked (a large commit
    // takes seconds), and must then wait for them rather than end — an alarm that ends is spent.
    if (this.dirty.size === 0 && this.committing === 0) return Promise.resolve();
    // `.finally` runs on a later microtask, so the loop is registered before it can clear itself.
    const loop = this.mirrorLoop().finally(() => {
      this.mirroring = null;
    });
    this.mirroring = loop;
    return loop;
  }

  /** Rounds until nothing is dirty, pacing each key to one write a second. */
  private async mirrorLoop(): Promise<void> {
    for (;;) {
      while (this.dirty.size > 0) {
        const failures = await this.mirrorRound(false);
        if (failures > 0) {
          // KV is refusing writes (rate limit, outage): back off and let the alarm retry.
          await this.ctx.storage.setAlarm(Date.now() + MIRROR_RETRY_MS);
          return;
        }
        if (this.dirty.size > 0) await sleep(this.nextDueIn());
      }
      // A commit in flight has armed the alarm but not marked its keys yet: disarming now would strand
      // them (and `run` would find this loop still registered, so none would start). Mirror them too.
      if (this.committing > 0) {
        await sleep(20);
        continue;
      }
      // Nothing left to strand: disarm (checked and issued with no await in between, so a commit that
      // starts later re-arms after this).
      await this.ctx.storage.deleteAlarm();
      return;
    }
  }

  private nextDueIn(): number {
    const now = Date.now();
    let soonest = KV_KEY_WRITE_INTERVAL_MS;
    const oldestIndex = this.oldestDirtyIndexOperation();
    for (const key of this.dirty.keys()) {
      // A generation waiting for other keys is due when they are, not by its own pacing; so is a record
      // waiting for its index keys (`recordMayGo`), and a key whose value is going into place: counted
      // as due now, they woke the loop every 20 ms to find nothing to write.
      if (isGenerationKey(key) && this.dirty.size > 1) continue;
      if ((isRecordKey(key) && !this.recordMayGo(key, oldestIndex)) || this.placing.has(key)) continue;
      const wait = (this.lastKvWrite.get(key) ?? 0) + KV_KEY_WRITE_INTERVAL_MS - now;
      soonest = Math.min(soonest, Math.max(0, wait));
    }
    return Math.max(20, soonest);
  }

  /** Writes the dirty keys that are due, once any round under way has ended (g); returns the number of failed writes. */
  private mirrorRound(force: boolean): Promise<number> {
    const round = this.round.then(() => this.writeDue(force));
    this.round = round.catch(() => {});
    return round;
  }

  private async writeDue(force: boolean): Promise<number> {
    const now = Date.now();
    const paced = [...this.dirty.keys()].filter(
      (k) => !isGenerationKey(k) && !this.placing.has(k) && (force || now - (this.lastKvWrite.get(k) ?? 0) >= KV_KEY_WRITE_INTERVAL_MS),
    );
    // A forced round writes every key it may, index keys first, then the records they no longer hold
    // back (checked per batch, below); a paced one leaves out the records held back at its start (d).
    // The generation is never in a batch: it goes after the round's writes (e).
    const due = force ? [...paced.filter(isIndexKey), ...paced.filter(isRecordKey)] : this.writableInOrder(paced).slice(0, MIRROR_ROUND_MAX);
    let failures = 0;
    for (let i = 0; i < due.length; ) {
      // A batch is written in parallel, so it never mixes index keys with the records they gate.
      let end = Math.min(i + MIRROR_PARALLEL, due.length);
      const firstRecord = due.findIndex((k, at) => at >= i && at < end && isRecordKey(k));
      if (firstRecord > i) end = firstRecord;
      // Checked again as the batch's values are read (nothing awaited in between): while earlier batches
      // were written, an operation may have committed. Its keys are left alone while its values go
      // into place (`placing`), and a record it revised waits for its index keys (`recordMayGo`) —
      // which in a forced round are the ones already written by this round's earlier batches.
      const oldestIndex = isRecordKey(due[i]) ? this.oldestDirtyIndexOperation() : Infinity;
      const batch = due.slice(i, end).filter((k) => this.dirty.has(k) && !this.placing.has(k) && (!isRecordKey(k) || this.recordMayGo(k, oldestIndex)));
      i = end;
      if (batch.length === 0) continue;
      const versions = new Map(batch.map((k) => [k, this.dirty.get(k)]));
      // The operation whose value each key's write carries: the latest to dirty it, as the values are read now.
      const carried = new Map(batch.map((k) => [k, this.dirtyLatest.get(k) ?? 0]));
      // Captured with the versions, before the values are read (mark-sets.ts: why that is safe).
      const holding = new Map(batch.map((k) => [k, this.marks.holdingOf(k)]));
      const entries = await this.ctx.storage.get<{ v: string | null }>(batch.map((k) => VALUE_PREFIX + k));
      const emptied: string[] = [];
      const writes: Promise<void>[] = [];
      const writeOne = async (key: string) => {
        const value = entries.get(VALUE_PREFIX + key)?.v ?? null;
        try {
          if (value === null) await this.env.QS_KV.delete(key);
          else await this.env.QS_KV.put(key, value);
          this.lastKvWrite.set(key, Date.now());
          this.counters.kvWrites++;
          // Clean only if nobody changed the key while we were writing the older value (a commit that
          // did has its own mark set, which keeps the key marked in storage).
          if (this.dirty.get(key) === versions.get(key)) this.markClean(key);
          // Changed meanwhile: still dirty, but only by operations after the one whose value KV now has,
          // so that one's records and generation no longer wait for this key's next write (a hot posting
          // list rewritten by a stream of publishes would otherwise hold them back for as long).
          else this.dirtySince.set(key, Math.max(this.dirtySince.get(key) ?? 0, (carried.get(key) ?? 0) + 1));
          emptied.push(...this.marks.settle(key, holding.get(key) ?? []));
        } catch (err) {
          failures++;
          this.counters.kvWriteFailures++;
          console.warn('KV mirror write failed; will retry', key, err);
        }
      };
      // A few writes issued per turn of the event loop (MIRROR_WRITES_PER_TURN: why); all run in parallel.
      for (let k = 0; k < batch.length; k++) {
        writes.push(writeOne(batch[k]));
        if ((k + 1) % MIRROR_WRITES_PER_TURN === 0) await yieldToOthers();
      }
      await Promise.all(writes);
      // The mark sets this batch emptied, in one storage write. A crash before it only means their keys
      // are written to KV once more.
      for (let k = 0; k < emptied.length; k += 128) await this.ctx.storage.delete(emptied.slice(k, k + 128));
      for (const wake of [...this.waiters]) wake();
      // A slice boundary like the ones inside the batch: lookups sharing the thread go first.
      if (!force && i < due.length) await yieldToOthers();
    }
    failures += await this.mirrorGeneration(force);
    this.pruneWriteTimes();
    return failures;
  }

  /**
   * Invariant (e): writes the newest generation token whose operation and every earlier one have all
   * their other keys in KV (the latest committed token when nothing else is dirty); the key is marked
   * clean only when that is the latest. Returns the number of failed writes (0 or 1).
   */
  private async mirrorGeneration(force: boolean): Promise<number> {
    const version = this.dirty.get(GENERATION_KEY);
    // Being committed anew: its stored value may already be the new operation's token (see `placing`).
    if (version === undefined || this.placing.has(GENERATION_KEY)) return 0;
    if (!force && Date.now() - (this.lastKvWrite.get(GENERATION_KEY) ?? 0) < KV_KEY_WRITE_INTERVAL_MS) return 0;
    let oldestOther = Infinity;
    for (const [key, since] of this.dirtySince) if (!isGenerationKey(key) && since < oldestOther) oldestOther = since;
    let token: string | undefined;
    let through = 0;
    if (oldestOther === Infinity) {
      // Nothing else is dirty: the latest committed token (from storage after a restart, when no token map survives).
      through = this.operationSeq;
      token = this.generationTokens.get(through);
      if (token === undefined) {
        token = (await this.ctx.storage.get<{ v: string | null }>(VALUE_PREFIX + GENERATION_KEY))?.v ?? undefined;
        // An operation committed while we read: its keys are dirty now; the next round decides.
        if (this.dirty.get(GENERATION_KEY) !== version) return 0;
      }
    } else {
      for (const [operation, t] of this.generationTokens) if (operation < oldestOther && operation > through) [through, token] = [operation, t];
    }
    if (token === undefined || (through <= this.generationInKv && oldestOther !== Infinity)) return 0;
    try {
      await this.env.QS_KV.put(GENERATION_KEY, token);
    } catch (err) {
      this.counters.kvWriteFailures++;
      console.warn('KV mirror write of the generation failed; will retry', err);
      return 1;
    }
    this.lastKvWrite.set(GENERATION_KEY, Date.now());
    this.counters.kvWrites++;
    this.generationInKv = Math.max(this.generationInKv, through);
    for (const operation of [...this.generationTokens.keys()]) if (operation <= through) this.generationTokens.delete(operation);
    // Clean only if this was the latest token and no operation committed a newer one meanwhile.
    if (oldestOther === Infinity && this.dirty.get(GENERATION_KEY) === version) {
      this.markClean(GENERATION_KEY);
      // The latest token is in KV, so every set holding the generation is settled for it.
      const emptied = this.marks.settle(GENERATION_KEY, this.marks.holdingOf(GENERATION_KEY));
      if (emptied.length) await this.ctx.storage.delete(emptied);
    }
    for (const wake of [...this.waiters]) wake();
    return 0;
  }

  /** Keeps the pacing map small: entries older than the interval no longer matter. */
  private pruneWriteTimes(): void {
    if (this.lastKvWrite.size < 10_000) return;
    const cutoff = Date.now() - KV_KEY_WRITE_INTERVAL_MS;
    for (const [key, at] of this.lastKvWrite) if (at < cutoff) this.lastKvWrite.delete(key);
  }
}

export { coordinatorFor } from './client';
