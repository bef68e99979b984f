import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { align, calibrate, isLookupable, isTypo, prepare, SCORE_THRESHOLD, scoreUpperBound } from '../../worker/core/match';
import {
  excerptFeatures,
  LOOKUP_FEATURE_BUDGET,
  lookupFeatures,
  parsePosting,
  POSTING_CAP,
  queryFeatures,
  SATURATED,
  updatePosting,
} from '../../worker/core/features';
import { tokenize } from '../../worker/core/normalise';

const SOURCE_TEXT =
  'Medinsky, an aide to the Russian president, said the delegations had agreed to continue the negotiations. "The next meeting will take place in the coming days on the Polish-Belarusian border," he said.';
const SOURCE = tokenize(SOURCE_TEXT);
const best = (q: string) => align(prepare(tokenize(q)), SOURCE)[0];

describe('alignment and score', () => {
  test('an exact clause inside a longer passage scores near 1 and covers just that clause', () => {
    const a = best('the delegations had agreed to continue the negotiations');
    expect(a.score).toBeGreaterThan(0.95);
    expect(
      SOURCE.slice(a.from, a.to)
        .map((t) => t.norm)
        .join(' '),
    ).toBe('the delegations had agreed to continue the negotiations');
  });

  test('typos and a changed word keep a reliable score; an unrelated sentence falls under the threshold', () => {
    expect(best('the delgations had agred to continue the negotiations').score).toBeGreaterThan(SCORE_THRESHOLD);
    expect(best('the delegations had refused to continue the negotiations').score).toBeGreaterThan(SCORE_THRESHOLD);
    expect(best('the weather in the coming days will be cold on the border').score).toBeLessThan(SCORE_THRESHOLD);
  });

  test('an ellipsis skips the words it elides at no cost', () => {
    const a = best('the delegations had agreed … the next meeting will take place in the coming days');
    expect(a.similarity).toBe(1);
    expect(a.ops.some((o) => o.kind === 'skip')).toBe(true);
  });

  test('score grows with agreement and with evidence', () => {
    expect(calibrate(1, 8)).toBeGreaterThan(calibrate(0.8, 8));
    expect(calibrate(1, 8)).toBeGreaterThan(calibrate(1, 2));
    expect(calibrate(0, 10)).toBe(0);
  });

  test('repeated passages give one alternative per place', () => {
    const src = tokenize('It needs to stop now. Soldiers need to move back. It needs to stop now. Leaders need peace.');
    const alts = align(prepare(tokenize('it needs to stop now')), src);
    expect(alts).toHaveLength(2);
    expect(alts[0].from).not.toBe(alts[1].from);
  });

  test('too short or stop-word-only highlights are not looked up', () => {
    expect(isLookupable(tokenize('of the and it was'))).toBe(false);
    expect(isLookupable(tokenize('peace'))).toBe(false);
    expect(isLookupable(tokenize('Enough is enough'))).toBe(true);
  });

  test('typo tolerance is by word length', () => {
    expect(isTypo('negotiations', 'negotaitions')).toBe(true);
    expect(isTypo('meeting', 'meetign')).toBe(true);
    expect(isTypo('cat', 'car')).toBe(false);
    expect(isTypo('border', 'leader')).toBe(false);
  });
});

