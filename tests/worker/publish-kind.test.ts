/** PUT /v1/articles/:id takes the article's kind; an unknown kind is a 400 naming the field. */
import { describe, expect, it } from 'vitest';
import { api, expectProblem } from './seed';

const put = (id: string, body: unknown) =>
  api(`/v1/articles/${id}`, { method: 'PUT', headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('article kind over HTTP', () => {
  it('publishes a primary record and refuses an unknown kind, naming the field', async () => {
    const ok = await put('kind-primary', { title: 'Statement', kind: 'primary', speaker: 'Maren Holt', body: 'The night ferry will keep running through the winter months.' });
    expect(ok.status).toBe(201);
    const article = (await (await api('/v1/articles/kind-primary')).json()) as { kind: string };
    expect(article.kind).toBe('primary');
    const bad = await expectProblem(await put('kind-bad', { title: 'X', kind: 'editorial', body: 'Some words here for the body.' }), 400);
    expect(JSON.stringify(bad)).toMatch(/kind/);
  });
});
