/**
 * The declared contract is what is sent: every lookup answer parses with the route's response
 * schema, and carries no field the schema (and so /openapi.json and the typed client) does not
 * declare. Run over the seed's provenance cases: a primary source, an earliest report with two
 * wordings, a page that prints the words, a paragraph-crossing highlight, a misattribution.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ArticleSchema, ExcerptContextSchema, LookupResponseSchema } from '../../worker/routes/schemas';
import { CheckResponseSchema } from '../../worker/routes/check-schemas';
import { SEED_ARTICLES, SEED_REPORT_ID, XINHUA } from '../seed-sources';
import { checkContract } from './contract-check';
import { api, SEED_ARTICLE_ID, seedKv } from './seed';

beforeAll(seedKv, 120_000);

/** Paths of values in `value` that `schema` does not declare (zod strips unknown keys silently). */
function undeclared(schema: z.ZodType, value: unknown, path = '$'): string[] {
  let s: z.ZodType = schema;
  // Unwrap optional / nullable / default wrappers.
  for (;;) {
    const def = (s as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) s = def.innerType;
    else break;
  }
  if (value === null || value === undefined) return [];
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (k in shape ? undeclared(shape[k], v, `${path}.${k}`) : [`${path}.${k}`]));
  }
  if (s instanceof z.ZodArray) return (value as unknown[]).flatMap((v, i) => undeclared(s.element as z.ZodType, v, `${path}[${i}]`));
  return [];
}

const lookup = async (body: Record<string, unknown>) => {
  const res = await api('/v1/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ limit: 10, ...body }) });
  expect(res.status).toBe(200);
  return res.json();
};

describe('responses match the declared contract exactly', () => {
  const cases: Record<string, Record<string, unknown>> = {
    'primary source': { exact: 'Enough is enough' },
    'earliest report, two wordings': { exact: 'leaders need to move back to peace' },
    'the page prints the words': { exact: 'Soldiers need to move back to their barracks. Leaders need to move to peace.', url: XINHUA.url },
    'across a paragraph break': { exact: 'discussed in the first round.\n\nDuring the first round, Ukraine demanded the complete withdrawal' },
    'credited to someone else': { exact: 'We found some points by which we can predict common positions', prefix: 'Councillor Ada Okonjo said: "' },
  };
  for (const [name, body] of Object.entries(cases)) {
    test(name, async () => {
      const json = await lookup(body);
      expect(LookupResponseSchema.safeParse(json).success).toBe(true);
      expect(undeclared(LookupResponseSchema, json)).toEqual([]);
      expect((json as { matches: unknown[] }).matches.length).toBeGreaterThan(0);
    });
  }

  test('articles and excerpts', async () => {
    const article = await (await api(`/v1/articles/${SEED_ARTICLE_ID}`)).json();
    expect(undeclared(ArticleSchema, article)).toEqual([]);
    const excerpt = await (await api(`/v1/excerpts/${SEED_ARTICLE_ID}~5`)).json();
    expect(undeclared(ExcerptContextSchema, excerpt)).toEqual([]);
  });

  test('the quote check (the seed report checked as a draft)', async () => {
    const report = SEED_ARTICLES.find((a) => a.id === SEED_REPORT_ID)!;
    const res = await api('/v1/check', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: report.body }) });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { quotations: unknown[] };
    expect(CheckResponseSchema.safeParse(json).success).toBe(true);
    expect(undeclared(CheckResponseSchema, json)).toEqual([]);
    expect(json.quotations.length).toBeGreaterThan(0);
  });

  test('the misattribution case names both speakers', async () => {
    const { matches } = (await lookup(cases['credited to someone else'])) as { matches: { speakerMismatch?: unknown }[] };
    expect(matches[0].speakerMismatch).toEqual({ credited: 'Councillor Ada Okonjo', original: 'Vladimir Medinsky' });
  });
});

describe('/openapi.json declares what is sent', () => {
  test('every operation has a unique operationId; cached reads declare 304, rate-limited ones 429', async () => {
    const doc = (await (await api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ at: `${method} ${path}`, ...op })));
    expect(ops.filter((o) => !o.operationId).map((o) => o.at)).toEqual([]);
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    const op = (at: string) => ops.find((o) => o.at === at)!;
    for (const at of [
      'get /v1/lookup',
      'get /v1/articles/{id}',
      'get /v1/excerpts/{id}',
      'get /v1/claims/{id}',
      'get /v1/claims/search',
      'get /v1alpha1/claims:search',
    ]) {
      expect([at, '304' in op(at).responses]).toEqual([at, true]);
    }
    for (const at of ['get /v1/lookup', 'post /v1/lookup', 'post /v1/lookup/batch', 'get /v1/claims/search', 'get /v1alpha1/claims:search']) {
      expect([at, '429' in op(at).responses]).toEqual([at, true]);
    }
  });

  test('the response check is not a rubber stamp: an undeclared field type or status fails it', async () => {
    const req = new Request('https://qs.test/v1/excerpts/seed-report-2022-02-28~0');
    const good = await api('/v1/excerpts/seed-report-2022-02-28~0');
    const body = (await good.json()) as Record<string, any>;
    const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
    await expect(checkContract(req, json({ ...body, previous: 'none' }))).rejects.toThrow(/previous/);
    await expect(checkContract(req, json({ ...body, excerpt: { ...body.excerpt, position: '0' } }))).rejects.toThrow(/position/);
    await expect(checkContract(req, json(body, 418))).rejects.toThrow(/status not declared/);
    await expect(checkContract(req, json(body))).resolves.toBeUndefined();
  });
});
