/**
 * The store's generation: one KV key (`v2:meta:generation`) whose value changes with every
 * committed change to what readers can see — a publish, a retraction, a claim put or retracted
 * (written by the IndexCoordinator) and every CLI ingest that wrote anything (scripts/ingest.ts).
 *
 * Why: answers are cached (the Cache API at each location). A cached answer carries the generation
 * it was computed under and is served only while the store's generation is still that one, so the
 * first lookup after a retraction at a location that sees the new generation recomputes — a
 * retracted article is never served from a cache there. Lookups read the key in the same bulk get
 * as their index features (no extra round trip); a cache hit reads only this key.
 *
 * Invariants:
 * (a) the token is unique (time + randomness), never a counter: two writers (the coordinator and
 *     the CLI) can never hand out the same value, and no older state's cached answers can match again;
 * (b) the key reaches KV only after every other key of the change it stands for (the coordinator
 *     mirrors it last: `IndexCoordinator` invariant (e); the CLI writes it after its other writes),
 *     so a reader who sees a generation sees at least that change's keys (at the same location);
 * (c) comparisons are equality only: a missing key is the generation `none`.
 */
import { keys } from './keys';
import type { KV } from './kv';

export const GENERATION_KEY = keys.generation();
/** The generation of a store whose key was never written (a fresh namespace). */
export const NO_GENERATION = 'none';

/** A fresh, unique generation token. */
export function newGeneration(now = Date.now()): string {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  return `${now.toString(36)}.${random[0].toString(36)}${random[1].toString(36)}`;
}

/** The generation named by a raw KV value. */
export const generationOf = (raw: unknown): string => (typeof raw === 'string' && raw ? raw : NO_GENERATION);

/** Reads the current generation (one key). */
export async function readGeneration(kv: KV): Promise<string> {
  return generationOf(await kv.get(GENERATION_KEY, 'text'));
}

/** Starts a new generation (the CLI, after its other writes). */
export async function bumpGeneration(kv: KV): Promise<string> {
  const token = newGeneration();
  await kv.put(GENERATION_KEY, token);
  return token;
}
