/**
 * IndexCoordinator: the one Durable Object through which every index-changing write (publish,
 * retract) goes. See docs/publish.md for the design, its limits and the consistency window.
 *
 * 1. Serialised: operations (publish, retract, put or retract a claim) run one at a time (an explicit queue — awaiting KV would otherwise let
 *    the next request interleave), each through the same ingestion library as the CLI, against a
 *    `CoordinatedKV` whose reads come from this object's strongly consistent storage.
 * 2. Atomic in the object: an operation's writes are committed to storage together, or not at all.
 * 3. Mirrored to KV: changed keys are marked dirty and written to Workers KV by a mirror loop that
 *    writes each key at most once per second (KV's per-key write limit) — later changes to a hot
 *    posting list are coalesced into its next write — retries on failure, and is backed by an alarm
 *    so a restart never strands a dirty key.
 */
import { DurableObject } from 'cloudflare:workers';
import type { ArticleSource, ClaimSource } from '../core/types';
import { CoordinatedKV, DIRTY_PREFIX, VALUE_PREFIX } from './coordinated-kv';
import { applyOperation, type CoordinatorOperation, type OperationResult } from './operations';

/** KV accepts about one write per second to the same key. */
export const KV_KEY_WRITE_INTERVAL_MS = 1000;
/** How long a publish waits for its keys to reach KV before answering (then reports them pending). */
export const MIRROR_WAIT_MS = 8000;
/** KV writes per mirror round, well under the per-invocation operation limit. */
const MIRROR_ROUND_MAX = 400;
/** Parallel KV writes within a round. */
const MIRROR_PARALLEL = 32;

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
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class IndexCoordinator extends DurableObject<Env> {
  /** Tail of the operation queue. */
  private queue: Promise<unknown> = Promise.resolve();
  /** KV keys whose latest value is not in KV yet, with a version bumped on every write. */
  private readonly dirty = new Map<string, number>();
  private version = 0;
  private readonly lastKvWrite = new Map<string, number>();
  private mirroring: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly counters = { operations: 0, kvWrites: 0, kvWriteFailures: 0, readThroughs: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A previous instance may have died with keys still to mirror: pick them up before any request.
    ctx.blockConcurrencyWhile(async () => {
      const marks = await ctx.storage.list({ prefix: DIRTY_PREFIX });
      for (const name of marks.keys()) this.dirty.set(name.slice(DIRTY_PREFIX.length), ++this.version);
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

  /** Writes every dirty key to KV now, ignoring the per-key pacing (tests, `wrangler dev`). */
  async flush(): Promise<number> {
    await this.mirrorRound(true);
    return this.dirty.size;
  }

  stats(): CoordinatorStats {
    return { dirty: this.dirty.size, ...this.counters };
  }

  /** Backup for the mirror loop: runs after a restart or when the loop gave up on failing writes. */
  async alarm(): Promise<void> {
    await this.mirror();
  }

  private async run(op: CoordinatorOperation): Promise<CoordinatorReply> {
    const done = this.exclusive(async () => {
      const kv = new CoordinatedKV(this.ctx.storage, this.env.QS_KV);
      const reply = await applyOperation(kv, op);
      this.counters.operations++;
      this.counters.readThroughs += kv.readThroughs;
      if (!reply.ok) return { reply, written: [] as string[] };
      const written = await kv.commit();
      for (const key of written) this.dirty.set(key, ++this.version);
      return { reply, written };
    });
    const { reply, written } = await done;
    if (!reply.ok) return reply;
    void this.mirror();
    const kvPending = await this.waitMirrored(written, MIRROR_WAIT_MS);
    return { ...reply, kvPending };
  }

  /** Runs `fn` after every earlier operation has finished (whether it succeeded or not). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Resolves with how many of `keys` are still dirty once all are mirrored or `timeoutMs` passed. */
  private async waitMirrored(keys: string[], timeoutMs: number): Promise<number> {
    const pending = () => keys.filter((k) => this.dirty.has(k)).length;
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
    if (this.dirty.size === 0) return Promise.resolve();
    // `.finally` runs on a later microtask, so the loop is registered before it can clear itself.
    const loop = this.mirrorLoop().finally(() => {
      this.mirroring = null;
    });
    this.mirroring = loop;
    return loop;
  }

  /** Rounds until nothing is dirty, pacing each key to one write a second. */
  private async mirrorLoop(): Promise<void> {
    while (this.dirty.size > 0) {
      const failures = await this.mirrorRound(false);
      if (failures > 0) {
        // KV is refusing writes (rate limit, outage): back off and let the alarm retry.
        await this.ctx.storage.setAlarm(Date.now() + 5000);
        return;
      }
      if (this.dirty.size > 0) await sleep(this.nextDueIn());
    }
  }

  private nextDueIn(): number {
    const now = Date.now();
    let soonest = KV_KEY_WRITE_INTERVAL_MS;
    for (const key of this.dirty.keys()) {
      const wait = (this.lastKvWrite.get(key) ?? 0) + KV_KEY_WRITE_INTERVAL_MS - now;
      soonest = Math.min(soonest, Math.max(0, wait));
    }
    return Math.max(20, soonest);
  }

  /** Writes the dirty keys that are due; returns the number of failed writes. */
  private async mirrorRound(force: boolean): Promise<number> {
    const now = Date.now();
    const due = [...this.dirty.keys()]
      .filter((k) => force || now - (this.lastKvWrite.get(k) ?? 0) >= KV_KEY_WRITE_INTERVAL_MS)
      .slice(0, force ? undefined : MIRROR_ROUND_MAX);
    let failures = 0;
    for (let i = 0; i < due.length; i += MIRROR_PARALLEL) {
      const batch = due.slice(i, i + MIRROR_PARALLEL);
      const versions = new Map(batch.map((k) => [k, this.dirty.get(k)]));
      const entries = await this.ctx.storage.get<{ v: string | null }>(batch.map((k) => VALUE_PREFIX + k));
      await Promise.all(
        batch.map(async (key) => {
          const value = entries.get(VALUE_PREFIX + key)?.v ?? null;
          try {
            if (value === null) await this.env.QS_KV.delete(key);
            else await this.env.QS_KV.put(key, value);
            this.lastKvWrite.set(key, Date.now());
            this.counters.kvWrites++;
            // Clean only if nobody changed the key while we were writing the older value.
            if (this.dirty.get(key) === versions.get(key)) {
              this.dirty.delete(key);
              await this.ctx.storage.delete(DIRTY_PREFIX + key);
            }
          } catch (err) {
            failures++;
            this.counters.kvWriteFailures++;
            console.warn('KV mirror write failed; will retry', key, err);
          }
        }),
      );
      for (const wake of [...this.waiters]) wake();
    }
    this.pruneWriteTimes();
    return failures;
  }

  /** Keeps the pacing map small: entries older than the interval no longer matter. */
  private pruneWriteTimes(): void {
    if (this.lastKvWrite.size < 10_000) return;
    const cutoff = Date.now() - KV_KEY_WRITE_INTERVAL_MS;
    for (const [key, at] of this.lastKvWrite) if (at < cutoff) this.lastKvWrite.delete(key);
  }
}

/** The coordinator instance. One object for the whole index: see docs/publish.md "Why one object". */
export const coordinatorFor = (env: { INDEX_COORDINATOR: DurableObjectNamespace<IndexCoordinator> }) =>
  env.INDEX_COORDINATOR.getByName('index');
