/**
 * The OpenAPI document, generated from the routes' zod schemas and completed with the global
 * responses (contract.ts). Generated once per build, in Node, by scripts/build-openapi.ts — the public
 * worker serves that file (routes/openapi.ts) and carries neither the generator nor the work of
 * running it. tests/worker/read.test.ts generates it again from the code under test and requires
 * the served document to equal it, so a stale build cannot go unnoticed.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { completeContract } from './contract';
import { API_VERSION } from './health';

export const OPENAPI_INFO = {
  title: 'QuoteSource API',
  version: API_VERSION,
  description:
    'Where does this quote come from, and is it quoted right? Quote lookups with misquote detection, article excerpts, ' +
    "claim search (Google Fact Check Tools' own GET /v1alpha1/claims:search, and /v1/claims/search) and ClaimReview JSON-LD in and out. " +
    'Errors are RFC 9457 application/problem+json (Google error shape on /v1alpha1).',
};

/** The document without `servers`: those come from the deployment's PUBLIC_ORIGIN when it is served. */
export function openApiDocument(app: Pick<OpenAPIHono, 'getOpenAPI31Document'>): ReturnType<OpenAPIHono['getOpenAPI31Document']> {
  return completeContract(app.getOpenAPI31Document({ openapi: '3.1.0', info: OPENAPI_INFO }));
}
