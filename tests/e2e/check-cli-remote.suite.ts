/**
 * `npm run check -- --remote URL` against the real worker (wrangler dev): the CLI posts each draft to
 * POST /v1/check over HTTP, prints the same statuses the endpoint gives, and gates on them. The
 * record is the fictional harbour council (tests/harbour.ts), published through PUT /v1/articles.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ARTICLES } from '../harbour';
import { PROJECT_DIR, publishThrough, sharedSetup, type Worker } from './harness';

const run = promisify(execFile);
let worker: Worker;
let dir: string;

const DRAFT = [
  '# Ferry draft',
  '',
  '"The night ferry will be cancelled this winter," Councillor Maren Holt said on Tuesday.',
  '',
  'Councillor Okonjo said: "The maintenance budget shows a surplus of forty thousand pounds this year."',
  '',
  'Holt told the meeting: "The night ferry will not be cancelled this winter."',
].join('\n');

beforeAll(async () => {
  ({ worker } = await sharedSetup());
  await publishThrough(worker, ARTICLES);
  dir = await mkdtemp(join(tmpdir(), 'qs-check-remote-'));
  await writeFile(join(dir, 'ferry.md'), DRAFT);
  await writeFile(join(dir, 'clean.txt'), 'Clean draft\n\nHolt told the meeting: "The night ferry will not be cancelled this winter."\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'scripts/check.ts', ...args], { cwd: PROJECT_DIR }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('npm run check -- --remote URL', () => {
  test('statuses from the deployed worker, the same as POST /v1/check, and the gate', async () => {
    const r = await cli('--remote', worker.url, '--json', join(dir, 'ferry.md'));
    expect(r.code, r.stderr).toBe(1);
    const [report] = JSON.parse(r.stdout) as { quotations: { status: string; text: string }[] }[];
    expect(report.quotations.map((q) => q.status)).toEqual(['altered', 'misattributed', 'verbatim']);
    // The endpoint itself, for the same text (the CLI sends Markdown as its paragraphs).
    const direct = await fetch(`${worker.url}/v1/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: DRAFT.split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .join('\n\n'),
      }),
    });
    const body = (await direct.json()) as { quotations: { status: string }[] };
    expect(body.quotations.map((q) => q.status)).toEqual(report.quotations.map((q) => q.status));

    const table = await cli('--remote', worker.url, join(dir, 'ferry.md'), join(dir, 'clean.txt'));
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/ferry\.md: 3 quotations \(1 verbatim, 1 altered, 1 misattributed\)/);
    expect(table.stdout).toMatch(/clean\.txt: 1 quotation \(1 verbatim\)/);
    expect((await cli('--remote', worker.url, join(dir, 'clean.txt'))).code).toBe(0);
  }, 120_000);

  test('a worker that cannot be reached is a clear failure, exit 2', async () => {
    const r = await cli('--remote', 'http://127.0.0.1:9', join(dir, 'clean.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clean\.txt: /);
  }, 60_000);
});
