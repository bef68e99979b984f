/**
 * The KV key layout, in one place. Every key is versioned so a new layout can be written beside the
 * old one and switched atomically. See README "KV layout".
 */
export const KEY_VERSION = 'v2';

export const keys = {
  article: (id: string) => `${KEY_VERSION}:article:${id}`,
  excerpt: (id: string) => `${KEY_VERSION}:excerpt:${id}`,
  claim: (id: string) => `${KEY_VERSION}:claim:${id}`,
  /** Ids of reviewed claims that name this article in an appearance (written by claim files, read when the article is ingested). */
  articleClaims: (articleId: string) => `${KEY_VERSION}:article-claims:${articleId}`,
  /** Lookup index posting list for one feature (hashed shingle); layout owned by core/index. */
  indexFeature: (feature: string) => `${KEY_VERSION}:ix:${feature}`,
  /**
   * Claim-search posting list for one term, folded by core/normalise `foldText` (the engine's fold).
   * `cix2`, not `cix`: the `cix` lists held terms of claim search's former fold, which split words at
   * invisible characters; a store written before rebuilds its claim index by publishing its claims again.
   */
  claimTerm: (term: string) => `${KEY_VERSION}:cix2:${term}`,
  /** A deduplicated passage: its best copy, copy counts, first copies. */
  passage: (id: string) => `${KEY_VERSION}:passage:${id}`,
  /** Chunk `n` of a passage's full copy list (writers only; lookups never read it). */
  passageCopies: (id: string, n: number) => `${KEY_VERSION}:pc:${id}:${n}`,
  /** A quotation record: original, appearances, wordings. */
  quotation: (id: string) => `${KEY_VERSION}:quotation:${id}`,
  /** Chunk `n` of a quotation's full member list (writers only). */
  quotationMembers: (id: string, n: number) => `${KEY_VERSION}:qm:${id}:${n}`,
  /** The article published at a URL and its passages (read with the index, so a lookup knows the page's own copy). */
  page: (urlHash: string) => `${KEY_VERSION}:page:${urlHash}`,
  /** An article's quotation memberships (which quotation each of its quotes joined). */
  articleQuotations: (articleId: string) => `${KEY_VERSION}:aq:${articleId}`,
  /** Ingestion sequence counter: the tie-break between reports of the same date. */
  sequence: () => `${KEY_VERSION}:meta:seq`,
  /** The store's generation: a fresh token after every committed change (see store/generation.ts). */
  generation: () => `${KEY_VERSION}:meta:generation`,
  /** A finding: a report's print altered or misattributed against the primary record. */
  finding: (id: string) => `${KEY_VERSION}:finding:${id}`,
  /** The listing of findings, newest first (`order` sorts newest first as a string). */
  findingsByTime: (order: string, id: string) => `${KEY_VERSION}:findings:${order}:${id}`,
  /** The same listing for one site (the report's host). */
  findingsBySite: (site: string, order: string, id: string) => `${KEY_VERSION}:findings-site:${site}:${order}:${id}`,
  /** The findings a quotation gives (so a recompute knows what to withdraw). */
  quotationFindings: (quotationId: string) => `${KEY_VERSION}:qf:${quotationId}`,
} as const;

export const KEY_PREFIX = {
  article: `${KEY_VERSION}:article:`,
  excerpt: `${KEY_VERSION}:excerpt:`,
  claim: `${KEY_VERSION}:claim:`,
  articleClaims: `${KEY_VERSION}:article-claims:`,
  indexFeature: `${KEY_VERSION}:ix:`,
  claimTerm: `${KEY_VERSION}:cix:`,
  passage: `${KEY_VERSION}:passage:`,
  passageCopies: `${KEY_VERSION}:pc:`,
  quotation: `${KEY_VERSION}:quotation:`,
  quotationMembers: `${KEY_VERSION}:qm:`,
  page: `${KEY_VERSION}:page:`,
  articleQuotations: `${KEY_VERSION}:aq:`,
  finding: `${KEY_VERSION}:finding:`,
  findingsByTime: `${KEY_VERSION}:findings:`,
  findingsBySite: `${KEY_VERSION}:findings-site:`,
  quotationFindings: `${KEY_VERSION}:qf:`,
} as const;

/** Ids used in keys and URLs: lowercase ASCII letters, digits, '-', '~' and '.' only. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9.~-]{0,127}$/;
