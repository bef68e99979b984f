/**
 * Importing fact-checkers' data: ClaimReview JSON-LD (objects, @graphs, DataFeeds), fact-check pages,
 * LIAR's TSV and ClaimsKG's CSV. Fixtures in tests/fixtures/ingest/factcheck are fictional; the real
 * LIAR and ClaimsKG files are read from ../shared/corpus (skipped with a message when absent).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from '../../bench/corpus';
import { ingest } from '../../scripts/ingest';
import { isoDate } from '../../worker/core/dates';
import { claimsFromClaimReviewJson, claimsFromClaimsKg, claimsFromLiar, parseDelimited } from '../../worker/core/extract/claim-review';
import { claimsFromHtml } from '../../worker/core/extract/claim-review-html';
import { searchClaims } from '../../worker/store/claims';
import { MemoryKV } from '../../worker/store/kv';

const fixtures = join(import.meta.dirname, '../fixtures/ingest/factcheck');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

describe('isoDate', () => {
  test.each([
    ['2021-7-16', '2021-07-16'],
    ['28 February 2022', '2022-02-28'],
    ['February 28, 2022', '2022-02-28'],
    ['Feb. 3 2021', '2021-02-03'],
    ['2021-07-20T09:30:00-0400', '2021-07-20T09:30:00-04:00'],
    ['2021-07-20 09:30', '2021-07-20T09:30:00Z'],
    ['2021-02-30', ''],
    ['07/08/2021', ''],
    ['yesterday', ''],
    ['', ''],
  ])('%s → %s', (raw, iso) => expect(isoDate(raw)).toBe(iso));
});

describe('ClaimReview JSON-LD', () => {
  test('a DataFeed: DataFeedItems and bare ClaimReviews; a review without a verdict is rejected by position', () => {
    const got = claimsFromClaimReviewJson(JSON.parse(fixture('fictional-feed.json')));
    expect(got.claims.map((c) => c.text)).toEqual(['Island ferry fares doubled in a single year.', 'The harbour was dredged to twelve metres last spring.']);
    expect(got.rejected).toEqual([{ where: 'ClaimReview 3', message: expect.stringMatching(/alternateName/) }]);
    const [ferry, harbour] = got.claims;
    expect(ferry).toMatchObject({ claimant: 'Island Ferry Riders Group', appearances: [{ url: 'https://social.example/post/123' }] });
    expect(ferry.reviews![0]).toMatchObject({
      publisher: { name: 'Harbour Facts', site: 'harbour-facts.example' },
      url: 'https://checks.harbour-facts.example/ferry-fares',
      reviewDate: '2021-07-20',
      textualRating: 'Mostly false',
      ratingValue: 2,
    });
    // 7 on a 1–5 scale: the number is dropped, the words stay.
    expect(harbour.reviews![0]).toMatchObject({ textualRating: 'True' });
    expect(harbour.reviews![0].ratingValue).toBeUndefined();
  });

  test('a fact-check page: the ClaimReview in its @graph, the page as its URL, a broken block reported', () => {
    const got = claimsFromHtml(fixture('lakeside-checks-bridge-toll.html'));
    expect(got.claims).toHaveLength(1);
    expect(got.claims[0]).toMatchObject({ text: 'The lake bridge toll has tripled since 2019.', claimant: 'Councillor Pim Ostrava', claimDate: '2021-02-28' });
    expect(got.claims[0].reviews![0]).toMatchObject({
      url: 'https://www.lakeside-checks.example/2021/07/bridge-toll',
      reviewDate: '2021-07-16',
      ratingValue: 1,
      bestRating: 5,
      worstRating: 1,
    });
    expect(got.rejected).toEqual([{ where: 'JSON-LD block 2', message: expect.stringMatching(/invalid JSON/) }]);
  });

  test('two publishers reviewing the same claim in one file: one claim, two reviews', () => {
    const review = (site: string, rating: string) => ({
      '@type': 'ClaimReview',
      url: `https://${site}/r`,
      claimReviewed: 'The pier is 400 metres long.',
      itemReviewed: { '@type': 'Claim', author: 'Pier Society' },
      reviewRating: { '@type': 'Rating', alternateName: rating },
    });
    const got = claimsFromClaimReviewJson([review('a.example', 'False'), review('b.example', 'Misleading')]);
    expect(got.claims).toHaveLength(1);
    expect(got.claims[0].reviews!.map((r) => r.textualRating)).toEqual(['False', 'Misleading']);
  });
});

describe('delimited files', () => {
  test('CSV fields with quotes, commas and newlines; TSV never quotes', () => {
    expect(parseDelimited('a,"b ""c"", d\ne",f\n1,2,3\n', ',').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b "c", d\ne', 'f']],
      [3, ['1', '2', '3']],
    ]);
    expect(parseDelimited('"x\ty\n', '\t')[0].fields).toEqual(['"x', 'y']);
  });

  test("LIAR rows: labels in PolitiFact's words; bad rows named by row", () => {
    const got = claimsFromLiar(fixture('fictional-liar.tsv'));
    expect(got.claims.map((c) => [c.id, c.claimant, c.reviews![0].textualRating])).toEqual([
      ['liar-13001', 'Ilse Varga', 'False'],
      ['liar-13004', 'Pim Ostrava', 'Pants on Fire'],
    ]);
    expect(got.rejected).toEqual([
      { where: 'row 2', message: expect.stringMatching(/unknown label "somewhat"/) },
      { where: 'row 3', message: expect.stringMatching(/expected 14 .* found 3/) },
    ]);
    // LIAR names no review page and no date: none is made up.
    expect(got.claims[0].reviews![0]).toMatchObject({ url: '', reviewDate: '', publisher: { name: 'PolitiFact', site: 'politifact.com' } });
  });

  test('ClaimsKG rows: a quoted multi-line claim; no verdict or no URL → rejected with the row where it starts', () => {
    const got = claimsFromClaimsKg(fixture('fictional-claimskg.csv'));
    expect(got.claims).toHaveLength(1);
    expect(got.claims[0].text).toBe('The tide tables were rewritten, with "new" numbers, across two lines.');
    // creativeWork_author_name is the fact-check's writer in ClaimsKG: never the claimant.
    expect(got.claims[0].claimant).toBe('');
    expect(got.claims[0].reviews![0]).toMatchObject({ reviewDate: '2021-07-05', publisher: { site: 'harbour-facts.example' } });
    expect(got.rejected).toEqual([
      { where: 'row 4', message: expect.stringMatching(/rating_alternateName/) },
      { where: 'row 5', message: expect.stringMatching(/claimReview_url/) },
    ]);
  });
});

describe('ingest CLI on fact-check data', () => {
  const load = async (kv: MemoryKV, paths: string[]) => {
    const lines: string[] = [];
    const totals = await ingest({ target: { kind: 'kv', kv }, paths, log: (l) => lines.push(l) });
    return { lines, totals };
  };

  test('per-file report, rejected rows named by file and row, the rest in; re-import writes nothing', async () => {
    const kv = new MemoryKV();
    const first = await load(kv, [fixtures]);
    // 6 imported claims, plus the one the page's own article derives from its quotation.
    expect(first.totals).toMatchObject({ files: 4, failed: 0, created: 1, claims: 7, rejected: 6 });
    const line = (file: string) => first.lines.find((l) => l.startsWith('claims') && l.includes(file)) ?? '';
    expect(line('fictional-liar.tsv')).toMatch(/format=liar claims=2 created=2 updated=0 unchanged=0 rejected=2/);
    expect(line('fictional-claimskg.csv')).toMatch(/format=claimskg claims=1 created=1 .* rejected=2/);
    expect(line('fictional-feed.json')).toMatch(/format=claimreview claims=2 created=2 .* rejected=1/);
    expect(line('lakeside-checks-bridge-toll.html')).toMatch(/format=claimreview-page claims=1 created=1 .* rejected=1/);
    expect(first.lines).toContain(
      `rejected   ${join('tests/fixtures/ingest/factcheck', 'fictional-liar.tsv')} row 2: unknown label "somewhat" (expected one of true, mostly-true, half-true, barely-true, false, pants-fire)`,
    );
    const snapshot = JSON.stringify(kv.toBulk());

    const again = await load(kv, [fixtures]);
    expect(again.totals).toMatchObject({ claims: 7, keysWritten: 0, keysDeleted: 0, unchanged: 1 });
    for (const l of again.lines.filter((l) => l.startsWith('claims'))) expect(l).toMatch(/created=0 updated=0 unchanged=\d+ .*keys: \+0 -0/);
    expect(JSON.stringify(kv.toBulk())).toBe(snapshot);

    const { response } = await searchClaims(kv, { query: 'lake bridge toll tripled', pageSize: 5, reviewedOnly: true });
    expect(response.claims?.[0].claimReview[0].url).toBe('https://www.lakeside-checks.example/2021/07/bridge-toll');
  });
});

describe.skipIf(!corpusAvailable())(`LIAR and ClaimsKG from ${CORPUS_DIR}/claims`, () => {
  const claimsDir = join(CORPUS_DIR, 'claims');

  test('every LIAR row imports (12,836 statements in train, valid and test)', () => {
    let total = 0;
    for (const file of ['train.tsv', 'valid.tsv', 'test.tsv']) {
      const got = claimsFromLiar(readFileSync(join(claimsDir, 'liar', file), 'utf8'));
      expect(got.rejected).toEqual([]);
      total += got.claims.length;
    }
    expect(total).toBe(12_836);
  });

  test('ClaimsKG samples: rows with a claim go in; rows whose claim column is empty are rejected, by row', () => {
    const counts: Record<string, [number, number]> = {};
    for (const file of readdirSync(join(claimsDir, 'claimskg-samples')).sort()) {
      const got = claimsFromClaimsKg(readFileSync(join(claimsDir, 'claimskg-samples', file), 'utf8'));
      counts[file.replace(/^output_sample_|\.csv$/g, '')] = [got.claims.length, got.rejected.length];
      for (const r of got.rejected) expect(r.where).toMatch(/^row \d+$/);
      for (const c of got.claims) expect(c.reviews![0].url).toMatch(/^https?:\/\//);
    }
    // AAP's and most of Africa Check's sample rows carry no claimReview_claimReviewed.
    expect(counts.aap).toEqual([0, 100]);
    expect(counts.politifact).toEqual([30, 0]);
    expect(Object.values(counts).reduce((n, [ok]) => n + ok, 0)).toBe(342);
  });

  test('imported into one store, the ClaimsKG PolitiFact reviews are found by site, with no query', async () => {
    const kv = new MemoryKV();
    const lines: string[] = [];
    await ingest({ target: { kind: 'kv', kv }, paths: [join(claimsDir, 'claimskg-samples')], log: (l) => lines.push(l), quiet: true });
    const { response } = await searchClaims(kv, { reviewPublisherSiteFilter: 'politifact.com', pageSize: 100, reviewedOnly: true });
    expect(response.claims).toHaveLength(30);
    expect(lines.filter((l) => l.startsWith('rejected'))).toHaveLength(124);
  });
});

describe.skipIf(!corpusAvailable())('a site filter without a query returns every match, paged', () => {
  test('politifact.com: all 12,836 LIAR + 30 ClaimsKG reviews, each once (no cap at 1,000)', async () => {
    const kv = new MemoryKV();
    await ingest({ target: { kind: 'kv', kv }, paths: [join(CORPUS_DIR, 'claims')], log: () => {}, quiet: true });
    const seen = new Set<string>();
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { response } = await searchClaims(kv, { reviewPublisherSiteFilter: 'www.politifact.com', pageSize: 100, pageToken, reviewedOnly: true });
      for (const c of response.claims ?? []) seen.add(`${c.claimant}|${c.text}`);
      pageToken = response.nextPageToken;
      pages++;
    } while (pageToken && pages < 500);
    expect(pages).toBe(129);
    // Distinct claimant + text: LIAR repeats a few statements under different ids.
    expect(seen.size).toBeGreaterThan(12_800);
  }, 120_000);
});

test.runIf(!corpusAvailable())('corpus absent: LIAR and ClaimsKG import checks skipped', () => {
  console.warn(`skipped: ${CORPUS_DIR}/claims not found`);
});
