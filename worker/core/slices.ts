/**
 * Cooperative slicing: long work split into bounded synchronous slices with a turn of the event loop
 * between them, so whatever else shares the thread (a lookup, `/healthz`) runs between two slices
 * instead of after the whole job.
 *
 * Why by work units and not by the clock: in Workers (and workerd under `wrangler dev`) `Date.now()`
 * and `performance.now()` do not advance while JavaScript runs — only across I/O — so a slice cannot
 * time itself. Each caller counts what it does (storage operations, kilobytes parsed, nodes walked)
 * and names beside its bound why that many units is a few milliseconds.
 *
 * Two shapes:
 * - `SliceBudget`: shared by concurrent chains of one job. When the slice is spent, *every* chain that
 *   asks to go on waits for the same turn of the event loop — one chain yielding alone would let the
 *   others go on in microtasks, and the thread would only be released once all of them had yielded.
 * - generators (`runSliced` / `runToEnd`): a pure computation written as `function*` that `yield`s
 *   between slices; the async runner turns each yield into a turn of the event loop, the sync runner
 *   ignores them (the CLI and tests, which have the thread to themselves, get the same code and result).
 *
 * Giving way: a turn of the event loop lets a waiting request *start*, but a lookup needs several
 * turns (its KV reads, its answer), and the next slice would run in between. So at each boundary the
 * job also probes, with an empty turn, whether others are holding the thread, and if they held it
 * CONTENDED_LAG_MS or more, rests twice as long before its next slice (`yieldToOthers`). Where the job
 * has the thread to itself (the CLI; in production, a Durable Object's isolate not serving requests)
 * the probe finds nothing and it never rests; under `wrangler dev`, where the coordinator, the local
 * KV and every request share one thread, background work then takes at most about a third of the
 * thread while others want it (npm run bench faults).
 */

/**
 * One turn of the event loop: `setImmediate` where it exists (Node: runs right after pending I/O, no
 * 1 ms timer floor, so the CLI loses nothing), else `setTimeout(0)` (Workers: lets queued requests run).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * A turn whose callback came back this late (ms) was contended: others ran meanwhile. Below it, the
 * lag is the event loop's own (timers have ~1 ms resolution here, `setImmediate` far less in Node).
 */
export const CONTENDED_LAG_MS = 2;
/**
 * Rest after a contended turn, as a multiple of its lag: the job then runs at most a third of the time
 * others want the thread. Under `wrangler dev`, while the largest publish was applied and mirrored,
 * lookups not touching its words went from p50/p99 23/37 ms to 29/58 (at 1fc7ac0, when the commit was
 * still one block; bench/RESULTS.faults.md has the current figures), where without giving way p99 was ~90 ms. 3 was tried with an earlier form of the probe (one that also
 * counted the job's own slice): no better p99, and mirroring 1.7× slower.
 */
export const CONTENDED_REST_FACTOR = 2;
/** Longest rest after one contended turn: a steady stream of requests slows background work, never stops it. */
export const CONTENDED_REST_MAX_MS = 50;

/**
 * Slice boundaries at which this isolate's background work found the thread busy, and the time it
 * rested after them (status routes, benches). Busy with anything else: requests, and under
 * `wrangler dev` the local KV processing writes, the other worker, another job of this isolate.
 */
export const contention = { contendedTurns: 0, restedMs: 0 };

/**
 * A turn of the event loop; then, if others are holding the thread, a rest twice as long as they held
 * it (bounded). Contention is probed with a second, empty turn right after the first: where the clock
 * stands still while JavaScript runs (Workers, workerd), the first turn's lag would also count the
 * job's own slice since the last I/O, and it would rest after every slice even with the thread to
 * itself; the empty turn's lag is only what others ran in between (and 0 where timers do not move
 * the clock, so it then never rests).
 */
export async function yieldToOthers(): Promise<void> {
  await yieldToEventLoop();
  const before = Date.now();
  await yieldToEventLoop();
  const lag = Date.now() - before;
  if (lag < CONTENDED_LAG_MS) return;
  const rest = Math.min(CONTENDED_REST_MAX_MS, lag * CONTENDED_REST_FACTOR);
  contention.contendedTurns++;
  contention.restedMs += rest;
  await new Promise((resolve) => setTimeout(resolve, rest));
}

/** A budget of work units per slice, shared by every concurrent chain of one job. */
export class SliceBudget {
  private spent = 0;
  private turn: Promise<void> | null = null;
  /** Turns of the event loop this budget has given away (tests and benches read it). */
  yields = 0;

  constructor(private readonly unitsPerSlice: number) {}

  /** Counts `units` of work; when the slice is spent, waits (with every other chain) for the next turn. */
  async spend(units = 1): Promise<void> {
    while (this.turn) await this.turn;
    this.spent += units;
    if (this.spent < this.unitsPerSlice) return;
    this.yields++;
    const turn = yieldToOthers().then(() => {
      this.spent = 0;
      this.turn = null;
    });
    this.turn = turn;
    await turn;
  }
}

/** A computation that yields between its slices (the yielded value is ignored). */
export type Sliced<T> = Generator<unknown, T, void>;

/** Runs a sliced computation with a turn of the event loop at every yield. */
export async function runSliced<T>(steps: Sliced<T>, onYield?: () => void): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    onYield?.();
    await yieldToOthers();
  }
}

/** Runs a sliced computation start to finish without yielding (callers that own the thread). */
export function runToEnd<T>(steps: Sliced<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
