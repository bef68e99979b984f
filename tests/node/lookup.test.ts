import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { tokenize } from '../../worker/core/normalise';
import type { ArticleSource, ClaimSource, Excerpt } from '../../worker/core/types';
import { deleteArticle, putArticle, putClaims } from '../../worker/store/articles';
import { keys, KEY_PREFIX } from '../../worker/store/keys';
import { MemoryKV } from '../../worker/store/kv';
import { lookup, lookupBatch } from '../../worker/store/lookup';

const seedArticle = JSON.parse(
  readFileSync(new URL('../../seeds/articles/ukraine-russia-talks-2022-02-28.json', import.meta.url), 'utf8'),
) as ArticleSource;
const seedClaims = (JSON.parse(readFileSync(new URL('../../seeds/claims/samples.claims.json', import.meta.url), 'utf8')) as { claims: ClaimSource[] }).claims;

/** A second article with a passage repeated from the seed, for prefix/suffix disambiguation. */
const ECHO: ArticleSource = {
  id: 'echo-2022-03-01',
  title: 'Reactions to the emergency session',
  published: '2022-03-01',
  body:
    'Diplomats in Geneva welcomed the appeal. "It needs to stop now," a spokesperson for the mission repeated on Tuesday, quoting the Secretary-General.\n\n' +
    'The mission also asked for humanitarian corridors around the besieged cities in the east of the country.',
};

let kv: MemoryKV;
let excerpts: Excerpt[];

beforeAll(async () => {
  kv = new MemoryKV();
  await putArticle(kv, seedArticle);
  await putArticle(kv, ECHO);
  await putClaims(kv, seedClaims);
  const names = [...kv.data.keys()].filter((k) => k.startsWith(KEY_PREFIX.excerpt));
  excerpts = names.map((k) => JSON.parse(kv.data.get(k)!) as Excerpt);
});

describe('seed scenarios', () => {
  test("the seed's altered Guterres quote is found, and the difference shows 'back' deleted", async () => {
    const { matches, stats } = await lookup(kv, { exact: 'Leaders need to move to peace' });
    expect(stats.roundTrips).toBeLessThanOrEqual(2);
    const [m] = matches;
    expect(m.quote.exact).toBe('Leaders need to move back to peace');
    expect(m.excerpt.text.slice(m.quote.start, m.quote.end)).toBe(m.quote.exact);
    expect(m.speaker?.name).toBe('António Guterres');
    expect(m.differences).toEqual([expect.objectContaining({ kind: 'delete', source: 'back', quoted: '' })]);
    expect(m.altered).toBe(false);
    expect(m.article.id).toBe('ukraine-russia-talks-belarus-2022-02-28');
    expect(m.claims.some((c) => c.id === 'sample-guterres-leaders-move-back-to-peace')).toBe(true);
  });

  test('the Medinsky quote with typos is found with speaker Vladimir Medinsky', async () => {
    const { matches } = await lookup(kv, {
      exact: '“We discused in detial every item on the agenda. We found some points by wich we can predict comon positions”',
    });
    expect(matches[0].speaker?.name).toBe('Vladimir Medinsky');
    expect(matches[0].quote.exact).toBe(
      'We discussed in detail every item on the agenda. We found some points by which we can predict common positions',
    );
    expect(matches[0].differences.every((d) => d.kind === 'replace' && !d.meaning)).toBe(true);
  });

  test('a non-quote claim sentence is found, with no speaker and no differences', async () => {
    const { matches } = await lookup(kv, {
      exact: 'the United Nationals General Assembly opened its eleventh emergency special session on the situation in Ukraine',
    });
    expect(matches[0].excerpt.text).toContain('United Nationals General Assembly');
    expect(matches[0].differences).toEqual([]);
    expect(matches[0].score).toBeGreaterThan(0.9);
  });

  test('a sentence not in the corpus has no match', async () => {
    const { matches } = await lookup(kv, { exact: 'The central bank raised interest rates by half a point to curb inflation in the euro area.' });
    expect(matches).toEqual([]);
    const sameTopic = await lookup(kv, { exact: 'Russian troops withdrew from the Polish border after the talks collapsed in Minsk.' });
    expect(sameTopic.matches).toEqual([]);
  });

  test('a negation flip is found and flagged as altered', async () => {
    const { matches } = await lookup(kv, { exact: 'The fighting in Ukraine must not stop now.' });
    expect(matches[0].altered).toBe(true);
    expect(matches[0].differences[0]).toMatchObject({ kind: 'insert', quoted: 'not', meaning: 'negation' });
    const dropped = await lookup(kv, { exact: 'he said that even wars have rules and that international humanitarian law must be respected' });
    expect(dropped.matches[0].altered).toBe(false);
  });
});

