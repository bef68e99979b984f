/**
 * `#lexicon` in the public worker (wrangler.toml `[alias]`): the antonym lexicon is not in this
 * worker's bundle (it alone was 657 KB, a third of the script); `npm run build:widget` writes its
 * compact form (worker/core/lexicon/compact.ts) to dist/public/lexicon/antonyms.txt, and
 * `loadLexicon` reads it from the ASSETS binding on an isolate's first request that needs it. Start-up
 * stays free of it; the first lookup of an isolate pays one local asset read and the decode.
 *
 * Invariant: until loaded, the object is `pending` and worker/core/meaning.ts throws rather than
 * answer "not opposites" — a route that forgot `lexiconLoaded()` fails loudly, never silently wrong.
 */
import { decodeLexicon, type Lexicon } from './core/lexicon/compact';

/** Where build-widget puts it. Never served: run_worker_first, and routes/assets.ts serves only the widget's files. */
export const LEXICON_ASSET_PATH = '/lexicon/antonyms.txt';

const deferred: Lexicon & { pending?: boolean } = { words: {}, opposed: [], pending: true };
let loading: Promise<void> | null = null;

export async function loadLexicon(assets: Fetcher): Promise<void> {
  if (!deferred.pending) return;
  loading ??= (async () => {
    const res = await assets.fetch(`https://assets.local${LEXICON_ASSET_PATH}`);
    if (!res.ok) throw new Error(`antonym lexicon asset ${LEXICON_ASSET_PATH}: HTTP ${res.status} (run npm run build:widget)`);
    const { words, opposed } = decodeLexicon(await res.text());
    deferred.words = words;
    deferred.opposed = opposed;
    deferred.pending = false;
  })().finally(() => {
    loading = null;
  });
  await loading;
}

export default deferred;
