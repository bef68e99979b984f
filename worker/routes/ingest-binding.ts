/**
 * The public worker's two uses of the ingest worker (service binding `INGEST`, ingest/wrangler.toml):
 * HTML extraction for the `text/html` routes, and the sources API. The binding keeps linkedom,
 * Readability and their CSS/entity tables out of this worker's bundle (docs/sources.md "Two workers").
 *
 * Invariant: a route behaves as it did when it extracted in-process — the same `parseSource`, the
 * same messages — only the place it runs moved. An ingest worker that is not deployed or not
 * reachable is a 503 problem naming it, never a 500.
 */
import { InputError } from '../core/errors';
import type { Context } from 'hono';
import type { ParsedSource } from '../core/extract/sources';
import type IngestWorker from '../ingest/index';
import { ProblemError } from '../middleware/problem';

type IngestService = Service<IngestWorker>;

const ingest = (env: Env): IngestService => {
  if (!env.INGEST)
    throw new ProblemError(
      'ingest-unavailable',
      'This deployment has no ingest worker bound (INGEST): deploy it with `npx wrangler deploy -c ingest/wrangler.toml`.',
    );
  return env.INGEST as unknown as IngestService;
};

const unavailable = (e: unknown) =>
  new ProblemError(
    'ingest-unavailable',
    `The ingest worker did not answer (${(e as Error).message}); deploy it with \`npx wrangler deploy -c ingest/wrangler.toml\`, or try again.`,
    { headers: { 'retry-after': '30' } },
  );

/** `parseSource(fileName, bytes)` in the ingest worker; its error message is rethrown unchanged. */
export async function extractInIngest(env: Env, fileName: string, bytes: Uint8Array): Promise<ParsedSource> {
  let reply;
  try {
    reply = await ingest(env).extract(fileName, bytes);
  } catch (e) {
    if (e instanceof ProblemError) throw e;
    throw unavailable(e);
  }
  if (!reply.ok) throw new InputError(reply.message);
  return reply.parsed as ParsedSource;
}

/** The request, already validated here, re-sent to the ingest worker (with a JSON body when given). */
export async function forwardToIngest(c: Context<{ Bindings: Env }>, body?: unknown): Promise<Response> {
  const headers = new Headers({ authorization: c.req.header('authorization') ?? '' });
  if (body !== undefined) headers.set('content-type', 'application/json');
  try {
    const response = await ingest(c.env).fetch(c.req.url, { method: c.req.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return new Response(response.body, response);
  } catch (e) {
    if (e instanceof ProblemError) throw e;
    throw unavailable(e);
  }
}
