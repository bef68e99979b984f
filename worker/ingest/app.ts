/**
 * The ingest worker's HTTP face: the sources API (the same route definitions as the public worker,
 * which forwards them here over its service binding), with the one problem+json error handler.
 * Nothing here is reachable from the internet unless this worker is given a route of its own.
 */
import type { MiddlewareHandler } from 'hono';
import { requireAdminToken } from '../middleware/auth';
import { problemErrorHandler, problemNotFound } from '../middleware/errors';
import { ProblemError } from '../middleware/problem';
import { checkFetchUrl, FetchRefused } from '../core/fetch-policy';
import { createRouter } from '../routes/router';
import { sourceRoutes } from '../routes/sources';
import type { IngestEnv } from './env';
import type { SourceJob } from './jobs';
import { ledgerFor } from './ledger';

const flag = (value: string | undefined) => value === 'on' || value === 'true' || value === '1';
const noStore = { 'cache-control': 'no-store' };

export const ingestApp = createRouter();

/**
 * This worker has no route (workers_dev = false): only the public worker's service binding reaches
 * it, and that worker has checked the bearer token already. With its own ADMIN_TOKEN secret it checks
 * again (defence in depth); without one it trusts the binding, so `wrangler dev` with both configs
 * needs the secret in one place only.
 */
const tokenIfConfigured: MiddlewareHandler = async (c, next) => {
  if (!(c.env as IngestEnv).ADMIN_TOKEN) return next();
  return requireAdminToken()(c as never, next);
};

const sources = sourceRoutes(
  {
    async put(c, id, input) {
      const env = c.env as unknown as IngestEnv;
      // A URL the crawler would refuse (private address, localhost) is refused now, not at the first run.
      try {
        checkFetchUrl(input.url, { allowLoopback: flag(env.FETCH_ALLOW_LOOPBACK) });
      } catch (e) {
        if (e instanceof FetchRefused)
          throw new ProblemError('invalid-request', `body.url: ${e.message}`, { errors: [{ path: 'body.url', message: e.message }] });
        throw e;
      }
      const { created, source } = await ledgerFor(env).putSource(id, input);
      return Response.json(source, { status: created ? 201 : 200, headers: noStore });
    },
    async remove(c, id) {
      const env = c.env as unknown as IngestEnv;
      if (!(await ledgerFor(env).deleteSource(id))) throw new ProblemError('not-found', `No source with id "${id}".`);
      return Response.json({ id, status: 'deleted' }, { headers: noStore });
    },
    async run(c, id) {
      const env = c.env as unknown as IngestEnv;
      if (!(await ledgerFor(env).startRun(id))) throw new ProblemError('not-found', `No source with id "${id}".`);
      await env.SOURCE_QUEUE.send({ type: 'source', sourceId: id } satisfies SourceJob);
      return Response.json({ id, status: 'queued' }, { status: 202, headers: noStore });
    },
    async list(c) {
      const env = c.env as unknown as IngestEnv;
      return Response.json({ sources: await ledgerFor(env).listSources() }, { headers: noStore });
    },
    async get(c, id) {
      const env = c.env as unknown as IngestEnv;
      const source = await ledgerFor(env).getSource(id);
      if (!source) throw new ProblemError('not-found', `No source with id "${id}".`);
      return Response.json(source, { headers: noStore });
    },
  },
  tokenIfConfigured,
);

ingestApp.route('/', sources);
ingestApp.onError(problemErrorHandler());
ingestApp.notFound(problemNotFound(() => ingestApp));
