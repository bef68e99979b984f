/**
 * `GET /openapi.json`: the document scripts/build-openapi.ts generated from the routes at build time
 * (routes/openapi-document.ts), read from the ASSETS binding once per isolate, with `servers` set
 * from the configured public origin — never from the request's Host (worker/core/public-origin.ts).
 * Generating it here instead would put the OpenAPI generator (and zod's JSON Schema converter) in
 * every isolate's start-up and bundle for a document that changes only with a deployment.
 */
import { type Context, Hono } from 'hono';
import { sha256Hex } from '../core/hash';
import { publicOrigin } from '../core/public-origin';
import { ProblemError } from '../middleware/problem';

/** Where the build puts the document. Never served as is: run_worker_first, and routes/assets.ts serves only the widget's files. */
export const OPENAPI_ASSET_PATH = '/contract/openapi.json';

type Json = Record<string, unknown>;
interface BuiltDocument {
  document: Json;
  /** SHA-256 of the file as built: a new deployment's document is a new cache entry. */
  version: string;
}
let built: Promise<BuiltDocument> | null = null;

async function readBuiltDocument(assets: Fetcher | undefined): Promise<BuiltDocument> {
  if (!assets) throw new ProblemError('asset-unavailable', 'The ASSETS binding is missing; run `npm run build:widget`.');
  const res = await assets.fetch(`https://assets.local${OPENAPI_ASSET_PATH}`);
  if (!res.ok) throw new ProblemError('asset-unavailable', `dist/public${OPENAPI_ASSET_PATH} is missing; run \`npm run build:widget\`.`);
  const text = await res.text();
  return { document: JSON.parse(text) as Json, version: (await sha256Hex(text)).slice(0, 16) };
}

/** The isolate's copy of the built document, read once (a failed read is not remembered: the next request tries again). */
function builtDocument(assets: Fetcher | undefined): Promise<BuiltDocument> {
  built ??= readBuiltDocument(assets).catch((error) => {
    built = null;
    throw error;
  });
  return built;
}

/** The edge-cache identity of /openapi.json: everything the answer depends on — the build's document and the public origin. */
export async function openApiCacheKey(c: Context<{ Bindings: Env }>): Promise<string> {
  const { version } = await builtDocument(c.env.ASSETS);
  return `openapi:${version}:${publicOrigin(c.env.PUBLIC_ORIGIN) ?? '/'}`;
}

export const openApiRoutes = new Hono<{ Bindings: Env }>().get('/openapi.json', async (c) => {
  const { openapi, info, ...rest } = (await builtDocument(c.env.ASSETS)).document;
  return c.json({ openapi, info, servers: [{ url: publicOrigin(c.env.PUBLIC_ORIGIN) ?? '/' }], ...rest });
});
