/**
 * Request-wide limits checked before routing: oversized headers (431) and oversized URLs (414), so a
 * hostile client cannot make any route do work proportional to megabytes of input. Body size is
 * limited per route (middleware/body.ts), before the body is read.
 */
import type { MiddlewareHandler } from 'hono';
import { MAX_HEADER_BYTES } from '../core/validate';
import { ProblemError } from './problem';

/** Longest URL accepted: a 2,000-character query, percent-encoded as UTF-8, plus prefix/suffix, fits. */
export const MAX_URL_CHARS = 16 * 1024;

export function requestLimits(): MiddlewareHandler {
  return async (c, next) => {
    let headerBytes = 0;
    let largest = '';
    let largestBytes = 0;
    for (const [name, value] of c.req.raw.headers) {
      const size = name.length + value.length + 4;
      headerBytes += size;
      if (size > largestBytes) [largest, largestBytes] = [name, size];
    }
    if (headerBytes > MAX_HEADER_BYTES) {
      throw new ProblemError(
        'request-header-fields-too-large',
        `The request headers total ${headerBytes} bytes (limit ${MAX_HEADER_BYTES}); the largest is "${largest.slice(0, 64)}".`,
        {
          headers: { connection: 'close' },
        },
      );
    }
    if (c.req.url.length > MAX_URL_CHARS) {
      throw new ProblemError('uri-too-long', `The URL is ${c.req.url.length} characters (limit ${MAX_URL_CHARS}); send long quotes with POST /v1/lookup.`);
    }
    await next();
  };
}
