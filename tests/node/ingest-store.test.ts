/** Records and KV writes: stable ids, no-op re-ingest, updates that leave nothing stale, deletes, claims linking. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { articleIdFor, cleanId, slugify } from '../../worker/core/ids';
import { buildArticleRecords } from '../../worker/core/ingest';
import type { ArticleSource, Claim, ClaimSource, Excerpt } from '../../worker/core/types';
import { deleteArticle, putArticle, putClaims, readArticle, readExcerpt } from '../../worker/store/records';
import { ID_PATTERN, KEY_PREFIX, keys } from '../../worker/store/keys';
import { MemoryKV } from '../../worker/store/kv';

const fixtures = join(import.meta.dirname, '../fixtures/ingest');
const harbour = (): ArticleSource => JSON.parse(readFileSync(join(fixtures, 'articles/harbour-council.json'), 'utf8'));
const harbourClaims = (): ClaimSource[] => JSON.parse(readFileSync(join(fixtures, 'claims/harbour.claims.json'), 'utf8')).claims;
const NOW = '2024-06-01T00:00:00.000Z';

/** A MemoryKV that counts puts and deletes. */
class CountingKV extends MemoryKV {
  puts = 0;
  deletes = 0;
  override async put(key: string, value: string) {
    this.puts++;
    return super.put(key, value);
  }
  override async delete(key: string) {
    this.deletes++;
    return super.delete(key);
  }
}

const ownKeys = (kv: MemoryKV) => [...kv.data.keys()].filter((k) => /^v1:(article|excerpt|claim):/.test(k)).sort();

