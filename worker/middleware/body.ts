/** Request-body guards for POST endpoints, checked before anything parses the body. */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError } from './problem';

/** 413 problem+json when the body exceeds `maxBytes` (Content-Length or streamed size). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError('payload-too-large', `The request body exceeds ${Math.round(maxBytes / 1024)} KiB; send fewer or shorter quotes.`);
    },
  });
}

/** The request's media type, lower case, without parameters ('' when none is declared). */
export const mediaTypeOf = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
export const isJsonType = (type: string) => /^application\/([\w.-]+\+)?json$/.test(type);

/**
 * 415 problem+json unless the body is JSON (or, with `html`, a web page); `hint(got)` tells the
 * client what to send. A JSON body is parsed here, so malformed JSON is a 400 `invalid-json` before
 * validation; later readers get it from Hono's body cache (`c.req.json()`, `c.req.arrayBuffer()`).
 */
export function requireMediaType(options: { html?: boolean; hint: (got: string) => string }): MiddlewareHandler {
  return async (c, next) => {
    const type = mediaTypeOf(c);
    const json = isJsonType(type);
    if (!json && !(options.html && type === 'text/html')) throw new ProblemError('unsupported-media-type', options.hint(type ? `"${type}"` : 'none'));
    if (json) {
      // The bytes first (cached), then JSON from them: the exact body stays readable for cache keys.
      await c.req.arrayBuffer();
      try {
        await c.req.json();
      } catch (err) {
        throw new ProblemError('invalid-json', `The body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300));
      }
    }
    await next();
  };
}

/** 415 problem+json unless the body is declared as JSON; 400 `invalid-json` when it is not. */
export const requireJson = (): MiddlewareHandler =>
  requireMediaType({ hint: (got) => `Send the body as JSON with "Content-Type: application/json" (got ${got}).` });
