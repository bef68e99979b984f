/**
 * HostGate: one Durable Object per host name, so every consumer invocation anywhere shares one
 * clock per host (the politeness limit holds however many queue consumers run at once).
 *
 * Invariants:
 *  - `reserve` grants at most one request per `intervalMs`; the object is single-threaded and the
 *    method does no I/O, so two callers are never granted the same moment. Waiters ask again when
 *    told to (no queue: under contention the order is not first-come, but the rate always holds).
 *  - The slot clock is in memory: an evicted object forgets it, which at worst lets one request
 *    through early after the host has been idle long enough for the object to be evicted (seconds
 *    without requests), i.e. never faster than the limit in practice.
 *  - robots.txt records are stored (they outlive the instance) and read by the fetcher's TTL.
 */
import { DurableObject } from 'cloudflare:workers';
import type { HostPacer, RobotsRecord } from './fetcher';
import type { IngestEnv } from './env';

export class HostGate extends DurableObject<IngestEnv> {
  private nextSlot = 0;

  /**
   * 0 = the slot is granted now (send the request at once; the next grant is `intervalMs` later);
   * otherwise the milliseconds to wait before asking again. Granting at send time, not booking a
   * future slot, keeps a caller that was slow to send from squeezing the next one's gap.
   */
  reserve(intervalMs: number): number {
    const now = Date.now();
    if (now < this.nextSlot) return this.nextSlot - now;
    this.nextSlot = now + intervalMs;
    return 0;
  }

  async robots(): Promise<RobotsRecord | null> {
    return (await this.ctx.storage.get<RobotsRecord>('robots')) ?? null;
  }

  async saveRobots(record: RobotsRecord): Promise<void> {
    await this.ctx.storage.put('robots', record);
  }
}

/** The fetcher's pacer at the edge: the HostGate of each host. */
export function hostGatePacer(env: Pick<IngestEnv, 'HOST_GATE'>): HostPacer {
  const gate = (host: string) => env.HOST_GATE.getByName(host.toLowerCase());
  return {
    reserve: (host, intervalMs) => gate(host).reserve(intervalMs),
    robots: (host) => gate(host).robots(),
    saveRobots: (host, record) => gate(host).saveRobots(record),
  };
}
