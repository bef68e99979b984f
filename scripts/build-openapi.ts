/**
 * `npm run build:openapi` (and every `npm run build:widget`): generates the OpenAPI document from the
 * public worker's routes and writes it to dist/public/contract/openapi.json, which the worker serves
 * at /openapi.json (worker/routes/openapi.ts). The generator runs here, once per build, so that the
 * deployed worker carries neither @asteasolutions/zod-to-openapi's generator nor zod's JSON Schema
 * converter, and no isolate spends start-up on them (wrangler.toml `[alias]`, worker/zod-to-openapi-runtime.ts).
 *
 * The routes are loaded as wrangler would load them: bundled by esbuild, with `*.txt` as text, but
 * with the real generator (no alias) and for Node. tests/worker/read.test.ts requires the served
 * document to equal one generated from the code under test.
 */
import { build } from 'esbuild';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPENAPI_ASSET_PATH } from '../worker/routes/openapi';

export const OPENAPI_OUT = `dist/public${OPENAPI_ASSET_PATH}`;

export async function buildOpenApi(): Promise<{ bytes: number; paths: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'qs-openapi-'));
  try {
    const bundle = join(dir, 'routes.mjs');
    await build({
      stdin: {
        contents: "export { app } from './worker/app'; export { openApiDocument } from './worker/routes/openapi-document';",
        resolveDir: resolve('.'),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      loader: { '.txt': 'text' },
      outfile: bundle,
      logLevel: 'error',
    });
    const { app, openApiDocument } = await import(pathToFileURL(bundle).href);
    const json = `${JSON.stringify(openApiDocument(app))}\n`;
    await mkdir(resolve(OPENAPI_OUT, '..'), { recursive: true });
    await writeFile(OPENAPI_OUT, json);
    return { bytes: Buffer.byteLength(json), paths: Object.keys(JSON.parse(json).paths).length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bytes, paths } = await buildOpenApi();
  console.log(`openapi: ${OPENAPI_OUT} ${paths} paths, ${(bytes / 1024).toFixed(1)} KB`);
}
