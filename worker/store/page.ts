/**
 * The page record (`v2:page:{hash of URL}`): which article is published at a URL and which
 * passages it prints. Read in a lookup's first round trip, beside the index, when the selector
 * says where the highlight came from, so the answer knows the page's own copy (`thisPage`) without a
 * third round trip, and never cites a page as its own source.
 */
import { featureKey } from '../core/features';
import { keys } from './keys';

export type { PageRecord } from '../core/types';

/** URLs compare without fragment, trailing slash, default port or case of scheme and host. */
export function canonicalUrl(url: string): string {
  try {
    const u = new URL(url.trim());
    u.hash = '';
    const path = u.pathname.replace(/\/+$/, '') || '/';
    return `${u.protocol}//${u.host.toLowerCase()}${path}${u.search}`;
  } catch {
    return url.trim();
  }
}

export const pageKeyFor = (url: string) => keys.page(featureKey(canonicalUrl(url)));
