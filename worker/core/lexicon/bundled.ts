/**
 * `#lexicon` everywhere but the public worker (package.json "imports"): the antonym lexicon in the
 * bundle, ready at import. The public worker's bundle gets worker/lexicon-deferred.ts instead
 * (wrangler.toml `[alias]`), which loads the compact form from its static assets on first use.
 */
import lexicon from './antonyms.json';
import type { Lexicon } from './compact';

export default lexicon as unknown as Lexicon & { pending?: boolean };
