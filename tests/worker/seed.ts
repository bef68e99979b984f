/** Seeds the test's local KV through the real ingestion library, inside workerd. */
import { env } from 'cloudflare:workers';
import { checkedFetch } from './contract-check';
import { expect } from 'vitest';
import { putArticle, putClaims } from '../../worker/store/records';
import { bumpGeneration } from '../../worker/store/generation';
import { SEED_ARTICLES, SEED_CLAIMS, SEED_REPORT_ID } from '../seed-sources';

export const SEED_ARTICLE_ID = SEED_REPORT_ID;

/** Loads every seed (the seed report first, then the primary and the second report) and the sample reviews. */
export async function seedKv() {
  const articles = [];
  for (const source of SEED_ARTICLES) articles.push(await putArticle(env.QS_KV, source));
  const claims = await putClaims(env.QS_KV, SEED_CLAIMS);
  // As the ingest CLI does after writing: cached answers from before are not served again.
  await bumpGeneration(env.QS_KV);
  return { article: articles[0], articles, claims };
}

/** A request to the worker as a client would make it; the answer is checked against /openapi.json. */
export const api = (path: string, init?: RequestInit) => checkedFetch(new Request(`https://qs.test${path}`, init));

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
