/**
 * The quote check over an in-memory KV holding the fictional harbour council's record: every
 * quotation of a draft gets the status an editor needs, against the original, in document order.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { BLOCKING_STATUSES } from '../../worker/core/check';
import type { ArticleSource } from '../../worker/core/types';
import { putArticle } from '../../worker/store/records';
import { checkDraft, DraftTooLargeError, MAX_DRAFT_QUOTATIONS } from '../../worker/store/check';
import { MemoryKV } from '../../worker/store/kv';
import { ARTICLES, TRANSCRIPT } from '../harbour';

let kv: MemoryKV;
beforeAll(async () => {
  kv = new MemoryKV();
  for (const a of ARTICLES) await putArticle(kv, a);
});

const draft = (body: string, extra: Partial<ArticleSource> = {}): ArticleSource => ({ title: 'Draft', body, ...extra });

describe('a draft checked against the record', () => {
  test('each quotation gets its status, in document order, with offsets into the extracted text', async () => {
    const body = [
      'The council met on Tuesday. "The night ferry will not be cancelled this winter," Councillor Holt said.',
      'Holt also told members: "The night ferry will be cancelled this winter."',
      'Councillor Okonjo said: "The maintenance budget shows a surplus of forty thousand pounds this year."',
      'Holt added: "The budget shows a surplus of forty thousand pounds this year, and the figures are in the papers for tonight."',
      'A resident said: "The lighthouse keeper has walked the pier every night since the storm began."',
    ].join('\n\n');
    const result = await checkDraft(kv, draft(body));
    expect(result.stats.roundTrips).toBeLessThanOrEqual(2);
    const rows = result.quotations.map((q) => [q.status, q.speaker, q.text]);
    expect(rows).toEqual(
      [
        ['verbatim', 'Holt', 'The night ferry will not be cancelled this winter'],
        ['altered', 'Holt', 'The night ferry will be cancelled this winter.'],
        ['misattributed', 'Okonjo', 'The maintenance budget shows a surplus of forty thousand pounds this year.'],
        ['changed', 'Holt', 'The budget shows a surplus of forty thousand pounds this year, and the figures are in the papers for tonight.'],
        ['no-record', 'resident', 'The lighthouse keeper has walked the pier every night since the storm began.'],
      ].map(([status, speaker, text]) => [status, expect.stringContaining(speaker), text]),
    );
    for (const q of result.quotations) expect(result.text.slice(q.start, q.end)).toBe(q.text);
    // Positions only grow: document order.
    expect(result.quotations.map((q) => q.start)).toEqual([...result.quotations.map((q) => q.start)].sort((a, b) => a - b));

    const [verbatim, altered, misattributed, changed, none] = result.quotations;
    expect(verbatim.original).toMatchObject({
      kind: 'primary',
      articleId: TRANSCRIPT.id,
      title: TRANSCRIPT.title,
      url: TRANSCRIPT.url,
      published: TRANSCRIPT.published,
      speaker: { name: 'Holt' },
    });
    expect(altered.differences).toEqual([expect.objectContaining({ kind: 'delete', source: 'not', meaning: 'negation' })]);
    expect(altered.original?.exact).toContain('will not be cancelled');
    expect(misattributed.misattribution).toEqual({ credited: expect.stringContaining('Okonjo'), original: 'Holt' });
    expect(changed.differences.length).toBeGreaterThan(0);
    expect(changed.differences.some((d) => d.meaning)).toBe(false);
    expect(none.original).toBeUndefined();
    expect(none.differences).toEqual([]);
    expect(result.counts).toEqual({ verbatim: 1, changed: 1, altered: 1, misattributed: 1, 'no-record': 1 });
    expect(result.quotations.filter((q) => BLOCKING_STATUSES.has(q.status)).map((q) => q.status)).toEqual(['altered', 'misattributed']);
  });

  test('a draft that copies a misquote from another report is altered, against the transcript', async () => {
    const { quotations } = await checkDraft(kv, draft('"The night ferry will be cancelled this winter," Councillor Maren Holt said on Tuesday.'));
    expect(quotations).toHaveLength(1);
    expect(quotations[0]).toMatchObject({ status: 'altered', original: { kind: 'primary' } });
  });

  test('checking writes nothing', async () => {
    const before = new Map(kv.data);
    await checkDraft(kv, draft('"The night ferry will not be cancelled this winter," Holt said.', { url: 'https://news.example/new-draft' }));
    expect(kv.data).toEqual(before);
  });

  test('a draft without quotations has none; one over the bounds is refused with a reason', async () => {
    expect((await checkDraft(kv, draft('The council met on Tuesday and adjourned early.'))).quotations).toEqual([]);
    await expect(checkDraft(kv, draft('x'.repeat(100_001)))).rejects.toThrow(DraftTooLargeError);
    const many = Array.from(
      { length: MAX_DRAFT_QUOTATIONS + 1 },
      (_, i) => `Resident ${i} said: "The pier number ${i} needs new planks before the winter storms arrive."`,
    ).join('\n\n');
    await expect(checkDraft(kv, draft(many))).rejects.toThrow(/201 quotations/);
  });
});
