/**
 * The app's single error handler and its not-found handler, both rendering RFC 9457 problems.
 * A path that exists under another method answers 405 with `Allow`, not 404.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ProblemError, problemResponse, problemType, PROBLEM_TYPES, type ProblemSlug } from './problem';

const slugForStatus = (status: number): ProblemSlug =>
  (Object.entries(PROBLEM_TYPES).find(([, t]) => t.status === status)?.[0] as ProblemSlug | undefined) ??
  (status >= 500 ? 'internal-error' : 'invalid-request');

/** Renders every thrown error as problem+json; unexpected errors are logged and hidden from clients. */
export function problemErrorHandler(): ErrorHandler {
  return (err, c) => {
    // Sliced: a 414's path may be megabytes long.
    const instance = new URL(c.req.url).pathname.slice(0, 200);
    if (err instanceof ProblemError) return problemResponse(err.toProblem(instance), err.headers);
    if (err instanceof HTTPException) {
      const slug = slugForStatus(err.status);
      return problemResponse({
        type: problemType(slug),
        title: PROBLEM_TYPES[slug].title,
        status: err.status,
        detail: err.message || PROBLEM_TYPES[slug].title,
        instance,
      });
    }
    console.error('unhandled error', c.req.method, instance, err);
    return problemResponse({
      type: problemType('internal-error'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server failed to answer this request; it has been logged.',
      instance,
    });
  };
}

/**
 * Route path patterns like `/v1/articles/:id` as regular expressions. Exact, as the router is
 * strict: `/v1/lookup/` is not `/v1/lookup` (404), never a 405 telling the client to use GET.
 */
const patternOf = (path: string) =>
  new RegExp(
    `^${path
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\/:[^/{]+(\{[^}]*\})?/g, '/[^/]+')
      .replace(/\*/g, '.*')}$`,
  );

/** 404 for unknown paths; 405 (with `Allow`) for known paths under an unsupported method. */
export function problemNotFound(app: () => { readonly routes: readonly { method: string; path: string }[] }): NotFoundHandler {
  return (c: Context) => {
    const path = new URL(c.req.url).pathname;
    const allowed = new Set<string>();
    for (const route of app().routes) {
      if (route.method === 'ALL' || !patternOf(route.path).test(path)) continue;
      allowed.add(route.method);
    }
    if (allowed.size) {
      if (allowed.has('GET')) allowed.add('HEAD');
      allowed.add('OPTIONS');
      const allow = [...allowed].sort().join(', ');
      const problem = new ProblemError('method-not-allowed', `${c.req.method} is not supported on ${path}; use ${allow}.`);
      return problemResponse(problem.toProblem(path), { allow });
    }
    return problemResponse(new ProblemError('not-found', `No endpoint at ${path}. See /openapi.json for the API.`).toProblem(path));
  };
}
