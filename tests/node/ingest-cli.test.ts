/** `npm run ingest -- --out FILE PATH...` end to end (a real child process), plus argument handling. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, parseArgs } from '../../scripts/ingest';
import { MemoryKV } from '../../worker/store/kv';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const fixtures = join(root, 'tests/fixtures/ingest');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qs-ingest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ingest CLI', () => {
  test('--out: good files go in, each bad file is named, exit code 1', async () => {
    const out = join(dir, 'bulk.json');
    const paths = ['articles', 'html', 'bad', 'claims'].map((d) => join(fixtures, d));
    const result = await run('npx', ['tsx', 'scripts/ingest.ts', '--out', out, ...paths], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    for (const bad of ['bad/no-body.json', 'bad/not-json.json', 'bad/empty.txt', 'bad/no-article.html']) {
      expect(lines.some((l) => l.startsWith('FAILED') && l.includes(bad))).toBe(true);
    }
    expect(lines.find((l) => l.includes('harbour-council.json'))).toMatch(/^created\s.*article=fixture-harbour-council excerpts=10 quotes=11 .*claims=11 keys: \+\d+ -0$/);
    expect(lines.find((l) => l.includes('harbour.claims.json'))).toMatch(/^claims\s.*claims=1 created=1 .*linked-excerpts=1/);
    expect(lines.at(-1)).toMatch(/^5\/9 files ingested: articles created=4 updated=0 unchanged=0, .* 4 FAILED$/);

    const bulk = JSON.parse(await readFile(out, 'utf8')) as { key: string; value: string }[];
    const names = bulk.map((b) => b.key);
    for (const id of ['fixture-harbour-council', 'news-bridge-repairs-f2de2733']) expect(names).toContain(`v1:article:${id}`);
    expect(names).toContain('v1:excerpt:fixture-harbour-council~9');
    expect(names).toContain('v1:claim:fixture-ferry-passengers');
    expect(bulk.every((b) => typeof b.value === 'string')).toBe(true);
    // The claim file ran after the articles, so its claim is linked into the excerpt it appears in.
    const excerpt = JSON.parse(bulk.find((b) => b.key === 'v1:excerpt:fixture-harbour-council~5')!.value);
    expect(excerpt.claims.map((c: { id: string }) => c.id)).toEqual(['fixture-ferry-passengers']);
  }, 60_000);

  test('exit code 0 when every file is good; a missing path is a failure, not a crash', async () => {
    const out = join(dir, 'good.json');
    const ok = await run('npx', ['tsx', 'scripts/ingest.ts', '--out', out, join(fixtures, 'articles')], { cwd: root });
    expect(ok.stdout).toMatch(/2\/2 files ingested/);
    const missing = await run('npx', ['tsx', 'scripts/ingest.ts', '--out', out, join(fixtures, 'nope')], { cwd: root }).catch((e) => e);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/FAILED .*nope: no such file or folder/);
  }, 60_000);

  test('arguments', () => {
    expect(parseArgs(['seeds'])).toEqual({ target: { kind: 'local' }, paths: ['seeds'] });
    expect(parseArgs(['--remote', 'a', 'b']).target).toEqual({ kind: 'remote' });
    expect(parseArgs(['--out=x.json', 'a']).target).toEqual({ kind: 'out', file: 'x.json' });
    expect(() => parseArgs(['--local', '--remote', 'a'])).toThrow(/choose one/);
    expect(() => parseArgs(['--out'])).toThrow(/--out needs a FILE/);
    expect(() => parseArgs(['--bogus', 'a'])).toThrow(/unknown option --bogus/);
    expect(() => parseArgs([])).toThrow(/no PATH/);
  });

  test('re-running into the same store reports unchanged and writes nothing', async () => {
    const kv = new MemoryKV();
    const lines: string[] = [];
    const opts = { target: { kind: 'kv' as const, kv }, paths: [join(fixtures, 'articles')], log: (l: string) => lines.push(l) };
    await ingest(opts);
    const again = await ingest(opts);
    expect(again).toMatchObject({ files: 2, failed: 0, created: 0, unchanged: 2, keysWritten: 0, keysDeleted: 0 });
    expect(lines.filter((l) => l.startsWith('unchanged'))).toHaveLength(2);
  });
});
