/**
 * SEAM (owned by the lookup engine): keeps the lookup index in KV in step with excerpt records.
 * Called by the ingestion writer after it has written or removed excerpts.
 */
import type { Excerpt } from '../core/types';
import type { KV } from './kv';

export interface IndexChange {
  /** Excerpts whose index entries must go (an article's old version, or a deleted article). */
  removed: Excerpt[];
  /** Excerpts to index. */
  added: Excerpt[];
}

export async function updateExcerptIndex(_kv: KV, _change: IndexChange): Promise<{ keysWritten: number }> {
  return { keysWritten: 0 };
}
