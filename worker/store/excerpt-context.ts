/**
 * An excerpt with its neighbours in ONE bulk KV read (excerpt ids are `{articleId}~{position}`, so
 * the neighbours' keys are known up front; the record's own prev/next links are checked).
 */
import type { Excerpt } from '../core/types';
import { keys } from './keys';
import { getMany, type KV } from './kv';

export interface ExcerptContext {
  excerpt: Excerpt;
  previous: Excerpt | null;
  next: Excerpt | null;
}

/** Neighbour ids from the id itself; null when the id does not follow `{articleId}~{position}`. */
export function neighbourIds(id: string): { prev: string | null; next: string } | null {
  const m = /^(.+)~(\d+)$/.exec(id);
  if (!m) return null;
  const position = Number(m[2]);
  return { prev: position > 0 ? `${m[1]}~${position - 1}` : null, next: `${m[1]}~${position + 1}` };
}

export async function readExcerptContext(kv: KV, id: string): Promise<ExcerptContext | null> {
  const guess = neighbourIds(id);
  const ids = [id, guess?.prev, guess?.next].filter((x): x is string => !!x);
  const got = await getMany<Excerpt>(kv, ids.map(keys.excerpt));
  const excerpt = got.get(keys.excerpt(id)) ?? null;
  if (!excerpt) return null;
  // Trust the record's own links; a second read only if they disagree with the guessed ids.
  const want = [excerpt.prevId, excerpt.nextId].filter((x): x is string => !!x && !got.has(keys.excerpt(x)));
  if (want.length) for (const [k, v] of await getMany<Excerpt>(kv, want.map(keys.excerpt))) got.set(k, v);
  const pick = (x?: string) => (x ? (got.get(keys.excerpt(x)) ?? null) : null);
  return { excerpt, previous: pick(excerpt.prevId), next: pick(excerpt.nextId) };
}
