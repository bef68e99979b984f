/**
 * The /check page's pure parts (pages/check-view.ts): the draft split into paragraphs of text and
 * quotation segments without losing or repeating a character whatever the offsets, every status
 * with its own icon and label, and API failures as sentences an editor can act on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECK_STATUSES } from '../../worker/core/check';
import { failureMessage, paragraphsOf, STATUS_ORDER, STATUS_VIEWS } from '../../pages/check-view';

describe('paragraphsOf', () => {
  it('splits where the check joined paragraphs and marks each quotation where its offsets say', () => {
    const text = 'He said: "Enough is enough." Then left.\n\n"Not now," she said, and "later".';
    const at = (words: string, from = 0) => ({ start: text.indexOf(words, from), end: text.indexOf(words, from) + words.length });
    const quotations = [at('Enough is enough.'), at('Not now,'), at('later')];
    expect(paragraphsOf(text, quotations)).toEqual([
      [{ text: 'He said: "' }, { text: 'Enough is enough.', quotation: 0 }, { text: '" Then left.' }],
      [{ text: '"' }, { text: 'Not now,', quotation: 1 }, { text: '" she said, and "' }, { text: 'later', quotation: 2 }, { text: '".' }],
    ]);
  });

  it('takes quotations in document order whatever order they come in', () => {
    const text = 'one two three four';
    expect(
      paragraphsOf(text, [
        { start: 8, end: 13 },
        { start: 0, end: 3 },
      ]).flat(),
    ).toEqual([{ text: 'one', quotation: 1 }, { text: ' two ' }, { text: 'three', quotation: 0 }, { text: ' four' }]);
  });

  it('never drops or repeats text, whatever the offsets (overlapping, empty, out of range, across paragraphs)', () => {
    const paragraph = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', '\n', '<', '>'), maxLength: 30 });
    fc.assert(
      fc.property(
        fc.array(paragraph, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 140 }), fc.integer({ min: -5, max: 140 })), { maxLength: 8 }),
        (paras, spans) => {
          const text = paras.join('\n\n');
          const quotations = spans.map(([start, end]) => ({ start, end }));
          const result = paragraphsOf(text, quotations);
          expect(result.map((segments) => segments.map((s) => s.text).join('')).join('\n\n')).toBe(text);
          for (const s of result.flat()) {
            expect(s.text.length).toBeGreaterThan(0);
            if (s.quotation !== undefined) expect(s.quotation).toBeLessThan(quotations.length);
          }
          const marked = result
            .flat()
            .filter((s) => s.quotation !== undefined)
            .map((s) => s.quotation);
          expect(new Set(marked).size).toBe(marked.length); // a quotation is marked at most once
        },
      ),
    );
  });
});

describe('status views', () => {
  it('give every status of the check its own icon and label, so colour is never the only cue', () => {
    expect([...STATUS_ORDER].sort()).toEqual([...CHECK_STATUSES].sort());
    const views = Object.values(STATUS_VIEWS);
    expect(new Set(views.map((v) => v.icon)).size).toBe(CHECK_STATUSES.length);
    expect(new Set(views.map((v) => v.label)).size).toBe(CHECK_STATUSES.length);
    // What blocks publication comes first.
    expect(STATUS_ORDER.slice(0, 2)).toEqual(['misattributed', 'altered']);
  });
});

describe('failureMessage', () => {
  it('passes on what the API says is wrong, as a sentence', () => {
    expect(
      failureMessage({
        status: 413,
        problem: { title: 'Payload Too Large', detail: "The draft's text is 120,000 characters; at most 100,000 are checked in one call. Split it." },
      }),
    ).toBe("The draft is too long to check in one go. The draft's text is 120,000 characters; at most 100,000 are checked in one call. Split it.");
    expect(failureMessage({ status: 413, problem: null })).toBe('The draft is too long to check in one go. Split it and check each part.');
    expect(
      failureMessage({
        status: 400,
        problem: { detail: 'body.text: the draft is empty; send its text', errors: [{ path: 'body.text', message: 'the draft is empty; send its text' }] },
      }),
    ).toBe('The draft could not be checked. The draft is empty; send its text.');
  });

  it('says how long to wait after a 429, and what to do when offline or when the server fails', () => {
    expect(failureMessage({ status: 429, problem: { detail: 'Too many lookups' }, retryAfter: '60' })).toBe(
      'Too many checks from this connection. Try again in 60 seconds.',
    );
    expect(failureMessage({ status: 429, retryAfter: null })).toBe('Too many checks from this connection. Try again in a minute.');
    expect(failureMessage({ offline: true })).toMatch(/^You are offline/);
    expect(failureMessage({ status: 503, problem: null })).toMatch(/error 503\). Try again/);
  });
});
