/**
 * The IndexCoordinator Durable Object on its own (RPC, real local KV and DO storage): serialised
 * read-modify-write of shared posting lists, read-through of records loaded by the CLI, all-or-
 * nothing operations, and the KV mirror draining.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { coordinatorFor } from '../../worker/coordinator/index-coordinator';
import { putArticle } from '../../worker/store/records';
import { keys } from '../../worker/store/keys';
import { foundIn, sharedPhraseArticle, staleEntries } from './publish-helpers';

const coordinator = () => coordinatorFor(env);

describe('IndexCoordinator', () => {
  it('keeps postings written by the CLI before publishing began (reads them through from KV)', async () => {
    const cli = sharedPhraseArticle(900, 'cli-loaded');
    await putArticle(env.QS_KV, cli); // what `npm run ingest -- --local/--remote` does, bypassing the coordinator
    const published = sharedPhraseArticle(901, 'coordinated');
    const reply = await coordinator().publish(published);
    expect(reply).toMatchObject({ ok: true, status: 'created', kvPending: 0 });
    expect(await foundIn(cli.quote)).toContain(cli.id);
    expect(await foundIn(published.quote)).toContain(published.id);
    expect(await staleEntries()).toEqual([]);
  });

  it('serialises concurrent publishes that share posting lists: none is lost', async () => {
    const articles = Array.from({ length: 20 }, (_, i) => sharedPhraseArticle(100 + i, 'rpc'));
    const replies = await Promise.all(articles.map((a) => coordinator().publish(a)));
    for (const reply of replies) expect(reply).toMatchObject({ ok: true, status: 'created' });
    for (const a of articles) expect(await foundIn(a.quote), a.quote).toContain(a.id);
    expect((await coordinator().stats()).dirty).toBe(0);
  });

  it('an operation that fails changes nothing (no partial records in KV or in the object)', async () => {
    const before = await env.QS_KV.list({ prefix: 'v2:' });
    const reply = await coordinator().publish({ id: 'empty-body', title: 'Nothing here', body: '   \n\n  ' });
    expect(reply).toMatchObject({ ok: false, status: 422 });
    expect(await env.QS_KV.get(keys.article('empty-body'))).toBeNull();
    const after = await env.QS_KV.list({ prefix: 'v2:' });
    expect(after.keys.length).toBe(before.keys.length);
  });

  it('retracting an unknown article is a 404 reply, not an exception', async () => {
    expect(await coordinator().retract('never-published')).toMatchObject({ ok: false, status: 404 });
  });

  it('re-publishing identical content is "unchanged" and writes nothing', async () => {
    const a = sharedPhraseArticle(950, 'idempotent');
    await coordinator().publish(a);
    const writesBefore = (await coordinator().stats()).kvWrites;
    expect(await coordinator().publish(a)).toMatchObject({ ok: true, status: 'unchanged', kvPending: 0 });
    expect((await coordinator().stats()).kvWrites).toBe(writesBefore);
  });
  it('control: the same concurrent writes straight to KV (no coordinator) lose postings', async () => {
    // Runs last: it leaves KV inconsistent on purpose. Shows what the coordinator prevents: plain read-modify-write of shared posting lists from
    // concurrent requests. Each of these reads the lists before the others have written them.
    const articles = Array.from({ length: 10 }, (_, i) => sharedPhraseArticle(300 + i, 'uncoordinated'));
    await Promise.all(articles.map((a) => putArticle(env.QS_KV, a)));
    const lost: string[] = [];
    for (const a of articles) if (!(await foundIn(a.quote)).includes(a.id)) lost.push(a.id);
    const stale = await staleEntries();
    expect(lost.length + stale.length).toBeGreaterThan(0);
  });
});
