/** The extraction bench's scoring rules behave as docs/ingest.md says (so the figures mean what they claim). */
import { expect, test } from 'vitest';
import { speakerMatches, tokenF1 } from '../../bench/extraction.bench';

const gold = (source: string, sourceResolved = source) => ({ start: 0, end: 1, source, sourceResolved });

test('speaker match: name tokens one a subset of the other; appositives and honorifics ignored', () => {
  expect(speakerMatches('Donald Trump', gold('Trump'))).toBe(true);
  expect(speakerMatches('Trump', gold('Donald Trump'))).toBe(true);
  expect(speakerMatches('Michael Flynn', gold('Flynn, a top Trump surrogate,'))).toBe(true);
  expect(speakerMatches('Barack Obama', gold('Mr. Obama'))).toBe(true);
  expect(speakerMatches('Hillary Clinton', gold('Bill Clinton'))).toBe(false);
  expect(speakerMatches(undefined, gold('Trump'))).toBe(false);
  expect(speakerMatches('Jim Clyburn', gold('he', 'Rep. Jim Clyburn (D-S.C.), the assistant leader'))).toBe(true);
  expect(speakerMatches('Gwen Moore', gold('he', 'Rep. Jim Clyburn'))).toBe(false);
  expect(speakerMatches('a source', gold('another source'))).toBe(true);
  expect(speakerMatches('officials', gold('another source'))).toBe(false);
});

test('token F1: bag of words, CJK by character', () => {
  expect(tokenF1('the cat sat', 'the cat sat')).toBe(1);
  expect(tokenF1('', 'the cat')).toBe(0);
  expect(tokenF1('the cat', 'the cat sat on the mat')).toBeCloseTo((2 * 1 * (2 / 6)) / (1 + 2 / 6));
  expect(tokenF1('港口渡轮', '港口渡轮继续')).toBeCloseTo((2 * 1 * (4 / 6)) / (1 + 4 / 6));
});
