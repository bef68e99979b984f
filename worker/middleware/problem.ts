/**
 * RFC 9457 problem details: every error the API returns is `application/problem+json` with
 * `type`, `title`, `status` and `detail`. Handlers throw `ProblemError`; the one `app.onError`
 * renders it.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem types this API uses. `type` URIs are relative to the API's origin (see docs/api.md). */
export const PROBLEM_TYPES = {
  'not-found': { status: 404, title: 'Not Found' },
  'invalid-request': { status: 400, title: 'Invalid request' },
  'invalid-json': { status: 400, title: 'Malformed JSON body' },
  'method-not-allowed': { status: 405, title: 'Method Not Allowed' },
  'not-acceptable': { status: 406, title: 'Not Acceptable' },
  'payload-too-large': { status: 413, title: 'Payload Too Large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type' },
  'uri-too-long': { status: 414, title: 'URI Too Long' },
  'unprocessable-article': { status: 422, title: 'Unprocessable article' },
  'too-many-requests': { status: 429, title: 'Too Many Requests' },
  'request-header-fields-too-large': { status: 431, title: 'Request Header Fields Too Large' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'internal-error': { status: 500, title: 'Internal Server Error' },
  'publishing-disabled': { status: 503, title: 'Publishing disabled' },
  'ingest-unavailable': { status: 503, title: 'Ingest worker unavailable' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

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
