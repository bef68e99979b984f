/** Claim search core (pure) and its KV index, in Node with the in-memory KV. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  claimTerms,
  decodePageToken,
  encodePageToken,
  rankClaims,
  searchFingerprint,
  searchTermsOf,
  toGoogleClaim,
  updateClaimPosting,
  type PostingEntry,
} from '../../worker/core/claims-search';
import { validateClaimReviewDocument } from '../claimreview-validator';
import { claimJsonLd } from '../../worker/core/claim-review-jsonld';
import type { Claim } from '../../worker/core/types';
import { searchClaims } from '../../worker/store/claims';
import { CLAIM_STATS_KEY, ensureClaimIndex, updateClaimIndex } from '../../worker/store/claims-index';
import { keys } from '../../worker/store/keys';
import { foldText, normalise } from '../../worker/core/normalise';
import { MemoryKV } from '../../worker/store/kv';

const claim = (id: string, text: string, extra: Partial<Claim> = {}): Claim => ({
  id,
  text,
  claimant: '',
  claimDate: '2020-01-01',
  languageCode: 'en',
  appearances: [],
  reviews: [],
  ...extra,
});

async function store(claims: Claim[]) {
  const kv = new MemoryKV();
  for (const c of claims) await kv.put(keys.claim(c.id), JSON.stringify(c));
  await updateClaimIndex(kv, { removed: [], added: claims });
  return kv;
}

describe('searchTermsOf', () => {
  test('folds case and diacritics, drops stop words, stems plurals', () => {
    expect(searchTermsOf('António GUTERRES says the Taxes are Rising')).toEqual(searchTermsOf('antonio guterres tax rising'));
    expect(searchTermsOf('the taxes are rising')).toEqual(['tax', 'rising']);
    expect(searchTermsOf('jobs, job; cities/city')).toEqual(['job', 'job', 'city', 'city']);
  });

  test('folds words as lookups do: a soft hyphen or zero-width space inside a word does not split it', () => {
    // Pasted from a page that hyphenates for layout: the claim is found by the word a reader types.
    expect(searchTermsOf('Ukr\u00ADaine grain ex\u200Bports')).toEqual(['ukraine', 'grain', 'export']);
    expect(searchTermsOf('Guterres’s remarks')).toEqual(searchTermsOf("Guterres's remarks"));
  });

  test("the fold is the engine's: a text folds to the same letters and digits for a claim search as for a lookup", () => {
    const piece = fc.constantFrom(
      ...['We', 'don’t', 'said', 'É', 'ção', ' ', 'ﬁsh', '\u00ad', '\u200b', 'İ', 'ß', '１２', 'A', '中', 'x\u0301', 'Ø', '’', '`', '—', '\t'],
    );
    const words = (folded: string) => folded.match(/[\p{L}\p{N}]+/gu) ?? [];
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        expect(words(foldText(text))).toEqual(words(normalise(text).text));
      }),
    );
  });

  test('never throws and yields only bounded, non-empty terms', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        for (const t of searchTermsOf(s)) {
          expect(t.length).toBeGreaterThan(0);
          expect(t.length).toBeLessThanOrEqual(40);
          expect(t).not.toContain('~');
        }
      }),
    );
  });
});

describe('posting lists', () => {
  const entry = (id: string, w: number): PostingEntry => [id, w, 18000, 'en', ''];

  test('df counts every claim even past the cap; the strongest entries are kept', () => {
    let list = null;
    for (let i = 0; i < 10; i++) list = updateClaimPosting(list, [], [entry(`c${i}`, i)], 4);
    expect(list!.df).toBe(10);
    expect(list!.p.map((e) => e[0])).toEqual(['c9', 'c8', 'c7', 'c6']);
    list = updateClaimPosting(list, ['c9', 'c0'], [], 4);
    expect(list!.df).toBe(8);
  });

  test('re-adding the same claim replaces it instead of counting it twice', () => {
    const once = updateClaimPosting(null, [], [entry('a', 1)]);
    const twice = updateClaimPosting(once, [], [entry('a', 2)]);
    expect(twice).toEqual({ df: 1, p: [entry('a', 2)] });
    expect(updateClaimPosting(twice, ['a'], [])).toBeNull();
  });
});

describe('index in KV and search', () => {
  test('a search reads in at most 2 round trips and finds the claim', async () => {
    const kv = await store([
      claim('a', 'Unemployment fell to 4 percent in Ohio'),
      claim('b', 'Ohio raised the minimum wage'),
      claim('c', 'Taxes rose in Texas'),
    ]);
    kv.roundTrips = 0;
    const { response, stats } = await searchClaims(kv, { query: 'ohio unemployment', pageSize: 10 });
    expect(response.claims!.map((c) => c.text)).toEqual(['Unemployment fell to 4 percent in Ohio']);
    expect(kv.roundTrips).toBeLessThanOrEqual(2);
    expect(stats.roundTrips).toBe(kv.roundTrips);
  });

  test('removing a claim removes it from every posting list and the stats', async () => {
    const a = claim('a', 'Unemployment fell in Ohio');
    const kv = await store([a, claim('b', 'Taxes rose in Texas')]);
    await updateClaimIndex(kv, { removed: [a], added: [] });
    expect((await searchClaims(kv, { query: 'unemployment', pageSize: 10 })).response.claims).toEqual([]);
    expect(await kv.get(keys.claimTerm('unemployment'), 'json')).toBeNull();
    expect(await kv.get(CLAIM_STATS_KEY, 'json')).toEqual({ claims: 1 });
  });

  test('a store whose claims predate the index layout gets the index rebuilt once, from its claim records', async () => {
    const kv = await store([claim('a', 'Unemployment fell to 4 percent in Ohio'), claim('b', 'Taxes rose in Texas')]);
    const indexed = JSON.stringify(kv.toBulk());
    // As an upgrade finds it: the records, but nothing under the current claim-term keys.
    for (const key of [...kv.data.keys()]) if (key.startsWith(keys.claimTerm(''))) kv.data.delete(key);
    expect((await searchClaims(kv, { query: 'ohio unemployment', pageSize: 10 })).response.claims).toEqual([]);
    expect(await ensureClaimIndex(kv)).toMatchObject({ claims: 2 });
    expect(JSON.stringify(kv.toBulk())).toBe(indexed);
    expect((await searchClaims(kv, { query: 'ohio unemployment', pageSize: 10 })).response.claims!.map((c) => c.text)).toEqual([
      'Unemployment fell to 4 percent in Ohio',
    ]);
    // Once: an indexed store costs one read and writes nothing.
    kv.reads = 0;
    expect(await ensureClaimIndex(kv)).toEqual({ claims: 0, keysWritten: 0 });
    expect(kv.reads).toBe(1);
    expect(JSON.stringify(kv.toBulk())).toBe(indexed);
  });

  test('re-indexing an unchanged claim changes nothing', async () => {
    const a = claim('a', 'Unemployment fell in Ohio');
    const kv = await store([a]);
    const before = JSON.stringify(kv.toBulk());
    await updateClaimIndex(kv, { removed: [a], added: [a] });
    expect(JSON.stringify(kv.toBulk())).toBe(before);
  });

  test('paging returns every hit exactly once, for any page size', async () => {
    const claims = Array.from({ length: 23 }, (_, i) => claim(`c${i}`, `Bridge toll rose ${i} percent`));
    const kv = await store(claims);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (pageSize) => {
        const seen: string[] = [];
        let pageToken: string | undefined;
        do {
          const { response } = await searchClaims(kv, { query: 'bridge toll', pageSize, pageToken });
          seen.push(...response.claims!.map((c) => c.text));
          pageToken = response.nextPageToken;
        } while (pageToken);
        expect(new Set(seen).size).toBe(23);
        expect(seen).toHaveLength(23);
      }),
      { numRuns: 15 },
    );
  });

  test('rankClaims: short queries need every word; longer ones 60 %', () => {
    const postings = new Map([
      [
        'ohio',
        {
          df: 2,
          p: [
            ['a', 1, 1, 'en', ''],
            ['b', 1, 1, 'en', ''],
          ] as PostingEntry[],
        },
      ],
      ['tax', { df: 1, p: [['a', 1, 1, 'en', '']] as PostingEntry[] }],
    ]);
    expect(rankClaims(['ohio', 'tax'], postings, 10, {}).map((r) => r.id)).toEqual(['a']);
    expect(
      rankClaims(['ohio'], postings, 10, {})
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });
});

describe('page tokens', () => {
  test('round-trip for the same search, refused for another or when tampered with', () => {
    const fp = searchFingerprint({ query: 'ohio jobs' });
    expect(decodePageToken(encodePageToken(20, fp), fp)).toBe(20);
    expect(decodePageToken(encodePageToken(20, fp), searchFingerprint({ query: 'texas' }))).toBeNull();
    fc.assert(fc.property(fc.string(), (junk) => void expect([null, 0]).toContain(decodePageToken(junk, fp) === null ? null : 0)));
  });
});

describe('output shapes', () => {
  const reviewed = claim('g', 'Leaders need to move back to peace.', {
    claimant: 'António Guterres',
    claimDate: '2022-02-28',
    reviews: [
      {
        publisher: { name: 'Checker', site: 'checker.example' },
        url: 'https://checker.example/r/1',
        title: 'A review',
        reviewDate: '2022-03-01',
        textualRating: 'Misquoted',
        ratingValue: 2,
        bestRating: 5,
        worstRating: 1,
        explanation: 'why',
        languageCode: 'en',
      },
    ],
    appearances: [{ url: 'https://news.example/a' }],
  });

  test('Google shape: timestamps, no empty fields, no internal fields', () => {
    const g = toGoogleClaim({ ...reviewed, claimant: '' });
    expect(g).toEqual({
      text: 'Leaders need to move back to peace.',
      claimDate: '2022-02-28T00:00:00Z',
      claimReview: [
        {
          publisher: { name: 'Checker', site: 'checker.example' },
          url: 'https://checker.example/r/1',
          title: 'A review',
          reviewDate: '2022-03-01T00:00:00Z',
          textualRating: 'Misquoted',
          languageCode: 'en',
        },
      ],
    });
  });

  test('claimant and review site are searchable terms', () => {
    const terms = claimTerms(reviewed);
    expect(terms.has(searchTermsOf('Guterres')[0])).toBe(true);
    expect(terms.has('@site:checker.example')).toBe(true);
  });

  test("ClaimReview JSON-LD carries Google's required fields", () => {
    const doc = claimJsonLd(reviewed) as Record<string, any>;
    expect(doc).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      claimReviewed: reviewed.text,
      url: 'https://checker.example/r/1',
      reviewRating: { '@type': 'Rating', alternateName: 'Misquoted', ratingValue: 2, bestRating: 5, worstRating: 1 },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Person', name: 'António Guterres' },
        appearance: [{ '@type': 'CreativeWork', url: 'https://news.example/a' }],
      },
    });
    expect(validateClaimReviewDocument(doc)).toEqual([]);
    const two = claimJsonLd({ ...reviewed, reviews: [reviewed.reviews[0], { ...reviewed.reviews[0], url: 'https://other.example/' }] }) as Record<string, any>;
    expect(Object.keys(two)).toEqual(['@context', '@graph']);
    expect(two['@graph'].map((r: any) => r.url)).toEqual(['https://checker.example/r/1', 'https://other.example/']);
    expect(validateClaimReviewDocument(two)).toEqual([]);
  });
});
