/**
 * The claim-search index in KV: one posting list per term under `v2:cix2:{term}` (capped, see
 * core/claims-search CLAIM_POSTING_CAP; a site's list keeps every claim, SITE_CLAIM_POSTING_CAP) plus `v2:cix2:~stats` (how many claims are indexed, for IDF).
 * Called by the ingestion writer after it has written or removed claims. A search reads every
 * query term's list and the stats in ONE bulk get.
 */
import { claimTerms, postingCapFor, postingEntry, updateClaimPosting, type PostingEntry, type PostingList } from '../core/claims-search';
import type { Claim } from '../core/types';
import { keys } from './keys';
import { getMany, type KV } from './kv';

export interface ClaimIndexChange {
  removed: Claim[];
  added: Claim[];
}

export interface ClaimIndexStats {
  claims: number;
}

/** Terms never contain '~', so this key cannot collide with a posting list. */
export const CLAIM_STATS_KEY = keys.claimTerm('~stats');

export async function updateClaimIndex(kv: KV, change: ClaimIndexChange): Promise<{ keysWritten: number }> {
  const removedByTerm = new Map<string, string[]>();
  const addedByTerm = new Map<string, PostingEntry[]>();
  for (const claim of change.removed) {
    for (const term of claimTerms(claim).keys()) push(removedByTerm, term, claim.id);
  }
  for (const claim of change.added) {
    for (const [term, weight] of claimTerms(claim)) push(addedByTerm, term, postingEntry(claim, weight));
  }
  const terms = [...new Set([...removedByTerm.keys(), ...addedByTerm.keys()])];
  const current = await getMany<PostingList>(kv, terms.map(keys.claimTerm));
  let keysWritten = 0;
  for (const term of terms) {
    const key = keys.claimTerm(term);
    const next = updateClaimPosting(current.get(key) ?? null, removedByTerm.get(term) ?? [], addedByTerm.get(term) ?? [], postingCapFor(term));
    if (next) await kv.put(key, JSON.stringify(next));
    else await kv.delete(key);
    keysWritten++;
  }
  // Claims indexed before minus after (a claim both removed and added is an update, not a change).
  const removedIds = new Set(change.removed.map((c) => c.id));
  const addedIds = new Set(change.added.map((c) => c.id));
  const delta = [...addedIds].filter((id) => !removedIds.has(id)).length - [...removedIds].filter((id) => !addedIds.has(id)).length;
  if (delta !== 0) {
    const stats = (await kv.get<ClaimIndexStats>(CLAIM_STATS_KEY, 'json')) ?? { claims: 0 };
    await kv.put(CLAIM_STATS_KEY, JSON.stringify({ claims: Math.max(0, stats.claims + delta) }));
    keysWritten++;
  }
  return { keysWritten };
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Claims indexed per `updateClaimIndex` call of a rebuild: bounds the posting lists held at once. */
const REBUILD_BATCH = 500;

/**
 * A store written before the index's current layout (see keys.claimTerm) has claim records but no
 * posting lists under the current keys — and re-publishing an unchanged claim writes nothing, so
 * claim search would stay empty. This rebuilds the index from every claim record, once: when the
 * index's stats key is missing. On a store that has it (or has no claims) it costs one read.
 * The ingest CLI calls it on every run (`npm run ingest -- --remote …` migrates a deployed store).
 * Limit: the trigger is the stats key's absence, so the migration must run before the upgraded worker
 * publishes its first claim (docs/api.md "Index layout"); after that, old claims need re-publishing
 * with a change.
 */
export async function ensureClaimIndex(kv: KV): Promise<{ claims: number; keysWritten: number }> {
  if ((await kv.get(CLAIM_STATS_KEY, 'text')) !== null) return { claims: 0, keysWritten: 0 };
  const recordKeys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix: keys.claim(''), cursor });
    recordKeys.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  let keysWritten = 0;
  for (let i = 0; i < recordKeys.length; i += REBUILD_BATCH) {
    const records = await getMany<Claim>(kv, recordKeys.slice(i, i + REBUILD_BATCH));
    const added = [...records.values()].filter((c): c is Claim => c !== null);
    keysWritten += (await updateClaimIndex(kv, { removed: [], added })).keysWritten;
  }
  return { claims: recordKeys.length, keysWritten };
}
