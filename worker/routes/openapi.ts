/**
 * `GET /openapi.json`: the document scripts/build-openapi.ts generated from the routes at build time
 * (routes/openapi-document.ts), read from the ASSETS binding once per isolate, with `servers` set
 * from the configured public origin — never from the request's Host (worker/core/public-origin.ts).
 * Generating it here instead would put the OpenAPI generator (and zod's JSON Schema converter) in
 * every isolate's start-up and bundle for a document that changes only with a deployment.
 */
import { Hono } from 'hono';
import { publicOrigin } from '../core/public-origin';
import { ProblemError } from '../middleware/problem';

/** Where the build puts the document. Never served as is: run_worker_first, and routes/assets.ts serves only the widget's files. */
export const OPENAPI_ASSET_PATH = '/contract/openapi.json';

type Json = Record<string, unknown>;
let built: Promise<Json> | null = null;

async function readBuiltDocument(assets: Fetcher | undefined): Promise<Json> {
  if (!assets) throw new ProblemError('asset-unavailable', 'The ASSETS binding is missing; run `npm run build:widget`.');
  const res = await assets.fetch(`https://assets.local${OPENAPI_ASSET_PATH}`);
  if (!res.ok) throw new ProblemError('asset-unavailable', `dist/public${OPENAPI_ASSET_PATH} is missing; run \`npm run build:widget\`.`);
  return (await res.json()) as Json;
}

export const openApiRoutes = new Hono<{ Bindings: Env }>().get('/openapi.json', async (c) => {
  // A failed read is not remembered: the next request tries again.
  const document = await (built ??= readBuiltDocument(c.env.ASSETS).catch((error) => {
    built = null;
    throw error;
  }));
  const { openapi, info, ...rest } = document;
  return c.json({ openapi, info, servers: [{ url: publicOrigin(c.env.PUBLIC_ORIGIN) ?? '/' }], ...rest });
});