describe('ids', () => {
  test('from the source id, else the URL, else title + date; always valid key ids', () => {
    expect(articleIdFor({ id: 'Fixture Harbour/Council', title: 't' })).toBe('fixture-harbour-council');
    const byUrl = articleIdFor({ url: 'https://www.news.example/2024/03/ferry-vote.html?x=1', title: 'ignored' });
    expect(byUrl).toMatch(/^news-ferry-vote-[0-9a-f]{8}$/);
    expect(articleIdFor({ url: 'https://www.news.example/2024/03/ferry-vote.html?x=2', title: 'ignored' })).not.toBe(byUrl);
    expect(articleIdFor({ title: 'Søren’s Café: Ferry vote!', published: '2024-03-12T10:00:00Z' })).toBe('sorens-cafe-ferry-vote-2024-03-12');
    expect(articleIdFor({ title: '港口渡轮' })).toMatch(/^article-[0-9a-f]{8}$/);
    for (const id of [byUrl, articleIdFor({ title: '!!!' }), cleanId('A.B~C d'), slugify('António Guterres')]) expect(id).toMatch(ID_PATTERN);
    expect(slugify('António Guterres')).toBe('antonio-guterres');
  });

  test('excerpt and quote ids, neighbours and the article summary on each excerpt', async () => {
    const { article, excerpts, claims } = await buildArticleRecords(harbour(), { now: NOW });
    expect(article.excerptIds).toEqual(excerpts.map((e) => e.id));
    expect(excerpts[1].id).toBe('fixture-harbour-council~1');
    expect(excerpts[1].quotes[0].id).toBe('fixture-harbour-council~1~q0');
    expect(excerpts[0].prevId).toBeUndefined();
    expect(excerpts[1]).toMatchObject({ prevId: 'fixture-harbour-council~0', nextId: 'fixture-harbour-council~2' });
    expect(excerpts.at(-1)!.nextId).toBeUndefined();
    expect(excerpts[3].article).toEqual({
      id: 'fixture-harbour-council',
      kind: 'report',
      url: 'https://news.example/2024/03/harbour-council-ferry-vote',
      title: 'Harbour council votes to keep the night ferry',
      publisher: 'Example Coast News',
      published: '2024-03-12',
      language: 'en',
    });
    for (const e of excerpts) for (const q of e.quotes) expect(e.text.slice(q.start, q.end)).toBe(q.text);
    for (const id of [...excerpts.map((e) => e.id), ...claims.map((c) => c.id)]) expect(id).toMatch(ID_PATTERN);
    expect(article.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('quotes become claims: claimant = speaker, date = article date, appearance = article and excerpt', async () => {
    const { claims } = await buildArticleRecords(harbour(), { now: NOW });
    const c = claims.find((x) => x.text === 'Not one night was cancelled for weather')!;
    expect(c).toMatchObject({
      claimant: 'Ingrid Solberg',
      claimDate: '2024-03-12',
      languageCode: 'en',
      appearances: [
        { url: 'https://news.example/2024/03/harbour-council-ferry-vote', articleId: 'fixture-harbour-council', excerptId: 'fixture-harbour-council~4' },
      ],
      reviews: [],
    });
    expect(claims.every((x) => x.claimant && /\p{Lu}/u.test(x.claimant))).toBe(true);
  });

  test('unnamed speakers and short partial fragments make no claims', async () => {
    const source = {
      id: 'fixture-claims',
      title: 'Claims',
      body: 'Ada Quist called it a "total disaster" on Friday. "The pier is closed," a spokesman said. Ada Quist called the ruling "a huge win for every voter" on Friday.',
    };
    const { claims, excerpts } = await buildArticleRecords(source, { now: NOW });
    // The two-word scare quote is emphasis, not a quotation; the spokesman's quote has no named speaker.
    expect(excerpts[0].quotes.filter((q) => q.kind === 'direct').map((q) => q.text)).toEqual(['The pier is closed', 'a huge win for every voter']);
    expect(claims.map((c) => [c.claimant, c.text])).toEqual([['Ada Quist', 'a huge win for every voter']]);
  });
});

describe('putArticle', () => {
  test('create, then re-ingest unchanged: status unchanged and zero writes', async () => {
    const kv = new CountingKV();
    const first = await putArticle(kv, harbour(), { now: NOW });
    expect(first).toMatchObject({ status: 'created', excerpts: 10, quotes: 11, claims: 11 });
    expect(first.keysWritten).toBe(kv.puts);
    const puts = kv.puts;
    const snapshot = new Map(kv.data);
    const again = await putArticle(kv, harbour(), { now: '2030-01-01T00:00:00.000Z' });
    expect(again).toMatchObject({ status: 'unchanged', keysWritten: 0, keysDeleted: 0 });
    expect(kv.puts).toBe(puts);
    expect(kv.deletes).toBe(0);
    expect(kv.data).toEqual(snapshot);
    expect((await readArticle(kv, 'fixture-harbour-council'))?.updatedAt).toBe(NOW);
  });

  test('update: old excerpts gone, nothing stale — the store equals a fresh ingest of the new version', async () => {
    const kv = new CountingKV();
    await putArticle(kv, harbour(), { now: NOW });
    const shorter = { ...harbour(), body: harbour().body.split('\n\n').slice(0, 4).join('\n\n').replace('empty seats', 'half-empty seats') };
    const report = await putArticle(kv, shorter, { now: NOW });
    expect(report.status).toBe('updated');
    expect(report.excerpts).toBe(4);
    expect(report.keysDeleted).toBeGreaterThanOrEqual(6);
    expect(await readExcerpt(kv, 'fixture-harbour-council~5')).toBeNull();
    const fresh = new MemoryKV();
    await putArticle(fresh, shorter, { now: NOW });
    expect(ownKeys(kv)).toEqual(ownKeys(fresh));
    // Every key, the engine's index included, matches what a fresh ingest of the new text writes.
    expect([...kv.data.keys()].sort()).toEqual([...fresh.data.keys()].sort());
    for (const key of ownKeys(kv)) expect(JSON.parse(kv.data.get(key)!)).toEqual(JSON.parse(fresh.data.get(key)!));
  });

  test('a changed quote replaces its derived claim; the claim shared with another article keeps the other appearance', async () => {
    const kv = new MemoryKV();
    const a = { id: 'fixture-a', title: 'A', published: '2024-01-01', body: '"The tide is late today," Nora Lund said.' };
    const b = { id: 'fixture-b', title: 'B', published: '2024-01-02', body: 'Another story. "The tide is late today," Nora Lund said.' };
    await putArticle(kv, a, { now: NOW });
    await putArticle(kv, b, { now: NOW });
    const claimKeys = () => [...kv.data.keys()].filter((k) => k.startsWith(KEY_PREFIX.claim));
    expect(claimKeys()).toHaveLength(1);
    const shared = JSON.parse(kv.data.get(claimKeys()[0])!) as Claim;
    expect(shared.appearances.map((x) => x.articleId).sort()).toEqual(['fixture-a', 'fixture-b']);
    await putArticle(kv, { ...a, body: '"The tide is early today," Nora Lund said.' }, { now: NOW });
    expect(claimKeys()).toHaveLength(2);
    const kept = JSON.parse(kv.data.get(keys.claim(shared.id))!) as Claim;
    expect(kept.appearances.map((x) => x.articleId)).toEqual(['fixture-b']);
    await deleteArticle(kv, 'fixture-b');
    expect(kv.data.has(keys.claim(shared.id))).toBe(false);
  });

  test('deleteArticle removes everything the article owns, index entries included', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, harbour(), { now: NOW });
    const report = await deleteArticle(kv, 'fixture-harbour-council');
    expect(report.deleted).toBe(true);
    // Only the global counters may remain: claim-search stats (counting nothing) and the ingestion sequence.
    const left = (await kv.list()).keys.map((k) => k.name).filter((k) => k !== keys.sequence());
    expect(left.filter((k) => k !== keys.claimTerm('~stats'))).toEqual([]);
    if (left.length) expect(JSON.parse(kv.data.get(keys.claimTerm('~stats'))!)).toEqual({ claims: 0 });
    expect(await deleteArticle(kv, 'fixture-harbour-council')).toMatchObject({ deleted: false, keysDeleted: 0 });
    expect(await readArticle(kv, 'not a valid id!')).toBeNull();
  });
});

describe('putClaims', () => {
  test('links a reviewed claim into the excerpt where its words appear; merges reviews; idempotent', async () => {
    const kv = new CountingKV();
    await putArticle(kv, harbour(), { now: NOW });
    const report = await putClaims(kv, harbourClaims());
    expect(report).toMatchObject({ claims: 1, created: 1, updated: 0, excerptsLinked: 1 });
    const linked = (await readExcerpt(kv, 'fixture-harbour-council~5')) as Excerpt;
    expect(linked.text).toMatch(/^According to Szabo/);
    expect(linked.claims).toEqual([
      {
        id: 'fixture-ferry-passengers',
        text: 'The ferry carried fewer than forty passengers on most weeknights.',
        claimant: 'Edwin Szabo',
        claimDate: '2024-03-12',
        // The summary carries the review's title and explanation: the card shows a verdict with its reason.
        reviews: [
          {
            publisher: { name: 'Fixture Checks', site: 'checks.example' },
            url: 'https://checks.example/ferry-passengers',
            title: 'Fixture review of the ferry passenger figure',
            textualRating: 'Mostly true',
            explanation: 'Fixture. Invented for tests.',
            reviewDate: '2024-03-20',
          },
        ],
      },
    ]);
    for (const other of [0, 1, 2, 3, 4, 6, 7, 8, 9]) expect((await readExcerpt(kv, `fixture-harbour-council~${other}`))!.claims).toEqual([]);

    const puts = kv.puts;
    expect(await putClaims(kv, harbourClaims())).toMatchObject({ created: 0, updated: 0, excerptsLinked: 0, keysWritten: 0 });
    expect(kv.puts).toBe(puts);

    const second = {
      ...harbourClaims()[0],
      reviews: [
        { ...harbourClaims()[0].reviews![0], url: 'https://other.example/r', textualRating: 'True', publisher: { name: 'Other', site: 'other.example' } },
      ],
    };
    expect(await putClaims(kv, [second])).toMatchObject({ updated: 1, excerptsLinked: 1 });
    const claim = JSON.parse(kv.data.get(keys.claim('fixture-ferry-passengers'))!) as Claim;
    expect(claim.reviews.map((r) => r.textualRating)).toEqual(['Mostly true', 'True']);
    expect((await readExcerpt(kv, 'fixture-harbour-council~5'))!.claims[0].reviews).toHaveLength(2);
  });

  test('an updated article keeps its reviewed claims linked to the right excerpt', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, harbour(), { now: NOW });
    await putClaims(kv, harbourClaims());
    const edited = { ...harbour(), body: `A new first paragraph was added by the editors.\n\n${harbour().body}` };
    await putArticle(kv, edited, { now: NOW });
    expect((await readExcerpt(kv, 'fixture-harbour-council~6'))!.claims.map((c) => c.id)).toEqual(['fixture-ferry-passengers']);
    expect((await readExcerpt(kv, 'fixture-harbour-council~5'))!.claims).toEqual([]);
  });

  test('values stay small', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, harbour(), { now: NOW });
    for (const [key, value] of kv.data) if (/^v1:(article|excerpt|claim):/.test(key)) expect(value.length).toBeLessThan(8 * 1024);
  });
});

describe('claims loaded before their article', () => {
  test('are linked when the article arrives, and linking writes nothing on re-ingest', async () => {
    const kv = new CountingKV();
    expect(await putClaims(kv, harbourClaims())).toMatchObject({ created: 1, excerptsLinked: 0 });
    await putArticle(kv, harbour(), { now: NOW });
    expect((await readExcerpt(kv, 'fixture-harbour-council~5'))!.claims.map((c) => c.id)).toEqual(['fixture-ferry-passengers']);
    const puts = kv.puts;
    expect(await putArticle(kv, harbour(), { now: NOW })).toMatchObject({ status: 'unchanged' });
    expect(await putClaims(kv, harbourClaims())).toMatchObject({ keysWritten: 0 });
    expect(kv.puts).toBe(puts);
    // Same store, other order: identical records.
    const other = new MemoryKV();
    await putArticle(other, harbour(), { now: NOW });
    await putClaims(other, harbourClaims());
    for (const key of ownKeys(kv)) expect(JSON.parse(other.data.get(key)!)).toEqual(JSON.parse(kv.data.get(key)!));
  });
});
