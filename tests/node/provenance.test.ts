/**
 * Provenance over an in-memory KV: answers come from the original (a primary transcript, else the
 * earliest report), whatever order articles arrive in, however many copies there are, and nothing
 * stale remains after retractions. All people and words here are fictional.
 */
import { describe, expect, test } from 'vitest';
import type { ArticleSource, Quotation } from '../../worker/core/types';
import { deleteArticle, putArticle } from '../../worker/store/records';
import { KEY_PREFIX, keys } from '../../worker/store/keys';
import { MemoryKV } from '../../worker/store/kv';
import { lookup } from '../../worker/store/lookup';
import { SEED_ARTICLES } from '../seed-sources';

import { ARTICLES, CREDITED_ELSEWHERE, MISQUOTE, report, TRANSCRIPT, VERBATIM } from '../harbour';

async function load(sources: ArticleSource[]) {
  const kv = new MemoryKV();
  for (const s of sources) await putArticle(kv, s);
  return kv;
}

/** Every quotation record, without what depends on ingestion order by design (ids, sequence numbers). */
function quotations(kv: MemoryKV) {
  return [...kv.data.entries()]
    .filter(([k]) => k.startsWith(KEY_PREFIX.quotation))
    .map(([, v]) => {
      const { id: _id, maxSeq: _seq, ...rest } = JSON.parse(v) as Quotation;
      return rest;
    })
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('the original, not the copy', () => {
  test("a misquote is answered with the transcript's words, and the dropped negation is flagged", async () => {
    const kv = await load(ARTICLES);
    const { matches, stats } = await lookup(kv, { exact: 'The night ferry will be cancelled this winter' });
    expect(stats.roundTrips).toBeLessThanOrEqual(2);
    const [m] = matches;
    expect(m.source.kind).toBe('primary');
    expect(m.source.article.id).toBe(TRANSCRIPT.id);
    expect(m.source.exact).toBe('The night ferry will not be cancelled this winter.'.slice(0, -1));
    expect(m.source.excerpt.text.slice(m.source.start, m.source.end)).toBe(m.source.exact);
    expect(m.source.speaker?.name).toBe('Holt');
    expect(m.differences).toEqual([expect.objectContaining({ kind: 'delete', source: 'not', meaning: 'negation' })]);
    expect(m.altered).toBe(true);
    expect(m.appearances.count).toBe(3);
    expect(m.appearances.wordings).toBe(2);
    const misquoted = m.appearances.variants.find((v) => !v.original)!;
    expect(misquoted).toMatchObject({ count: 1, altered: true });
    expect(m.appearances.variants.find((v) => v.original)).toMatchObject({ count: 2, altered: false, differences: [] });
  });

  test('the verbatim words are accurate against the transcript, not against the misquoting copy', async () => {
    const kv = await load(ARTICLES);
    const [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
    expect(m.source.kind).toBe('primary');
    expect(m.differences).toEqual([]);
    expect(m.altered).toBe(false);
  });

  test('ingestion order does not matter: every permutation gives the same quotation records', async () => {
    const reference = quotations(await load(ARTICLES));
    expect(reference).toHaveLength(1);
    for (const order of permutations(ARTICLES)) {
      expect(quotations(await load(order)), order.map((a) => a.id).join(' → ')).toEqual(reference);
    }
  });

  test("a reply that matched a report's quote only through its paragraph leaves when the transcript arrives (same records in every order)", async () => {
    const transcript = {
      ...TRANSCRIPT,
      id: 'harbour-fees-transcript',
      url: 'https://council.example/minutes/fees',
      body: [
        'CHAIR: Councillor Holt, the harbour fees?',
        'HOLT: I paid none of them. That makes me smart.',
        'OKONJO: If she thinks that makes her smart, the harbour will pay for it.',
        'CHAIR: The meeting is closed.',
      ].join('\n'),
    } satisfies ArticleSource;
    // The first report's paragraph holds "if she thinks" too: against it, the reply looks like the same words.
    const first = report(
      'fees-holt',
      '2024-03-13',
      'If she thinks nobody noticed the unpaid fees, she is wrong. "That makes me smart," Holt told the meeting.',
    );
    const reply = report('fees-okonjo', '2024-03-14', 'Okonjo answered her: "If she thinks that makes her smart," and the room went quiet.');
    const again = report('fees-again', '2024-03-15', 'Holt shrugged: "That makes me smart." The vote is next week.');
    const reference = quotations(await load([transcript, first, reply, again]));
    expect(reference.map((q) => [q.original.exact, q.appearances.count]).sort()).toEqual([
      ['If she thinks that makes her smart', 1],
      ['That makes me smart', 2],
    ]);
    for (const order of permutations([transcript, first, reply, again])) {
      expect(quotations(await load(order)), order.map((a) => a.id).join(' → ')).toEqual(reference);
    }
    // Each report's membership follows its quote (retracting the reply leaves the other quotation whole).
    const kv = await load([first, reply, again, transcript]);
    await deleteArticle(kv, reply.id);
    expect(quotations(kv).map((q) => [q.original.exact, q.appearances.count])).toEqual([['That makes me smart', 2]]);
  });

  test('with no primary held, the earliest report is the original and every wording is listed with its count', async () => {
    const kv = await load([VERBATIM, MISQUOTE, CREDITED_ELSEWHERE]);
    const [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
    expect(m.source.kind).toBe('earliest-report');
    expect(m.source.article.id).toBe(MISQUOTE.id);
    expect(m.appearances.count).toBe(3);
    expect(m.appearances.variants.map((v) => [v.count, v.original])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  test('retracting the transcript falls back to the earliest report; retracting everything leaves nothing behind', async () => {
    const kv = await load(ARTICLES);
    await deleteArticle(kv, TRANSCRIPT.id);
    let [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
    expect(m.source).toMatchObject({ kind: 'earliest-report', article: { id: MISQUOTE.id } });
    await putArticle(kv, TRANSCRIPT);
    [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
    expect(m.source.kind).toBe('primary');
    await deleteArticle(kv, MISQUOTE.id);
    [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
    expect(m.appearances).toMatchObject({ count: 2, wordings: 1 });
    for (const a of ARTICLES) await deleteArticle(kv, a.id);
    const left = [...kv.data.keys()].filter((k) => k !== keys.sequence() && k !== keys.claimTerm('~stats'));
    expect(left).toEqual([]);
  });

  test('re-publishing a report with corrected wording moves it to the right wording', async () => {
    const kv = await load(ARTICLES);
    await putArticle(kv, { ...MISQUOTE, body: MISQUOTE.body.replace('will be cancelled', 'will not be cancelled') });
    const [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
    expect(m.appearances).toMatchObject({ count: 3, wordings: 1 });
    expect(quotations(kv)).toEqual(
      quotations(
        await load([TRANSCRIPT, VERBATIM, CREDITED_ELSEWHERE, { ...MISQUOTE, body: MISQUOTE.body.replace('will be cancelled', 'will not be cancelled') }]),
      ),
    );
  });
});

describe('this page and who said it', () => {
  test('a page that prints the words is told so, and is never its own source', async () => {
    const kv = await load(ARTICLES);
    const [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.', url: VERBATIM.url })).matches;
    expect(m.thisPage).toBe(true);
    expect(m.source.article.id).toBe(TRANSCRIPT.id);
    expect(m.article.id).toBe(VERBATIM.id);
    const noPrimary = await load([MISQUOTE, VERBATIM]);
    const [n] = (await lookup(noPrimary, { exact: 'The night ferry will be cancelled this winter', url: MISQUOTE.url })).matches;
    expect(n.thisPage).toBe(true);
    expect(n.source.article.id).toBe(VERBATIM.id);
    const [other] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.', url: 'https://elsewhere.example/x' })).matches;
    expect(other.thisPage).toBe(false);
  });

  test('crediting the words to someone else is a speaker mismatch; the same person named differently is not', async () => {
    const kv = await load(ARTICLES);
    const exact = 'The night ferry will not be cancelled this winter.';
    const [wrong] = (await lookup(kv, { exact, prefix: 'Councillor Okonjo said: "' })).matches;
    expect(wrong.speakerMismatch).toEqual({ credited: 'Councillor Okonjo', original: 'Holt' });
    for (const context of [{ suffix: '," Councillor Maren Holt said.' }, { prefix: 'Ms Holt said: "' }, { suffix: '," the councillor said.' }, {}]) {
      const [m] = (await lookup(kv, { exact, ...context })).matches;
      expect(m.speakerMismatch, JSON.stringify(context)).toBeUndefined();
    }
  });
});

test('a page whose own copy credits someone else is told so, from its url alone', async () => {
  const kv = await load(ARTICLES);
  const [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.', url: CREDITED_ELSEWHERE.url })).matches;
  expect(m.thisPage).toBe(true);
  expect(m.speakerMismatch).toEqual({ credited: 'Okonjo', original: 'Holt' });
  const [fine] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.', url: VERBATIM.url })).matches;
  expect(fine.speakerMismatch).toBeUndefined();
});

test('the seeds give the same quotation records in all 6 ingestion orders', async () => {
  const reference = quotations(await load(SEED_ARTICLES));
  expect(reference.length).toBeGreaterThan(0);
  for (const order of permutations(SEED_ARTICLES)) expect(quotations(await load(order)), order.map((a) => a.id).join(' → ')).toEqual(reference);
});

describe('which primary can be the original', () => {
  test('a record made after the report is not its original, in either order', async () => {
    const early = report('ferry-early', '2024-03-01', '"The night ferry will not be cancelled this winter," Holt told a residents meeting.');
    for (const order of [
      [TRANSCRIPT, early],
      [early, TRANSCRIPT],
    ]) {
      const kv = await load(order);
      const [m] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' })).matches;
      expect(m.source).toMatchObject({ kind: 'earliest-report', article: { id: 'ferry-early' } });
      // Asked from the report's own page, the later transcript is not offered as its source either.
      const [fromPage] = (await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.', url: early.url })).matches ?? [];
      expect(fromPage?.source.kind ?? 'none').not.toBe('primary');
    }
  });

  test('a short, ordinary phrase credited to someone else is not traced to a speaker who also said it', async () => {
    const transcript = { ...TRANSCRIPT, body: `${TRANSCRIPT.body}\nHOLT: The figures speak for themselves.` };
    const other = report('okonjo-figures', '2024-03-13', 'Councillor Okonjo replied: "The figures speak for themselves."');
    const kv = await load([transcript, other]);
    // From the page that prints it: nothing else holds these words as its source, so no source is offered.
    expect((await lookup(kv, { exact: 'The figures speak for themselves', url: other.url })).matches).toEqual([]);
    // From elsewhere, crediting Okonjo: the report is the earliest print, not Holt's transcript.
    const [m] = (await lookup(kv, { exact: 'The figures speak for themselves', prefix: 'Councillor Okonjo replied: "' })).matches;
    expect(m.source).toMatchObject({ kind: 'earliest-report', article: { id: 'okonjo-figures' } });
    // A longer quotation credited to someone else is still traced, and flagged.
    const [long] = (await lookup(await load(ARTICLES), { exact: 'The night ferry will not be cancelled this winter.', url: CREDITED_ELSEWHERE.url })).matches;
    expect(long.source.kind).toBe('primary');
    expect(long.speakerMismatch).toBeDefined();
  });
});

describe('any number of reprints', () => {
  test('words printed in 400 articles are found in ≤ 2 round trips with their count; no value grows with the copies', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, TRANSCRIPT);
    for (let i = 0; i < 400; i++) {
      const day = String(13 + (i % 15)).padStart(2, '0');
      // Distinct paragraphs around the same quote (near copies), and exact copies every other time.
      const lead = i % 2 ? `Report number ${i} from the harbour.` : 'From the harbour.';
      await putArticle(kv, report(`reprint-${i}`, `2024-03-${day}`, `${lead} "The night ferry will not be cancelled this winter," Holt said.`));
    }
    const { matches, stats } = await lookup(kv, { exact: 'The night ferry will not be cancelled this winter.' });
    expect(stats.roundTrips).toBeLessThanOrEqual(2);
    expect(matches[0].source.kind).toBe('primary');
    expect(matches[0].appearances.count).toBe(400);
    const largest = Math.max(...[...kv.data.values()].map((v) => v.length));
    expect(largest).toBeLessThan(64 * 1024);
    // The claim the quote makes keeps a bounded list of appearances; the quotation counts them all.
    for (const [k, v] of kv.data) if (k.startsWith(KEY_PREFIX.claim)) expect(JSON.parse(v).appearances.length).toBeLessThanOrEqual(20);
    // Exact copies are one passage.
    const passages = [...kv.data.keys()].filter((k) => k.startsWith(KEY_PREFIX.passage)).length;
    expect(passages).toBeLessThan(7 + 210);
  });
});
