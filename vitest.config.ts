import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
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
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // A fixed admin token for the publish tests, no lookup rate limit unless a test turns it on,
            // and a public origin that differs from the test requests' host (links must come from it).
            miniflare: { bindings: { ADMIN_TOKEN: 'test-admin-token', RATE_LIMIT: 'off', PUBLIC_ORIGIN: 'https://quotes.test' } },
          }),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          testTimeout: 60_000,
          // Seeding KV in beforeAll takes seconds when several workerd test files share 2 cores.
          hookTimeout: 60_000,
        },
      },
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
