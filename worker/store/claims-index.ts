/**
 * SEAM (owned by claim search): keeps the claim-search index in KV in step with claim records.
 * Called by the ingestion writer after it has written or removed claims.
 */
import type { Claim } from '../core/types';
import type { KV } from './kv';

export interface ClaimIndexChange {
  removed: Claim[];
  added: Claim[];
}

export async function updateClaimIndex(_kv: KV, _change: ClaimIndexChange): Promise<{ keysWritten: number }> {
  return { keysWritten: 0 };
}
