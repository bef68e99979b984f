/**
 * Keeps the lookup index in KV in step with the units it files (passages and quotations, see
 * store/provenance.ts). One read-modify-write per touched feature: the feature's posting list
 * (`keys.indexFeature(featureKey)`, see core/features.ts) loses the removed units and gains the added
 * ones. Features of a removed and re-added unit that did not change are left alone.
 */
import { excerptFeatures, updatePosting } from '../core/features';
import { tokenize } from '../core/normalise';
import { yieldToOthers } from '../core/slices';
import { keys } from './keys';
import type { KV } from './kv';

/** What the index files: a unit id (passage `p…`, quotation `q…`) and the words it is found by. */
export interface IndexUnit {
  id: string;
  text: string;
}

export interface IndexChange {
  /** Units whose index entries must go (a passage no article prints any more, a quotation's old wording). */
  removed: IndexUnit[];
  /** Units to index. */
  added: IndexUnit[];
}

/** Concurrent KV operations while updating (Workers allow 6 simultaneous connections; KV gets are cheap). */
const CONCURRENCY = 64;
/**
 * Units tokenised between two turns of the event loop: a paragraph's tokens and features take about
 * half a millisecond, and a large article files hundreds of units — in one go that was ~100 ms during
 * which nothing else sharing the thread (lookups, in `wrangler dev`) could run.
 */
const UNITS_PER_SLICE = 16;

export async function updateUnitIndex(kv: KV, change: IndexChange): Promise<{ keysWritten: number }> {
  const removeBy = new Map<string, Set<string>>();
  const addBy = new Map<string, string[]>();
  const file = (ex: IndexUnit) => excerptFeatures(tokenize(ex.text));
  let filed = 0;
  const pace = async () => {
    if (++filed % UNITS_PER_SLICE === 0) await yieldToOthers();
  };
  for (const ex of change.removed) {
    await pace();
    for (const f of file(ex)) {
      let s = removeBy.get(f);
      if (!s) removeBy.set(f, (s = new Set()));
      s.add(ex.id);
    }
  }
  for (const ex of change.added) {
    await pace();
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
