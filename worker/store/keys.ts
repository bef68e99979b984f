/**
 * The KV key layout, in one place. Every key is versioned so a new layout can be written beside the
 * old one and switched atomically. See README "KV layout".
 */
export const KEY_VERSION = 'v1';

export const keys = {
  article: (id: string) => `${KEY_VERSION}:article:${id}`,
  excerpt: (id: string) => `${KEY_VERSION}:excerpt:${id}`,
  claim: (id: string) => `${KEY_VERSION}:claim:${id}`,
  /** Ids of reviewed claims that name this article in an appearance (written by claim files, read when the article is ingested). */
  articleClaims: (articleId: string) => `${KEY_VERSION}:article-claims:${articleId}`,
  /** Lookup index posting list for one feature (hashed shingle); layout owned by core/index. */
  indexFeature: (feature: string) => `${KEY_VERSION}:ix:${feature}`,
  /** Claim-search posting list for one normalised term. */
  claimTerm: (term: string) => `${KEY_VERSION}:cix:${term}`,
} as const;

export const KEY_PREFIX = {
  article: `${KEY_VERSION}:article:`,
  excerpt: `${KEY_VERSION}:excerpt:`,
  claim: `${KEY_VERSION}:claim:`,
  articleClaims: `${KEY_VERSION}:article-claims:`,
  indexFeature: `${KEY_VERSION}:ix:`,
  claimTerm: `${KEY_VERSION}:cix:`,
} as const;

/** Ids used in keys and URLs: lowercase ASCII letters, digits, '-', '~' and '.' only. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9.~-]{0,127}$/;
