/** Seeds the test's local KV through the real ingestion library, inside workerd. */
import { env } from 'cloudflare:workers';
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

export const api = (path: string, init?: RequestInit) => {
  // Imported lazily so this module can be shared by every test file.
  return import('cloudflare:workers').then(({ exports }) => exports.default.fetch(new Request(`https://qs.test${path}`, init)));
};
