/**
 * A large publish runs in slices (worker/coordinator/coordinated-kv.ts): lookups, `/healthz` and the
 * coordinator's own status are answered while the operation is being applied, not after it. Asserted
 * by the order of events — how many answers came back before the operation was committed — never by
 * time. The article is made up: invented words, so its index keys are its own.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { coordinatorFor } from '../../worker/coordinator/index-coordinator';
import type { ArticleSource } from '../../worker/core/types';
import { request } from './publish-helpers';

const SYLLABLES = ['ka', 'lo', 'mi', 'ru', 'te', 'va', 'no', 'si', 'pe', 'da', 'fu', 'gi', 'ho', 'zu', 'be', 'wa'];

/** A made-up word per number: distinct numbers give distinct words. */
const word = (n: number) => {
  let out = '';
  for (let k = n + 17; k > 0; k = Math.floor(k / SYLLABLES.length)) out += SYLLABLES[k % SYLLABLES.length];
  return out;
};

/** An article of `paragraphs` paragraphs of invented words: thousands of index keys, well under the limit. */
function largeArticle(id: string, paragraphs: number): ArticleSource & { id: string } {
  const body = Array.from({ length: paragraphs }, (_, p) => `${Array.from({ length: 40 }, (_, w) => word(p * 53 + w * 7)).join(' ')}.`).join('\n\n');
  return { id, title: 'A long report in an invented language', body, kind: 'report' };
}

describe('a large publish is applied in slices', () => {
  it('lookups, /healthz and the status route are answered while it is being applied', async () => {
    const coordinator = coordinatorFor(env);
    const before = (await coordinator.stats()).operations;
    let settled = false;
    const publishing = coordinator.publish(largeArticle('slicing-large', 25)).finally(() => {
      settled = true;
    });
    // Until the coordinator reports the operation applied (committed), ask for other things in turn
    // (ten rounds answered while it is still being applied are plenty).
    let answeredWhileApplying = 0;
    for (let i = 0; !settled && answeredWhileApplying < 10; i++) {
      if ((await coordinator.stats()).operations > before) break;
      const lookup = await request(`/v1/lookup?q=${encodeURIComponent(`the harbour ferry timetable ${i}`)}`);
      expect(lookup.status).toBe(200);
      const health = await request('/healthz');
      expect(health.status).toBe(200);
      if ((await coordinator.stats()).operations === before) answeredWhileApplying++;
    }
    const reply = await publishing;
    expect(reply).toMatchObject({ ok: true, status: 'created' });
    expect((reply as { report: { keysWritten: number } }).report.keysWritten).toBeGreaterThan(500);
    // Held for the whole operation, every answer above would have come after it (none while applying).
    expect(answeredWhileApplying).toBeGreaterThanOrEqual(3);
  });
});
