/**
 * Google's own client library against the real worker: `@googleapis/factchecktools` (the official
 * Node client of the Fact Check Tools API) with only `rootUrl` changed, talking to `wrangler dev`.
 * Data: the seeds, the fictional fact-check fixtures, and, when ../shared/corpus is present, the
 * ClaimsKG samples (real fact-checks from ten fact-checkers; never copied into the project).
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { factchecktools, type factchecktools_v1alpha1 } from '@googleapis/factchecktools';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from '../../bench/corpus';
import { PROJECT_DIR, startWorker, type Worker } from './harness';

const CLAIMSKG = resolve(CORPUS_DIR, 'claims/claimskg-samples');
let worker: Worker;
let client: factchecktools_v1alpha1.Factchecktools;

/** This suite's own local KV, emptied first: a store left by an older build would hide what this one writes. */
const PERSIST = '.wrangler/e2e-google-client';

beforeAll(async () => {
  rmSync(resolve(PROJECT_DIR, PERSIST), { recursive: true, force: true });
  worker = await startWorker({
    persistTo: PERSIST,
    paths: [resolve(PROJECT_DIR, 'seeds'), resolve(PROJECT_DIR, 'tests/fixtures/ingest/factcheck'), ...(corpusAvailable() ? [CLAIMSKG] : [])],
  });
  // Exactly what an integrator changes: the root URL. No API key is needed (one given is ignored).
  client = factchecktools({ version: 'v1alpha1', rootUrl: `${worker.url}/` });
});
afterAll(async () => worker?.stop());

type Claim = factchecktools_v1alpha1.Schema$GoogleFactcheckingFactchecktoolsV1alpha1Claim;

describe('the official @googleapis/factchecktools client, only rootUrl changed', () => {
  test('search: typed claims with reviews; ordinary client code reads claimReview[0].publisher', async () => {
    const res = await client.claims.search({ query: 'leaders move back to peace', languageCode: 'en' });
    expect(res.status).toBe(200);
    const claims = res.data.claims ?? [];
    expect(claims[0].text).toBe('Leaders need to move back to peace.');
    expect(claims[0].claimant).toBe('António Guterres');
    for (const claim of claims) expect(claim.claimReview![0].publisher!.site).toMatch(/\./);
    expect(claims[0].claimReview![0]).toMatchObject({ textualRating: 'Misquoted', reviewDate: '2022-02-28T00:00:00Z', publisher: { site: 'un.org' } });
  });

  test('a fact-check page imported by the CLI is found with its page as the review URL', async () => {
    const res = await client.claims.search({ query: 'lake bridge toll tripled' });
    expect(res.data.claims?.[0].claimReview?.[0]).toMatchObject({
      url: 'https://www.lakeside-checks.example/2021/07/bridge-toll',
      publisher: { name: 'Lakeside Checks', site: 'lakeside-checks.example' },
      textualRating: 'False',
    });
  });

  test('nothing found: data is {} as from Google', async () => {
    const res = await client.claims.search({ query: 'zebra xylophone quasar' });
    expect(res.data).toEqual({});
  });

  test("an error: the client throws with our message and Google's status", async () => {
    const error = await client.claims.search({ query: 'x', maxAgeDays: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const e = error as Error & { status?: number; response?: { data?: { error?: { status?: string } } } };
    expect(e.message).toMatch(/maxAgeDays must be at least 0/);
    expect(e.message).not.toMatch(/Request failed with status code/);
    expect(e.status).toBe(400);
    expect(e.response?.data?.error?.status).toBe('INVALID_ARGUMENT');
    const missing = await client.claims.search({}).catch((x: Error) => x);
    expect((missing as Error).message).toMatch(/query is required unless reviewPublisherSiteFilter/);
  });

  describe.skipIf(!corpusAvailable())('paging over real fact-checks (ClaimsKG samples)', () => {
    const pageAll = async (params: factchecktools_v1alpha1.Params$Resource$Claims$Search) => {
      const seen: Claim[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const res = await client.claims.search({ ...params, pageToken });
        seen.push(...(res.data.claims ?? []));
        pageToken = res.data.nextPageToken ?? undefined;
        pages++;
      } while (pageToken && pages < 100);
      return { seen, pages };
    };

    test('site filter without a query: every Vishvas News review, by pageToken, each once', async () => {
      const { seen, pages } = await pageAll({ reviewPublisherSiteFilter: 'vishvasnews.com', pageSize: 25 });
      expect(seen).toHaveLength(102);
      expect(pages).toBe(5);
      expect(new Set(seen.map((c) => c.claimReview![0].url)).size).toBe(102);
      expect(seen.every((c) => c.claimReview!.every((r) => r.publisher!.site === 'vishvasnews.com'))).toBe(true);
    });

    test('offset pages give the same list as pageToken pages', async () => {
      // ClaimsKG's 30 PolitiFact reviews and the 2 rows of the LIAR-layout fixture (PolitiFact's by definition).
      const { seen } = await pageAll({ reviewPublisherSiteFilter: 'politifact.com', pageSize: 7 });
      expect(seen).toHaveLength(32);
      const byOffset: Claim[] = [];
      for (let offset = 0; offset < 32; offset += 7)
        byOffset.push(...((await client.claims.search({ reviewPublisherSiteFilter: 'politifact.com', pageSize: 7, offset })).data.claims ?? []));
      expect(byOffset.map((c) => c.text)).toEqual(seen.map((c) => c.text));
    });

    test('a subdomain matches its parent site: factcheck.afp.com under afp.com', async () => {
      const { seen } = await pageAll({ reviewPublisherSiteFilter: 'afp.com', pageSize: 20 });
      expect(seen).toHaveLength(49);
      expect(new Set(seen.map((c) => c.claimReview![0].publisher!.site))).toEqual(new Set(['factcheck.afp.com']));
    });
  });
});