describe('index features and posting lists', () => {
  test('a highlight shares features with its source excerpt; gaps break bigrams', () => {
    const ex = new Set(excerptFeatures(SOURCE));
    const q = queryFeatures(tokenize('the delegations had agreed to continue'));
    expect(q.length).toBeGreaterThan(3);
    expect(q.every((f) => ex.has(f.key))).toBe(true);
    const withGap = queryFeatures(tokenize('agreed … the next'));
    const noGap = queryFeatures(tokenize('agreed the next'));
    expect(withGap.length).toBeLessThan(noGap.length);
  });

  test('query features never exceed one bulk get', () => {
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    expect(queryFeatures(tokenize(long)).length).toBeLessThanOrEqual(100);
  });

  test('a lookup reads a budget of features: rare ones first, from every stretch of the highlight', () => {
    const short = tokenize('the delegations had agreed');
    expect(lookupFeatures(short)).toEqual(queryFeatures(short));
    const text =
      'Soldiers need to move back to their barracks and leaders need to move to peace, the secretary said of the talks. ' +
      'Meanwhile the harbour council in Ostrava approved 4,500 new lanterns for the northern quay of the old town.';
    const tokens = tokenize(text);
    const picked = lookupFeatures(tokens);
    expect(picked.length).toBe(LOOKUP_FEATURE_BUDGET);
    const all = new Set(queryFeatures(tokens).map((f) => f.key));
    expect(picked.every((f) => all.has(f.key))).toBe(true);
    // Both sentences are read, so a highlight crossing a paragraph break finds both paragraphs.
    const first = new Set(queryFeatures(tokenize(text.split('. ')[0])).map((f) => f.key));
    const inFirst = picked.filter((f) => first.has(f.key)).length;
    expect(inFirst).toBeGreaterThan(0);
    expect(inFirst).toBeLessThan(picked.length);
    // A stop-word pair ("of the") is never read while rarer features are left.
    const ofThe = queryFeatures(tokenize('of the')).find((f) => f.kind === 'bigram')!.key;
    expect(picked.some((f) => f.key === ofThe)).toBe(false);
  });

  test('posting lists add and remove; past the cap they keep a true total and list quotations first', () => {
    let v = updatePosting(null, new Set(), ['pa', 'pb']);
    expect(parsePosting(v)).toEqual({ ids: ['pa', 'pb'], total: 2 });
    v = updatePosting(v, new Set(['pa']), []);
    expect(parsePosting(v)).toEqual({ ids: ['pb'], total: 1 });
    expect(updatePosting(v, new Set(['pb']), [])).toBeNull();
    const many = Array.from({ length: POSTING_CAP + 50 }, (_, i) => `p${i}`);
    let full = updatePosting(null, new Set(), many);
    expect(parsePosting(full).total).toBe(POSTING_CAP + 50);
    expect(parsePosting(full).ids).toHaveLength(POSTING_CAP);
    expect(full!.length).toBeLessThan(POSTING_CAP * 8);
    // A quotation filed after the list is full is still listed, ahead of the passages.
    full = updatePosting(full, new Set(), ['qx']);
    expect(parsePosting(full).ids[0]).toBe('qx');
    expect(parsePosting(full).total).toBe(POSTING_CAP + 51);
    // Removing units no longer listed still counts them out.
    full = updatePosting(full, new Set(['p170', 'p171']), []);
    expect(parsePosting(full).total).toBe(POSTING_CAP + 49);
    // A list written by the first layout ('*') reads as too common, nothing listed.
    expect(parsePosting(SATURATED)).toEqual({ ids: [], total: POSTING_CAP + 1 });
  });
});

describe('score upper bound (lets lookup skip aligning hopeless candidates)', () => {
  const WORDS = [
    'the',
    'delegations',
    'delgations',
    'agreed',
    'agred',
    'to',
    'continue',
    'negotiations',
    'next',
    'meeting',
    'border',
    'said',
    'of',
    'a',
    'president',
    'russian',
    'not',
    '...',
    '[sic]',
  ];
  const text = (n: number) => fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: n }).map((w) => w.join(' '));

  test('is never below the score of any alignment the excerpt gives (short and long highlights)', () => {
    fc.assert(
      fc.property(text(70), text(120), (q, src) => {
        const query = prepare(tokenize(q));
        const source = tokenize(src);
        const bound = scoreUpperBound(query, source);
        for (const a of align(query, source)) expect(a.score).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 300 },
    );
  });

  test('rules out an unrelated excerpt for a long highlight and keeps the true source', () => {
    const long = `${SOURCE_TEXT} Ukrainian officials said the talks had produced no agreement on a ceasefire, and that humanitarian corridors for civilians remained the priority of the Ukrainian side in the negotiations.`;
    const query = prepare(tokenize(long));
    const source = tokenize(`${long} The talks resume next week.`);
    expect(
      scoreUpperBound(query, tokenize('Prices of wheat rose sharply in markets across Europe this week, traders in the region said on Monday.')),
    ).toBeLessThan(SCORE_THRESHOLD);
    expect(scoreUpperBound(query, source)).toBeGreaterThanOrEqual(align(query, source)[0].score);
    expect(align(query, source)[0].score).toBeGreaterThan(0.95);
  });
});
