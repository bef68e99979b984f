/**
 * What the crawl fixture server (fixture-server.ts, in Node) hands the workerd tests
 * (tests/worker/crawler.test.ts): its origin through vitest's `provide`/`inject`, and the shape of its
 * request log. Kept apart from the server so workerd's tests import no Node code, not even its types.
 */

import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtureOrigin: string;
  }
}

/** One request the fixture server answered, as the crawler test reads its log. */
export interface LoggedRequest {
  path: string;
  at: number;
  userAgent: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  host?: string;
}
