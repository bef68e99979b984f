/**
 * Claim reads and claim search over KV. A search is at most two sequential round trips: (1) one
 * bulk get of the query terms' posting lists and the index stats, (2) one bulk get of the page's
 * claim records.
 */
import {
  decodePageToken,
  encodePageToken,
  rankClaims,
  searchFingerprint,
  searchTerms,
  toGoogleClaim,
  type ClaimSearchParams,
  type GoogleClaimSearchResponse,
  type GoogleShapeOptions,
  type PostingList,
} from '../core/claims-search';
import { InvalidPageToken } from '../core/errors';
import type { Claim } from '../core/types';
import { CLAIM_STATS_KEY, type ClaimIndexStats } from './claims-index';
import { keys } from './keys';
import { getMany, type KV } from './kv';

export async function readClaim(kv: KV, id: string): Promise<Claim | null> {
  return kv.get<Claim>(keys.claim(id), 'json');
}

/** `offset` is Google's: where to start when there is no `pageToken` (a token carries its own). */
export type ClaimSearchRequest = Omit<ClaimSearchParams, 'offset'> & { pageToken?: string; offset?: number };

export { InvalidPageToken };

export interface ClaimSearchResult {
  response: GoogleClaimSearchResponse;
  stats: { roundTrips: number; keysRead: number; candidates: number };
}

export async function searchClaims(kv: KV, request: ClaimSearchRequest, today?: number, shape: GoogleShapeOptions = {}): Promise<ClaimSearchResult> {
  const fingerprint = searchFingerprint(request);
  let offset = request.offset ?? 0;
  if (request.pageToken) {
    const decoded = decodePageToken(request.pageToken, fingerprint);
    if (decoded === null) throw new InvalidPageToken('pageToken is malformed or belongs to a different search; repeat the search without it');
    offset = decoded;
  }
  const terms = searchTerms(request);
  if (!terms.length) return { response: { claims: [] }, stats: { roundTrips: 0, keysRead: 0, candidates: 0 } };

  const termKeys = terms.map(keys.claimTerm);
  const got = await getMany<PostingList | ClaimIndexStats>(kv, [...termKeys, CLAIM_STATS_KEY]);
  const total = (got.get(CLAIM_STATS_KEY) as ClaimIndexStats | null)?.claims ?? 0;
  const postings = new Map(terms.map((t, i) => [t, got.get(termKeys[i]) as PostingList | null]));
  const ranked = rankClaims(terms, postings, total, request, today);

  const page = ranked.slice(offset, offset + request.pageSize);
  const records = page.length
    ? await getMany<Claim>(
        kv,
        page.map((r) => keys.claim(r.id)),
      )
    : new Map<string, Claim | null>();
  const claims = page.map((r) => records.get(keys.claim(r.id))).filter((c): c is Claim => !!c);
  // Google omits `claims` when empty; we always send the array, which its clients read the same way.
  const response: GoogleClaimSearchResponse = { claims: claims.map((c) => toGoogleClaim(c, shape)) };
  if (offset + request.pageSize < ranked.length) response.nextPageToken = encodePageToken(offset + request.pageSize, fingerprint);
  return {
    response,
    stats: { roundTrips: page.length ? 2 : 1, keysRead: termKeys.length + 1 + page.length, candidates: ranked.length },
  };
}
