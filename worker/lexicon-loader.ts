/**
 * Makes sure `#lexicon` (the antonym lexicon worker/core/meaning.ts reads) is loaded before code that
 * may diff runs: a no-op where it is bundled (tests, the ingest worker), one asset read per isolate in
 * the public worker (worker/lexicon-deferred.ts). Used by the lookup routes (middleware) and by the
 * IndexCoordinator before an operation.
 */
import type { MiddlewareHandler } from 'hono';
import lexicon from '#lexicon';
import { loadLexicon } from './lexicon-deferred';

export async function ensureLexicon(assets: Fetcher | undefined): Promise<void> {
  if (!lexicon.pending) return;
  if (!assets) throw new Error('the antonym lexicon is deferred but there is no ASSETS binding to load it from');
  await loadLexicon(assets);
}

export const lexiconLoaded = (): MiddlewareHandler<{ Bindings: { ASSETS?: Fetcher } }> => async (c, next) => {
  await ensureLexicon(c.env.ASSETS);
  await next();
};
