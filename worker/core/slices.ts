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
 */

/**
 * One turn of the event loop: `setImmediate` where it exists (Node: runs right after pending I/O, no
 * 1 ms timer floor, so the CLI loses nothing), else `setTimeout(0)` (Workers: lets queued requests run).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
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
    const turn = yieldToEventLoop().then(() => {
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
    await yieldToEventLoop();
  }
}

/** Runs a sliced computation start to finish without yielding (callers that own the thread). */
export function runToEnd<T>(steps: Sliced<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
