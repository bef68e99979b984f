/**
 * Findings at ingest over an in-memory KV (the fictional harbour council): a report that alters the
 * transcript's words or credits them to someone else is recorded, in whatever order the articles
 * arrive, and withdrawn when the report is corrected or retracted.
 */
import { describe, expect, test } from 'vitest';
import { findingClaimReviewDraft } from '../../worker/core/findings';
import type { ArticleSource } from '../../worker/core/types';
import { deleteArticle, putArticle } from '../../worker/store/records';
import { getFinding, listFindings } from '../../worker/store/findings';
import { KEY_PREFIX } from '../../worker/store/keys';
import { MemoryKV } from '../../worker/store/kv';
import { ARTICLES, CREDITED_ELSEWHERE, MISQUOTE, TRANSCRIPT, VERBATIM } from '../harbour';

async function load(sources: ArticleSource[], now = '2026-11-30T10:00:00Z') {
  const kv = new MemoryKV();
  for (const s of sources) await putArticle(kv, s, { now });
  return kv;
}

const summary = async (kv: MemoryKV) => (await listFindings(kv, { pageSize: 100 })).findings.map((f) => [f.kind, f.appearance.articleId, f.id]).sort();

describe('findings at ingest', () => {
  test('the misquote and the misattribution are found, the verbatim report is not', async () => {
    const kv = await load(ARTICLES);
    const { findings } = await listFindings(kv, { pageSize: 100 });
    expect(findings.map((f) => [f.kind, f.appearance.articleId]).sort()).toEqual([
      ['misattributed', CREDITED_ELSEWHERE.id],
      ['misquoted', MISQUOTE.id],
    ]);
    const misquoted = findings.find((f) => f.kind === 'misquoted')!;
    expect(misquoted).toMatchObject({
      site: 'news.example',
      found: '2026-11-30T10:00:00Z',
      original: { article: { id: TRANSCRIPT.id }, speaker: { name: 'Holt' } },
    });
    expect(misquoted.differences).toEqual([expect.objectContaining({ kind: 'delete', source: 'not', meaning: 'negation' })]);
    const misattributed = findings.find((f) => f.kind === 'misattributed')!;
    expect(misattributed.misattribution).toEqual({ credited: expect.stringContaining('Okonjo'), original: 'Holt' });
    expect(await getFinding(kv, misquoted.id)).toEqual(misquoted);
  });

  test('the same findings in every ingestion order (a transcript that arrives last finds them too)', async () => {
    const reference = await summary(await load(ARTICLES));
    expect(await summary(await load([MISQUOTE, CREDITED_ELSEWHERE, VERBATIM, TRANSCRIPT]))).toEqual(reference);
    expect(await summary(await load([VERBATIM, TRANSCRIPT, CREDITED_ELSEWHERE, MISQUOTE]))).toEqual(reference);
  });

  test('a corrected or retracted report loses its finding; without the transcript there are none', async () => {
    const kv = await load(ARTICLES);
    await putArticle(kv, { ...MISQUOTE, body: MISQUOTE.body.replace('will be cancelled', 'will not be cancelled') });
    expect((await summary(kv)).map(([kind]) => kind)).toEqual(['misattributed']);
    await deleteArticle(kv, CREDITED_ELSEWHERE.id);
    expect(await summary(kv)).toEqual([]);
    await putArticle(kv, MISQUOTE);
    expect((await summary(kv)).map(([kind]) => kind)).toEqual(['misquoted']);
    await deleteArticle(kv, TRANSCRIPT.id);
    expect(await summary(kv)).toEqual([]);
    expect(
      [...kv.data.keys()].filter(
        (k) => k.startsWith(KEY_PREFIX.finding) || k.startsWith(KEY_PREFIX.findingsByTime) || k.startsWith(KEY_PREFIX.quotationFindings),
      ),
    ).toEqual([]);
  });

  test('listed newest first, paged, by site and since', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, TRANSCRIPT, { now: '2026-11-01T00:00:00Z' });
    await putArticle(kv, MISQUOTE, { now: '2026-11-02T00:00:00Z' });
    const other = { ...CREDITED_ELSEWHERE, url: 'https://www.other.example/ferry' };
    await putArticle(kv, other, { now: '2026-11-03T00:00:00Z' });
    const first = await listFindings(kv, { pageSize: 1 });
    expect(first.findings.map((f) => f.appearance.articleId)).toEqual([other.id]);
    expect(first.nextPageToken).toBeTruthy();
    const second = await listFindings(kv, { pageSize: 1, pageToken: first.nextPageToken });
    expect(second.findings.map((f) => f.appearance.articleId)).toEqual([MISQUOTE.id]);
    expect((await listFindings(kv, { pageSize: 10, site: 'other.example' })).findings.map((f) => f.site)).toEqual(['other.example']);
    expect((await listFindings(kv, { pageSize: 10, since: '2026-11-02T12:00:00Z' })).findings.map((f) => f.appearance.articleId)).toEqual([other.id]);
  });

  test("a finding's ClaimReview is a draft citing the record, never a published verdict", async () => {
    const kv = await load(ARTICLES);
    const { findings } = await listFindings(kv, { pageSize: 10 });
    const ld = findingClaimReviewDraft(findings.find((f) => f.kind === 'misquoted')!, 'https://qs.example');
    expect(ld).toMatchObject({
      '@type': 'ClaimReview',
      creativeWorkStatus: 'Draft',
      claimReviewed: 'The night ferry will be cancelled this winter',
      reviewRating: { alternateName: 'Misquoted' },
      itemReviewed: { '@type': 'Claim', appearance: [{ url: MISQUOTE.url }] },
      isBasedOn: { url: TRANSCRIPT.url, author: { name: 'Holt' } },
    });
    expect(ld).not.toHaveProperty('author');
  });
});
