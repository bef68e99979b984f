/**
 * Every size limit in one place: the routes validate against them, the engine cuts to them, and the
 * widget (widget/selection.ts) imports the highlight limit, so a selection the widget sends is never
 * one the API refuses. Pure constants: no imports, safe in every runtime.
 */

/** Longest highlight or query accepted, in UTF-16 code units (the widget cuts a selection to it too). */
export const MAX_QUERY_CHARS = 2000;
/** Longest context (`prefix`, `suffix`) accepted beside a highlight. */
export const MAX_CONTEXT_CHARS = 500;
/** Most matches one lookup may ask for (`limit`). */
export const MAX_LIMIT = 10;
/**
 * Longest text the engine aligns as one query. Above MAX_QUERY_CHARS: the quote check looks up a
 * draft's quotations, which may run longer than any highlight the API accepts; beyond this the
 * alignment's cost (quadratic in words) outweighs what a longer quotation adds.
 */
export const MAX_ENGINE_QUERY_CHARS = 4000;
/** Largest request body accepted (checked before the body is parsed). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most quotes in one `POST /v1/lookup/batch`. */
export const MAX_BATCH = 50;
/** Largest total request header size accepted (Cloudflare's own ceiling is far higher; nothing here needs more). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Published article limits. */
export const MAX_ARTICLE_FIELD_CHARS = 20_000;
/**
 * Article text per publish through the API. Above the longest news article in the shared corpus
 * (PolNeAR: ~30,000 characters) with room to spare; 46 of the 51 primary transcripts fit too (the
 * full debates, ~95,000, go in with `npm run ingest`). The index work grows faster than the text —
 * in-process, 50,000 characters of debate take ~1 s and ~7,700 KV keys, 100,000 take ~4.5 s and
 * ~14,000 — and an 880 KB article once wrote 93,628 keys and held the coordinator for minutes while
 * lookups timed out (docs/publish.md "Limits").
 */
export const MAX_ARTICLE_BODY_CHARS = 50_000;
/**
 * Keys one publish may change (a retraction is never refused). In the IndexCoordinator each becomes a storage write and a KV write to mirror (400 a
 * round), so this bounds how long one publish keeps the object and the mirror busy. An article within
 * the text limit (50,000 characters) changes up to ~8,000; more is refused before anything is
 * committed, not queued.
 */
export const MAX_OPERATION_KEYS = 10_000;
