/**
 * Committed writes reach KV by themselves, end to end: 40 concurrent publishes to the real worker
 * (`wrangler dev`), the runtime's whole process group killed mid-way, wrangler dev restarted on the
 * same state, and no request to the coordinator — only KV-reading routes are polled. Within 30 s
 * every committed article must be readable, nothing dirty, nothing torn (record and text agree).
 * The scenario itself is shared with `npm run bench faults` (bench/faults.bench.ts).
 */
import { rm } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { crashScenario } from '../../bench/faults.bench';
import { buildWorkerSnapshot } from '../../bench/worker-server';
import { freePort } from './harness';

test('kill the runtime mid-publish, restart, send nothing: within 30 s nothing is dirty and no article is torn', async () => {
  const dir = await buildWorkerSnapshot('e2e-crash-');
  try {
    const port = await freePort();
    await freePort(); // port + 1: the inspector (startWranglerDev puts it there); reserved so no other suite takes it
    const result = await crashScenario({ dir, port, token: 'e2e-crash-token', killAfter: { answers: 3 }, waitMs: 30_000, hardStop: Date.now() + 170_000 });
    expect(result.readable, 'articles committed before the kill').toBeGreaterThan(0);
    expect(result.torn).toEqual([]);
    expect(result.dirtyAfter).toBe(0);
    expect(result.drainSeconds).toBeLessThanOrEqual(30);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 180_000);
