/** Claim placement as text logic (core/claim-placement): fictional claims and excerpts. */
import { describe, expect, test } from 'vitest';
import { claimOverlap, excerptsForClaim, linkClaim, MIN_OVERLAP } from '../../worker/core/claim-placement';
import type { Claim, Excerpt } from '../../worker/core/types';

const excerpt = (id: string, text: string): Excerpt =>
  ({ id, articleId: 'a1', position: Number(id.slice(-1)), text, quotes: [], claims: [] }) as unknown as Excerpt;
const claim = (text: string, appearances: Claim['appearances'] = []): Claim =>
  ({
    id: 'c-1',
    text,
    claimant: 'Mara Lind',
    claimDate: '2026-01-02',
    reviews: [{ publisher: 'Fact Desk', url: 'https://factdesk.example/1', textualRating: 'False' }],
    appearances,
  }) as unknown as Claim;

describe('claim placement', () => {
  test('overlap folds case, diacritics and curly quotes as the engine does', () => {
    expect(claimOverlap('The RIVER’s café reopened', "the river's cafe reopened on Monday")).toBe(1);
    expect(claimOverlap('Tolls doubled last year', 'Tolls were cut last year')).toBeCloseTo(3 / 4);
  });

  test('a claim goes to the excerpt with the best overlap, only above MIN_OVERLAP', () => {
    const excerpts = [
      excerpt('a1~0', 'The council met on Thursday.'),
      excerpt('a1~1', 'Mara Lind said tolls doubled last year on the bridge.'),
      excerpt('a1~2', 'Tolls doubled, a resident said.'),
    ];
    expect(excerptsForClaim(claim('Tolls doubled last year on the bridge'), 'a1', excerpts).map((e) => e.id)).toEqual(['a1~1']);
    expect(claimOverlap('The harbour will close in winter', excerpts[0].text)).toBeLessThan(MIN_OVERLAP);
    expect(excerptsForClaim(claim('The harbour will close in winter'), 'a1', excerpts)).toEqual([]);
  });

  test('an appearance that names its excerpt wins over overlap', () => {
    const excerpts = [excerpt('a1~0', 'Tolls doubled last year.'), excerpt('a1~1', 'Something else entirely.')];
    const named = claim('Tolls doubled last year', [{ articleId: 'a1', excerptId: 'a1~1' }] as Claim['appearances']);
    expect(excerptsForClaim(named, 'a1', excerpts).map((e) => e.id)).toEqual(['a1~1']);
  });

  test('linking twice changes the excerpt once', () => {
    const e = excerpt('a1~0', 'Tolls doubled last year.');
    const c = claim('Tolls doubled last year');
    expect(linkClaim(e, c)).toBe(true);
    expect(linkClaim(e, c)).toBe(false);
    expect(e.claims.map((s) => s.id)).toEqual(['c-1']);
  });
});
