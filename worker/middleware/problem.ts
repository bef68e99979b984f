/**
 * RFC 9457 problem details: every error the API returns is `application/problem+json` with
 * `type`, `title`, `status` and `detail`. Handlers throw `ProblemError`; the one `app.onError`
 * renders it.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The one table of problem types: every type here is sent by some route or middleware, and
 * `GET /problems/:slug` explains it with `meaning`. `type` URIs are relative to the API's origin (see docs/api.md).
 */
export const PROBLEM_TYPES = {
  'not-found': { status: 404, title: 'Not Found', meaning: 'No record has this id, or no endpoint has this path.' },
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    meaning: 'A path id, query parameter or body field is malformed; `errors` lists each one with the reason.',
  },
  'invalid-json': { status: 400, title: 'Malformed JSON body', meaning: 'The body is not valid JSON.' },
  'method-not-allowed': {
    status: 405,
    title: 'Method Not Allowed',
    meaning: 'The path exists but not under this method; the `Allow` header lists the methods it takes.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload Too Large',
    meaning: 'The body is larger than the API accepts (1 MiB), or a field is longer than its limit.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported Media Type',
    meaning: 'The body is not in a media type the endpoint takes: JSON (`Content-Type: application/json`), and for articles and drafts also `text/html`.',
  },
  'uri-too-long': { status: 414, title: 'URI Too Long', meaning: 'The URL is longer than the API accepts; send long quotes with POST /v1/lookup.' },
  'unprocessable-article': {
    status: 422,
    title: 'Unprocessable article',
    meaning: 'The article could not be ingested (no text could be extracted, or it failed validation); `detail` says why.',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too Many Requests',
    meaning: 'This client made too many lookups in the rate-limit period; wait for `Retry-After` seconds.',
  },
  'request-header-fields-too-large': { status: 431, title: 'Request Header Fields Too Large', meaning: 'The request headers are larger than the API accepts.' },
  unauthorized: { status: 401, title: 'Unauthorized', meaning: 'The endpoint needs `Authorization: Bearer <token>`.' },
  forbidden: { status: 403, title: 'Forbidden', meaning: 'The bearer token is not valid for this endpoint.' },
  'internal-error': { status: 500, title: 'Internal Server Error', meaning: 'The worker failed; the error is logged. Retry later.' },
  'publishing-disabled': {
    status: 503,
    title: 'Publishing disabled',
    meaning: 'This deployment has no ADMIN_TOKEN secret, so publishing (PUT/DELETE) is switched off.',
  },
  'asset-unavailable': {
    status: 503,
    title: 'Script unavailable',
    meaning: 'The deployment is missing what `npm run build:widget` builds: the widget script, or the OpenAPI document.',
  },
  'ingest-unavailable': {
    status: 503,
    title: 'Ingest worker unavailable',
    meaning:
      'The ingest worker (HTML extraction, sources) is not deployed or did not answer; deploy it with `wrangler deploy -c ingest/wrangler.toml`, or retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string; meaning: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** For validation problems: which parameter or body field is wrong, and why. */
  errors?: { path: string; message: string }[];
}

export const problemType = (slug: ProblemSlug) => `/problems/${slug}`;

export class ProblemError extends Error {
  readonly slug: ProblemSlug;
  readonly status: ContentfulStatusCode;
  readonly errors?: Problem['errors'];
  readonly headers: Record<string, string>;

  constructor(slug: ProblemSlug, detail: string, extra: { errors?: Problem['errors']; headers?: Record<string, string> } = {}) {
    super(detail);
    this.slug = slug;
    this.status = PROBLEM_TYPES[slug].status;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }

  toProblem(instance?: string): Problem {
    const body: Problem = { type: problemType(this.slug), title: PROBLEM_TYPES[this.slug].title, status: this.status, detail: this.message };
    if (instance) body.instance = instance;
    if (this.errors?.length) body.errors = this.errors;
    return body;
  }
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
  });
}
