/**
 * Keeps the lookup index in KV in step with excerpt records (called by the ingestion writer after it
 * has written or removed excerpts). One read-modify-write per touched feature: the feature's posting
 * list (`keys.indexFeature(featureKey)`, space-separated excerpt ids, see core/features.ts) loses the
 * removed excerpts and gains the added ones. Features of a removed and re-added excerpt that did not
 * change are left alone, so re-ingesting an unchanged article writes nothing.
 */
import { excerptFeatures, updatePosting } from '../core/features';
import { tokenize } from '../core/normalise';
import type { Excerpt } from '../core/types';
import { keys } from './keys';
import type { KV } from './kv';

export interface IndexChange {
  /** Excerpts whose index entries must go (an article's old version, or a deleted article). */
  removed: Excerpt[];
  /** Excerpts to index. */
  added: Excerpt[];
}

/** Concurrent KV operations while updating (Workers allow 6 simultaneous connections; KV gets are cheap). */
const CONCURRENCY = 64;

export async function updateExcerptIndex(kv: KV, change: IndexChange): Promise<{ keysWritten: number }> {
  const removeBy = new Map<string, Set<string>>();
  const addBy = new Map<string, string[]>();
  const file = (ex: Excerpt) => excerptFeatures(tokenize(ex.text));
  for (const ex of change.removed) {
    for (const f of file(ex)) {
      let s = removeBy.get(f);
      if (!s) removeBy.set(f, (s = new Set()));
      s.add(ex.id);
    }
  }
  for (const ex of change.added) {
    for (const f of file(ex)) {
      const removing = removeBy.get(f);
      if (removing?.has(ex.id)) {
        // Unchanged entry: neither remove nor add.
        removing.delete(ex.id);
        if (removing.size === 0) removeBy.delete(f);
        continue;
      }
      let a = addBy.get(f);
      if (!a) addBy.set(f, (a = []));
      a.push(ex.id);
    }
  }
  const touched = [...new Set([...removeBy.keys(), ...addBy.keys()])];
  let keysWritten = 0;
  const empty = new Set<string>();
  const work = async (feature: string) => {
    const key = keys.indexFeature(feature);
    const before = await kv.get(key, 'text');
    const after = updatePosting(before, removeBy.get(feature) ?? empty, addBy.get(feature) ?? []);
    if (after === before) return;
    keysWritten++;
    if (after === null) await kv.delete(key);
    else await kv.put(key, after);
  };
  for (let i = 0; i < touched.length; i += CONCURRENCY) {
    await Promise.all(touched.slice(i, i + CONCURRENCY).map(work));
  }
  return { keysWritten };
}
