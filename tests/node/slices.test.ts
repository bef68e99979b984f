/**
 * Cooperative slicing (worker/core/slices.ts): a job shares the thread in bounded slices, and gives way
 * for longer when others were holding the thread. Asserted by what ran and what was counted, not by
 * how fast anything was (a busy loop stands in for another request holding the thread).
 */
import { describe, expect, test } from 'vitest';
import {
  CONTENDED_REST_FACTOR,
  CONTENDED_REST_MAX_MS,
  contention,
  runSliced,
  runToEnd,
  SliceBudget,
  type Sliced,
  yieldToOthers,
} from '../../worker/core/slices';

/** Holds the thread for `ms` (what a request being answered does to a job sharing it). */
const hold = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
};

function* countTo(n: number): Sliced<number> {
  let total = 0;
  for (let i = 1; i <= n; i++) {
    total += i;
    if (i % 10 === 0) yield;
  }
  return total;
}

describe('slices', () => {
  test('a sliced computation gives the same result run with turns of the event loop or start to finish', async () => {
    let yields = 0;
    expect(await runSliced(countTo(100), () => yields++)).toBe(runToEnd(countTo(100)));
    expect(yields).toBe(10);
  });

  test('a budget shared by concurrent chains: when the slice is spent, every chain waits for the same turn', async () => {
    const budget = new SliceBudget(8);
    const order: string[] = [];
    let otherRan = false;
    setImmediate(() => {
      otherRan = true;
    });
    const chain = async (name: string) => {
      for (let i = 0; i < 4; i++) {
        await budget.spend(1);
        order.push(`${name}${i}${otherRan ? '+' : ''}`);
      }
    };
    await Promise.all([chain('a'), chain('b'), chain('c')]);
    // 12 units at 8 a slice: the first 7 steps run before anything else, the rest after the other work ran.
    expect(order.filter((s) => !s.endsWith('+'))).toHaveLength(7);
    expect(budget.yields).toBe(1);
  });

  test('with the thread to itself, a job does not rest after its own slices, however long', async () => {
    const before = { ...contention };
    for (let i = 0; i < 5; i++) {
      hold(10); // the job's own slice: not contention
      await yieldToOthers();
    }
    // Counting its own 10 ms slices would make all five contended; the test runner's own messages may
    // rarely land in a probe turn, so a margin of two.
    expect(contention.contendedTurns - before.contendedTurns).toBeLessThanOrEqual(2);
  });

  test('a turn that comes back late (others held the thread) is followed by a rest, bounded', async () => {
    const before = { ...contention };
    // Another "request" holds the thread for 15 ms during the job's second, empty turn (the probe:
    // yieldToOthers measures only that turn, not the job's own work before it).
    setImmediate(() => setImmediate(() => hold(15)));
    const started = Date.now();
    await yieldToOthers();
    const took = Date.now() - started;
    expect(contention.contendedTurns).toBe(before.contendedTurns + 1);
    const rested = contention.restedMs - before.restedMs;
    expect(rested).toBeGreaterThanOrEqual(Math.min(CONTENDED_REST_MAX_MS, 15 * CONTENDED_REST_FACTOR));
    expect(rested).toBeLessThanOrEqual(CONTENDED_REST_MAX_MS);
    // The rest is really taken: the job came back after the other work and its rest.
    expect(took).toBeGreaterThanOrEqual(15 + rested - 2);
  });
});
