/**
 * The public worker's deployable bundle, as `wrangler deploy --dry-run` builds it from wrangler.toml:
 * within the 150 KB gzip budget (issue 12: every isolate that answers a lookup loads all of it), and
 * free of what belongs to the ingest worker or to build time. Sizes and start-up over time:
 * `npm run bench bundle` (bench/RESULTS.bundle.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** Issue 12's budget for the public worker, gzip. */
const GZIP_BUDGET = 150 * 1000;

let dir: string;
let script: Buffer;
let inputs: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qs-bundle-'));
  execFileSync(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', dir, '--metafile', join(dir, 'meta.json')], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  script = readFileSync(join(dir, 'index.js'));
  // What the script carries: the inputs with bytes in its output (esbuild also lists the files it
  // parsed and tree-shook away).
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('index.js'))![1];
  inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the public worker bundle', () => {
  test(`is within ${GZIP_BUDGET / 1000} KB gzip`, () => {
    expect(gzipSync(script).byteLength).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  test('carries no HTML extraction, crawler, OpenAPI generator or bundled lexicon', () => {
    const unwanted = [
      /linkedom/,
      /@mozilla\/readability/,
      /htmlparser2/,
      /cssom/,
      /worker\/ingest\//,
      /zod-to-openapi\/dist/,
      /zod\/v4\/locales\/(?!en\.js)/,
      /lexicon\/antonyms\.json/,
      /lexicon\/bundled/,
    ];
    for (const pattern of unwanted)
      expect(
        inputs.filter((f) => pattern.test(f)),
        String(pattern),
      ).toEqual([]);
  });

  test('keeps what a lookup needs: the engine, Hono and zod validation', () => {
    for (const wanted of [/worker\/core\/lookup\.ts$/, /hono\/dist\/hono-base\.js$/, /zod\/v4\/core\/schemas\.js$/])
      expect(
        inputs.some((f) => wanted.test(f)),
        String(wanted),
      ).toBe(true);
  });
});
