import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { LOOKUP_FEATURE_BUDGET } from '../../worker/core/features';
import { tokenize } from '../../worker/core/normalise';
import type { ArticleSource, Excerpt } from '../../worker/core/types';
import { deleteArticle, putArticle, putClaims } from '../../worker/store/records';
import { keys, KEY_PREFIX } from '../../worker/store/keys';
import { MemoryKV } from '../../worker/store/kv';
import { lookup, lookupBatch, MAX_CANDIDATES } from '../../worker/store/lookup';
import { SEED_ARTICLES, SEED_CLAIMS, SEED_REPORT, SEED_REPORT_ID, UN_PRESS, XINHUA } from '../seed-sources';

/** Fictional: the same sentence in two articles, in different places, for prefix/suffix disambiguation. */
const FERRY_A: ArticleSource = {
  id: 'ferry-a-2024-03-13',
  title: 'Harbour council keeps the night ferry',
  published: '2024-03-13',
  body:
    'The harbour council met on Tuesday. "It needs to keep running," councillor Maren Holt said of the night ferry.\n\n' +
    'The council also asked for new lights along the northern quay before the winter storms.',
};
const FERRY_B: ArticleSource = {
  id: 'ferry-b-2024-03-14',
  title: 'Ferry users petition the council',
  published: '2024-03-14',
  body: 'Commuters signed a petition on Wednesday. "It needs to keep running," one commuter wrote, "or we lose our jobs."',
};

let kv: MemoryKV;
let excerpts: Excerpt[];

beforeAll(async () => {
  kv = new MemoryKV();
  for (const a of SEED_ARTICLES) await putArticle(kv, a);
  await putArticle(kv, FERRY_A);
  await putArticle(kv, FERRY_B);
  await putClaims(kv, SEED_CLAIMS);
  const names = [...kv.data.keys()].filter((k) => k.startsWith(KEY_PREFIX.excerpt));
  excerpts = names.map((k) => JSON.parse(kv.data.get(k)!) as Excerpt);
});

describe('seed scenarios (the seed document, UN press release GA/12404, Xinhua coverage)', () => {
  test('the seed\'s "leaders need to move back to peace": no primary holds it, so the earliest report is the original and both wordings are listed', async () => {
    const { matches, stats } = await lookup(kv, { exact: 'leaders need to move back to peace' });
    expect(stats.roundTrips).toBeLessThanOrEqual(2);
    const [m] = matches;
    expect(m.source.kind).toBe('earliest-report');
    expect(m.source.article.id).toBe(SEED_REPORT_ID);
    expect(m.source.speaker?.name).toBe('António Guterres');
    expect(m.source.excerpt.text.slice(m.source.start, m.source.end)).toBe(m.source.exact);
    expect(m.differences).toEqual([]);
    expect(m.appearances.count).toBe(2);
    expect(m.appearances.wordings).toBe(2);
    const xinhua = m.appearances.variants.find((v) => !v.original)!;
    expect(xinhua.wording).toContain('Leaders need to move to peace');
    expect(xinhua.differences).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'delete', source: 'back' })]));
    expect(m.claims.some((c) => c.id === 'sample-guterres-leaders-move-back-to-peace')).toBe(true);
  });

  test("Xinhua's wording is compared with the earliest report, never confirmed by its own copy", async () => {
    const [m] = (await lookup(kv, { exact: 'Soldiers need to move back to their barracks. Leaders need to move to peace.' })).matches;
    expect(m.article.id).toBe(XINHUA.id);
    expect(m.source).toMatchObject({ kind: 'earliest-report', article: { id: SEED_REPORT_ID } });
    expect(m.differences.map((d) => [d.kind, d.source])).toEqual([
      ['delete', 'and'],
      ['delete', 'back'],
    ]);
    expect(m.altered).toBe(false);
  });

  test('words the UN press release quotes come back with it as the primary source', async () => {
    const [enough] = (await lookup(kv, { exact: 'Enough is enough' })).matches;
    expect(enough.source).toMatchObject({ kind: 'primary', article: { id: UN_PRESS.id }, exact: 'Enough is enough' });
    expect(enough.source.speaker?.name).toBe('António Guterres');
    const flipped = (await lookup(kv, { exact: 'The fighting in Ukraine must not stop now.' })).matches[0];
    expect(flipped.source.kind).toBe('primary');
    expect(flipped.altered).toBe(true);
    expect(flipped.differences[0]).toMatchObject({ kind: 'insert', quoted: 'not', meaning: 'negation' });
  });

  test('the Medinsky quote with typos is found with speaker Vladimir Medinsky', async () => {
    const { matches } = await lookup(kv, { exact: '“We found some pionts by wich we can predict comon positions”' });
    expect(matches[0].speaker?.name).toBe('Vladimir Medinsky');
    expect(matches[0].quote.exact).toBe('We found some points by which we can predict common positions');
    expect(matches[0].differences.every((d) => d.kind === 'replace' && !d.meaning)).toBe(true);
  });

  test('a non-quote sentence of the seed is found, with no speaker and no differences', async () => {
    const { matches } = await lookup(kv, { exact: 'the United Nationals General Assembly (UNGA) held an Emergency Session on Monday, February 28' });
    expect(matches[0].excerpt.text).toContain('United Nationals General Assembly');
    expect(matches[0].speaker).toBeUndefined();
    expect(matches[0].differences).toEqual([]);
    expect(matches[0].score).toBeGreaterThan(0.9);
  });

  test('a sentence not in the corpus has no match', async () => {
    const { matches } = await lookup(kv, { exact: 'The central bank raised interest rates by half a point to curb inflation in the euro area.' });
    expect(matches).toEqual([]);
    const sameTopic = await lookup(kv, { exact: 'Russian troops withdrew from the Polish border after the talks collapsed in Minsk.' });
    expect(sameTopic.matches).toEqual([]);
  });
});