describe('lookup behaviour', () => {
  test('curly quotes, case, line breaks and an ellipsis all find the passage', async () => {
    const { matches } = await lookup(kv, { exact: '"enough is ENOUGH.\nThe fighting in Ukraine must stop now … Soldiers need to move back to their barracks"' });
    expect(matches[0].speaker?.name).toBe('António Guterres');
    expect(matches[0].differences).toEqual([]);
  });

  test('a highlight across a paragraph break is found in both excerpts', async () => {
    const { matches } = await lookup(kv, {
      exact: 'Vladimir Medinsky told reporters after the meeting.\n\nMedinsky, an aide to the Russian president, said the delegations had agreed to continue',
    });
    const [m] = matches;
    expect(m.excerpt.id).toBe('ukraine-russia-talks-belarus-2022-02-28~1');
    expect(m.quote.exact).toBe('Vladimir Medinsky told reporters after the meeting');
    expect(m.continuation).toMatchObject({
      excerptId: 'ukraine-russia-talks-belarus-2022-02-28~2',
      exact: 'Medinsky, an aide to the Russian president, said the delegations had agreed to continue',
      start: 0,
    });
    expect(m.differences).toEqual([]);
  });

  test('prefix and suffix pick the right one of repeated passages', async () => {
    const inEcho = await lookup(kv, { exact: 'It needs to stop now', prefix: 'Diplomats in Geneva welcomed the appeal. "', suffix: '," a spokesperson' });
    expect(inEcho.matches[0].article.id).toBe('echo-2022-03-01');
    const inSeed = await lookup(kv, { exact: 'It needs to stop now', prefix: 'from air, land and sea. ', suffix: '. Soldiers need to' });
    expect(inSeed.matches[0].article.id).toBe('ukraine-russia-talks-belarus-2022-02-28');
  });

  test('stop-word-only and too-short highlights return nothing without reading KV', async () => {
    for (const exact of ['of the', 'and it was the', 'peace', '', '   ']) {
      const r = await lookup(kv, { exact });
      expect(r.matches).toEqual([]);
      expect(r.stats.roundTrips).toBe(0);
    }
  });

  test('batch lookups share two round trips', async () => {
    const before = kv.roundTrips;
    const results = await lookupBatch(kv, [{ exact: 'Leaders need to move to peace' }, { exact: 'Civilians must be protected, Guterres added' }, { exact: 'of the' }]);
    expect(kv.roundTrips - before).toBe(2);
    expect(results[0].matches[0].quote.exact).toContain('Leaders need to move back to peace');
    expect(results[1].matches.length).toBeGreaterThan(0);
    expect(results[2].matches).toEqual([]);
  });

  test('deleting an article takes it out of the index', async () => {
    const local = new MemoryKV();
    await putArticle(local, ECHO);
    expect((await lookup(local, { exact: 'asked for humanitarian corridors around the besieged cities' })).matches).toHaveLength(1);
    await deleteArticle(local, 'echo-2022-03-01');
    expect((await lookup(local, { exact: 'asked for humanitarian corridors around the besieged cities' })).matches).toEqual([]);
    expect([...local.data.keys()].filter((k) => k.startsWith(KEY_PREFIX.indexFeature))).toEqual([]);
  });
});

describe('properties', () => {
  test('every excerpt substring of at least 8 words (not all function words) is found, at its own place', async () => {
    const pick = fc
      .record({ e: fc.nat(), start: fc.nat(), len: fc.integer({ min: 8, max: 40 }) })
      .map(({ e, start, len }) => {
        const ex = excerpts[e % excerpts.length];
        const toks = tokenize(ex.text).filter((t) => !t.gap);
        const n = Math.min(len, toks.length);
        const s = toks.length > n ? start % (toks.length - n + 1) : 0;
        return { ex, from: toks[s].start, to: toks[s + n - 1].end, n };
      })
      .filter(({ n }) => n >= 8);
    await fc.assert(
      fc.asyncProperty(pick, async ({ ex, from, to }) => {
        const exact = ex.text.slice(from, to);
        const { matches, stats } = await lookup(kv, { exact, prefix: ex.text.slice(Math.max(0, from - 30), from), suffix: ex.text.slice(to, to + 30) });
        expect(stats.roundTrips).toBeLessThanOrEqual(2);
        expect(matches[0]?.excerpt.id).toBe(ex.id);
        expect(matches[0].quote.start).toBe(from);
        expect(matches[0].quote.end).toBe(to);
        expect(matches[0].differences).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('lookup never throws on any string (lone surrogates, RTL overrides, huge strings)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), fc.option(fc.string({ unit: 'binary' })), async (exact, prefix) => {
        const r = await lookup(kv, { exact, prefix: prefix ?? undefined });
        expect(Array.isArray(r.matches)).toBe(true);
        expect(r.stats.roundTrips).toBeLessThanOrEqual(2);
      }),
      { numRuns: 500 },
    );
    const hostile = [
      '\uD800\uDC00\uDFFF\uD800 leaders need to move back to peace \uDBFF',
      '\u202Eleaders need to move back to peace\u202C',
      'Leaders need to move back to peace '.repeat(50_000),
      '[[[[[' + '…'.repeat(10_000),
      '\u0000\u0001 null bytes and leaders need to move',
    ];
    for (const exact of hostile) {
      const r = await lookup(kv, { exact });
      expect(Array.isArray(r.matches)).toBe(true);
    }
    // Not even a non-string sneaks through.
    expect((await lookup(kv, { exact: 42 as unknown as string })).matches).toEqual([]);
    expect((await lookup(kv, null as unknown as { exact: string })).matches).toEqual([]);
  });

  test('lookup reads at most 100 index keys and the excerpts it verifies', async () => {
    const r = await lookup(kv, { exact: seedArticle.body });
    expect(r.stats.roundTrips).toBeLessThanOrEqual(2);
    expect(r.stats.keysRead).toBeLessThanOrEqual(100 + 12);
    expect(kv.data.has(keys.article('ukraine-russia-talks-belarus-2022-02-28'))).toBe(true);
  });
});
