/**
 * Errors in Google's JSON shape for the Google-compatible paths (`/v1alpha1/*`): Google's client
 * libraries (gaxios, google-api-python-client, …) read `error.message` and `error.status`, so a
 * problem+json body would surface as a bare "Request failed with status code 400".
 *
 * Mounted outermost on those paths: whatever answered with a problem (validation, the rate limiter,
 * the not-found handler, `onError`) is rewritten here, so the rest of the app keeps one error type.
 * Invariants: the HTTP status and headers (e.g. `Retry-After`) are kept; only the body and its
 * content type change; `details` carries Google's `BadRequest.fieldViolations` for each bad field.
 */
import type { MiddlewareHandler } from 'hono';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem';

/** google.rpc.Code names for the HTTP statuses this API answers with (Google's own HTTP mapping). */
export const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
  413: 'INVALID_ARGUMENT',
  414: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  422: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  431: 'INVALID_ARGUMENT',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export interface GoogleError {
  error: {
    code: number;
    message: string;
    status: string;
    details?: { '@type': string; fieldViolations: { field: string; description: string }[] }[];
  };
}

/** `query.pageSize` → `pageSize`: Google names the request field, not where it was sent. */
const fieldName = (path: string) => path.replace(/^(query|path|body|header)\./, '');

export function googleErrorFromProblem(problem: Problem): GoogleError {
  const error: GoogleError['error'] = {
    code: problem.status,
    message: problem.detail,
    status: GOOGLE_STATUS[problem.status] ?? (problem.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'),
  };
  if (problem.errors?.length) {
    error.details = [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: problem.errors.map((e) => ({ field: fieldName(e.path), description: e.message })),
      },
    ];
  }
  return { error };
}

export function googleErrors(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!(c.res.headers.get('content-type') ?? '').startsWith(PROBLEM_CONTENT_TYPE)) return;
    let problem: Problem;
    try {
      problem = (await c.res.clone().json()) as Problem;
    } catch {
      return;
    }
    const headers = new Headers(c.res.headers);
    headers.set('content-type', 'application/json; charset=UTF-8');
    headers.delete('content-length');
    c.res = new Response(JSON.stringify(googleErrorFromProblem(problem)), { status: c.res.status, headers });
  };
}
