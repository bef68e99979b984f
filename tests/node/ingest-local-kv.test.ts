/**
 * `--local` writes where `wrangler dev` reads: ingest through Miniflare into a project's
 * .wrangler/state, then read the key back with wrangler's own CLI. Also exercises the `--remote`
 * code path (bulk get / bulk put / bulk delete via wrangler) against that local storage, since the
 * deployed namespace is not reachable from tests.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ingest } from '../../scripts/ingest';
import { namespaceIdFromWranglerToml, parseBulkGetOutput, RemoteKV } from '../../scripts/local-kv';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const wrangler = join(root, 'node_modules/.bin/wrangler');
let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'qs-local-'));
  await writeFile(
    join(project, 'wrangler.toml'),
    'name = "qs-test"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n\n[[kv_namespaces]]\nbinding = "QS_KV"\nid = "0123456789abcdef0123456789abcdef"\n',
  );
  await writeFile(join(project, 'index.js'), 'export default { fetch() { return new Response("ok"); } };\n');
  await mkdir(join(project, 'in'));
  await copyFile(join(root, 'tests/fixtures/ingest/articles/library-hours.txt'), join(project, 'in/library-hours.txt'));
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

test('namespace id comes from wrangler.toml', async () => {
  expect(await namespaceIdFromWranglerToml(project)).toBe('0123456789abcdef0123456789abcdef');
  expect(parseBulkGetOutput('▲ [WARNING] beta\n\n{\n "a": {"value": "x"},\n "b": {"value": null}\n}\n')).toEqual({ a: 'x', b: null });
});

test('--local data is what wrangler sees; the --remote path reads, writes and deletes through wrangler', async () => {
  const lines: string[] = [];
  const totals = await ingest({ target: { kind: 'local' }, paths: [join(project, 'in')], projectDir: project, log: (l) => lines.push(l) });
  expect(totals).toMatchObject({ files: 1, failed: 0, created: 1 });
  const id = 'library-extends-weekend-opening-hours-7663dd07';
  const { stdout } = await run(wrangler, ['kv', 'key', 'get', '--local', '--binding', 'QS_KV', `v2:article:${id}`], { cwd: project });
  expect(JSON.parse(stdout)).toMatchObject({ id, title: 'Library extends weekend opening hours' });

  // A second --local run sees its own earlier writes: unchanged, nothing written.
  const again = await ingest({ target: { kind: 'local' }, paths: [join(project, 'in')], projectDir: project, log: () => {} });
  expect(again).toMatchObject({ unchanged: 1, keysWritten: 0 });

  const remote = new RemoteKV(project, '--local');
  const got = await remote.get([`v2:article:${id}`, 'v2:article:missing'], 'json');
  expect(got.get(`v2:article:${id}`)).toMatchObject({ id });
  expect(got.get('v2:article:missing')).toBeNull();
  await remote.put('v2:test:a', '"one"');
  await remote.delete(`v2:article:${id}`);
  expect(await remote.get(`v2:article:${id}`, 'json')).toBeNull();
  expect(await remote.flush()).toEqual({ written: 1, deleted: 1 });
  const fresh = new RemoteKV(project, '--local');
  const after = await fresh.get(['v2:test:a', `v2:article:${id}`], 'json');
  expect([...after.values()]).toEqual(['one', null]);
}, 180_000);
