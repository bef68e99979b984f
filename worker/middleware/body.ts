/** Request-body guards for POST endpoints, checked before anything parses the body. */
import type { MiddlewareHandler } from 'hono';
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

/** 415 problem+json unless the body is declared as JSON. */
export function requireJson(): MiddlewareHandler {
  return async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
      throw new ProblemError('unsupported-media-type', `Send the body as JSON with "Content-Type: application/json" (got ${type ? `"${type}"` : 'none'}).`);
    }
    await next();
  };
}
