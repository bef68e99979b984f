/** Seeds the test's local KV through the real ingestion library, inside workerd. */
import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import seedArticle from '../../seeds/articles/ukraine-russia-talks-2022-02-28.json';
import seedClaims from '../../seeds/claims/samples.claims.json';
import { putArticle, putClaims } from '../../worker/store/articles';
import type { ArticleSource, ClaimSource } from '../../worker/core/types';

export const SEED_ARTICLE_ID = 'ukraine-russia-talks-belarus-2022-02-28';

export async function seedKv() {
  const article = await putArticle(env.QS_KV, seedArticle as ArticleSource);
  const claims = await putClaims(env.QS_KV, (seedClaims as { claims: ClaimSource[] }).claims);
  return { article, claims };
}

/** A request to the worker as a client would make it. */
export const api = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://qs.test${path}`, init));

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** Asserts an RFC 9457 problem response with this status, and returns its body. */
export async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as ProblemBody;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//), title: expect.any(String), detail: expect.any(String) });
  expect(body.detail.length).toBeGreaterThan(10);
  return body;
}
