import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { chromiumLaunch } from './tests/chromium';

/**
 * The built widget (dist/public/widget*.js) served byte for byte, as the worker serves it: Vite's
 * transform would rewrite its `import()` of the card and language modules for the test runner,
 * which pages in test iframes do not have.
 */
const builtWidgetAsIs: Plugin = {
  name: 'built-widget-as-is',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const name = req.url?.match(/^\/dist\/public\/(widget[\w-]*\.js)(?:[?#].*)?$/)?.[1];
      const file = name && resolve('dist/public', name);
      if (!file || !existsSync(file)) return next();
      res.setHeader('content-type', 'text/javascript; charset=utf-8');
      res.end(readFileSync(file));
    });
  },
};

/**
 * The ingest worker (ingest/wrangler.toml) as an auxiliary worker beside the public one under test:
 * its bindings, queues and cron come from its own wrangler.toml; the script is the bundle
 * `npm run build:ingest` wrote (auxiliary workers are not bundled by Vite). Changed for tests only:
 * the coordinator lives in the runner (the public worker under test is renamed), loopback fetches
 * are allowed (the fixture server is on 127.0.0.1), a fetch times out after 2 s, retries come at
 * once and twice at most (so the slow host reaches the dead-letter queue within a test), and
 * batches are not held for 5 s.
 */
function ingestWorker(
  name: string,
  runner: string,
  overrides: { bindings: Record<string, string>; queueSuffix?: string; outboundService?: (request: Request) => Promise<Response> },
) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions('ingest/wrangler.toml');
  const suffix = overrides.queueSuffix ?? '';
  const rename = (queue: string) => `${queue}${suffix}`;
  const consumers = Object.fromEntries(
    Object.entries(workerOptions.queueConsumers as Record<string, Record<string, unknown>>).map(([queue, c]) => [
      rename(queue),
      {
        ...c,
        maxBatchTimeout: 1,
        retryDelay: 0,
        ...(c.maxRetries !== undefined ? { maxRetries: 2 } : {}),
        ...(c.deadLetterQueue ? { deadLetterQueue: rename(String(c.deadLetterQueue)) } : {}),
      },
    ]),
  );
  const producers = Object.fromEntries(
    Object.entries(workerOptions.queueProducers as Record<string, { queueName: string }>).map(([binding, p]) => [binding, { queueName: rename(p.queueName) }]),
  );
  return {
    name,
    compatibilityDate: workerOptions.compatibilityDate as string,
    compatibilityFlags: workerOptions.compatibilityFlags as string[],
    kvNamespaces: workerOptions.kvNamespaces as Record<string, { id: string }>,
    modules: true,
    scriptPath: resolve('dist/ingest/index.js'),
    durableObjects: {
      ...(workerOptions.durableObjects as Record<string, unknown>),
      INDEX_COORDINATOR: { className: 'IndexCoordinator', scriptName: runner },
    },
    queueProducers: producers,
    queueConsumers: consumers,
    bindings: {
      ...(workerOptions.bindings as Record<string, string>),
      ADMIN_TOKEN: 'test-admin-token',
      FETCH_TIMEOUT_MS: '2000',
      RETRY_BASE_SECONDS: '0',
      ...overrides.bindings,
    },
    ...(overrides.outboundService ? { outboundService: overrides.outboundService } : {}),
  };
}

/**
 * Production mode reaches the fixture server only as `news.fixture.example` — a public-looking host
 * this outbound service routes to 127.0.0.1, as DNS would — so a redirect from it to 127.0.0.1 is the
 * SSRF case. Every other destination is refused.
 */
async function fixtureHostOnly(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== 'news.fixture.example') return new Response('no network in tests', { status: 502 });
  const target = `http://127.0.0.1:${process.env.QS_FIXTURE_PORT}${url.pathname}${url.search}`;
  return fetch(target, { method: request.method, headers: request.headers, redirect: 'manual' });
}

/**
 * A workerd project: the public worker under test (wrangler.toml) with the ingest worker beside it
 * (and a production-mode one for the SSRF test). The runner worker is named after the project.
 */
function workerProject(name: string, opts: { include: string[]; exclude?: string[]; globalSetup?: string[]; groupOrder?: number }) {
  const runner = `vitest-plugin-runner-${name}`;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        // A fixed admin token for the publish tests, no lookup rate limit unless a test turns it on,
        // and a public origin that differs from the test requests' host (links must come from it).
        miniflare: {
          bindings: { ADMIN_TOKEN: 'test-admin-token', RATE_LIMIT: 'off', PUBLIC_ORIGIN: 'https://quotes.test' },
          // The production-mode ingest worker, reached by the SSRF test only.
          serviceBindings: { INGEST_PRODUCTION: 'quotesource-ingest-production' },
          workers: [
            ingestWorker('quotesource-ingest', runner, { bindings: { FETCH_ALLOW_LOOPBACK: 'on' } }),
            ingestWorker('quotesource-ingest-production', runner, {
              bindings: { FETCH_ALLOW_LOOPBACK: 'off' },
              queueSuffix: '-production',
              outboundService: fixtureHostOnly,
            }),
          ],
        },
      }),
    ],
    test: {
      name,
      include: opts.include,
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.globalSetup ? { globalSetup: opts.globalSetup } : {}),
      ...(opts.groupOrder !== undefined ? { sequence: { groupOrder: opts.groupOrder } } : {}),
      testTimeout: 60_000,
      // Seeding KV in beforeAll takes seconds when several workerd test files share 2 cores.
      hookTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      workerProject('worker', { include: ['tests/worker/**/*.test.ts'], exclude: ['tests/worker/crawler.test.ts'] }),
      // The crawler's long runs (queues, retries, a minute of polite fetching) publish through the
      // shared coordinator and KV: run after the other workerd files, not beside them.
      workerProject('worker-crawl', { include: ['tests/worker/crawler.test.ts'], globalSetup: ['tests/crawl/global-setup.ts'], groupOrder: 1 }),
      {
        plugins: [builtWidgetAsIs],
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunch }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
