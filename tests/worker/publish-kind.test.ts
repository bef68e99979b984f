/** PUT /v1/articles/:id takes the article's kind; an unknown kind is a 400 naming the field. */
import { describe, expect, it } from 'vitest';
import { api, expectProblem } from './seed';

const put = (id: string, body: unknown) =>
  api(`/v1/articles/${id}`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('article kind over HTTP', () => {
  it('publishes a primary record and refuses an unknown kind, naming the field', async () => {
    const ok = await put('kind-primary', {
      title: 'Statement',
      kind: 'primary',
      speaker: 'Maren Holt',
      body: 'The night ferry will keep running through the winter months.',
    });
    expect(ok.status).toBe(201);
    const article = (await (await api('/v1/articles/kind-primary')).json()) as { kind: string };
    expect(article.kind).toBe('primary');
    const bad = await expectProblem(await put('kind-bad', { title: 'X', kind: 'editorial', body: 'Some words here for the body.' }), 400);
    expect(JSON.stringify(bad)).toMatch(/kind/);
  });

  it('an HTML page takes its kind from ?kind=', async () => {
    const html =
      '<html><head><title>Statement on the ferry</title></head><body><article><h1>Statement on the ferry</h1><p>The night ferry will keep running through the winter months, the harbour office said in a statement on Tuesday.</p><p>Crossings will run every hour from six in the evening until two in the morning.</p></article></body></html>';
    const res = await api('/v1/articles/kind-html?kind=primary', {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'text/html' },
      body: html,
    });
    expect([200, 201]).toContain(res.status);
    expect(((await (await api('/v1/articles/kind-html')).json()) as { kind: string }).kind).toBe('primary');
    const bad = await api('/v1/articles/kind-html2?kind=blog', {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'text/html' },
      body: html,
    });
    expect(JSON.stringify(await expectProblem(bad, 400))).toMatch(/kind/);
  });
});