describe('lookup behaviour', () => {
  test('curly quotes, case, line breaks and an ellipsis all find the passage', async () => {
    const { matches } = await lookup(kv, { exact: '"enough is ENOUGH,\nsoldiers need to move back … and leaders need to move back to peace"' });
    expect(matches[0].speaker?.name).toBe('António Guterres');
    expect(matches[0].differences).toEqual([]);
  });

  test('a highlight across a paragraph break is found in both excerpts', async () => {
    const { matches } = await lookup(kv, {
      exact:
        'after the delegations consult their capitals on the issues discussed in the first round.\n\nDuring the first round, Ukraine demanded the complete withdrawal',
    });
    const [m] = matches;
    expect(m.excerpt.id).toBe(`${SEED_REPORT_ID}~0`);
    expect(m.quote.exact).toBe('after the delegations consult their capitals on the issues discussed in the first round');
    expect(m.continuation).toMatchObject({
      excerptId: `${SEED_REPORT_ID}~1`,
      exact: 'During the first round, Ukraine demanded the complete withdrawal',
      start: 0,
    });
    expect(m.differences).toEqual([]);
  });

  test('a highlight running from a heading into the next paragraph is not altered (no "inserted number")', async () => {
    const { matches } = await lookup(kv, {
      exact: 'UNGA convenes Emergency Session\n\nMeanwhile, the United Nationals General Assembly (UNGA) held an Emergency Session on Monday, February 28.',
    });
    // Found where it sits: the heading, running on into the paragraph (nothing reported as inserted).
    expect(`${matches[0].excerpt.text}\n${matches[0].continuation?.exact ?? ''}`).toContain('United Nationals General Assembly');
    expect(matches[0].altered).toBe(false);
    expect(matches[0].differences.some((d) => d.meaning)).toBe(false);
  });

  test('prefix and suffix pick the right one of repeated passages', async () => {
    const inA = await lookup(kv, {
      exact: 'It needs to keep running',
      prefix: 'The harbour council met on Tuesday. "',
      suffix: '," councillor Maren Holt said',
    });
    expect(inA.matches[0].article.id).toBe('ferry-a-2024-03-13');
    const inB = await lookup(kv, { exact: 'It needs to keep running', prefix: 'Commuters signed a petition on Wednesday. "', suffix: '," one commuter wrote' });
    expect(inB.matches[0].article.id).toBe('ferry-b-2024-03-14');
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
    const results = await lookupBatch(kv, [
      { exact: 'Leaders need to move to peace' },
      { exact: 'The fighting in Ukraine must stop now' },
      { exact: 'of the' },
    ]);
    expect(kv.roundTrips - before).toBe(2);
    expect(results[0].matches[0].source.exact).toContain('leaders need to move back to peace');
    expect(results[1].matches[0].source.kind).toBe('primary');
    expect(results[2].matches).toEqual([]);
  });

  test('deleting an article takes it out of the index', async () => {
    const local = new MemoryKV();
    await putArticle(local, FERRY_A);
    expect((await lookup(local, { exact: 'asked for new lights along the northern quay' })).matches).toHaveLength(1);
    await deleteArticle(local, 'ferry-a-2024-03-13');
    expect((await lookup(local, { exact: 'asked for new lights along the northern quay' })).matches).toEqual([]);
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
        // Differences are taken against the original: none when this excerpt is it.
        if (matches[0].source.excerpt.id === ex.id) expect(matches[0].differences).toEqual([]);
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
      `[[[[[${'…'.repeat(10_000)}`,
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

  test('lookup reads its feature budget of index keys and the excerpts it verifies', async () => {
    const r = await lookup(kv, { exact: SEED_REPORT.body });
    expect(r.stats.roundTrips).toBeLessThanOrEqual(2);
    // A whole article as the highlight: one bulk get of index keys, the candidates, the slots kept for quotations.
    expect(r.stats.keysRead).toBeLessThanOrEqual(100 + MAX_CANDIDATES + Math.ceil(MAX_CANDIDATES / 3));
    const wide = await lookup(kv, { exact: SEED_REPORT.body }, { featureBudget: 100 });
    expect(r.matches.map((m) => m.excerpt.id)).toEqual(wide.matches.map((m) => m.excerpt.id));
    expect(kv.data.has(keys.article(SEED_REPORT_ID))).toBe(true);
    // A quotation-sized highlight reads its budget of index keys, not every feature it has.
    const short = await lookup(kv, { exact: 'Soldiers need to move back to their barracks. Leaders need to move to peace. Civilians must be protected.' });
    expect(short.matches.length).toBeGreaterThan(0);
    expect(short.stats.keysRead).toBeLessThanOrEqual(LOOKUP_FEATURE_BUDGET + MAX_CANDIDATES + Math.ceil(MAX_CANDIDATES / 3));
  });
});
