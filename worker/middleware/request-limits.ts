/**
 * Request-wide limits checked before routing: oversized headers (431) and oversized URLs (414), so a
 * hostile client cannot make any route do work proportional to megabytes of input. Body size is
 * limited per route (middleware/body.ts), before the body is read.
 */
import type { MiddlewareHandler } from 'hono';
import { MAX_HEADER_BYTES } from '../core/validate';
import { problemResponse } from './problem';

/** Longest URL accepted: a 2,000-character query, percent-encoded as UTF-8, plus prefix/suffix, fits. */
export const MAX_URL_CHARS = 16 * 1024;

export function requestLimits(): MiddlewareHandler {
  return async (c, next) => {
    const instance = (() => {
      try {
        return new URL(c.req.url).pathname.slice(0, 200);
      } catch {
        return '/';
      }
    })();
    let headerBytes = 0;
    let largest = '';
    let largestBytes = 0;
    for (const [name, value] of c.req.raw.headers) {
      const size = name.length + value.length + 4;
      headerBytes += size;
      if (size > largestBytes) [largest, largestBytes] = [name, size];
    }
    if (headerBytes > MAX_HEADER_BYTES) {
      return problemResponse(
        {
          type: '/problems/request-header-fields-too-large',
          title: 'Request Header Fields Too Large',
          status: 431,
          detail: `The request headers total ${headerBytes} bytes (limit ${MAX_HEADER_BYTES}); the largest is "${largest.slice(0, 64)}".`,
          instance,
        },
        { connection: 'close' },
      );
    }
    if (c.req.url.length > MAX_URL_CHARS) {
      return problemResponse({
        type: '/problems/uri-too-long',
        title: 'URI Too Long',
        status: 414,
        detail: `The URL is ${c.req.url.length} characters (limit ${MAX_URL_CHARS}); send long quotes with POST /v1/lookup.`,
        instance,
      });
    }
    await next();
  };
}
