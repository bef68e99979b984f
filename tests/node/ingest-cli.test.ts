/**
 * `npm run ingest -- --out FILE PATH...` end to end (a real child process), plus argument handling,
 * article kinds (`--kind`, a file's own `kind`), `.meta.json` sidecars and the primary-without-turns warning.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, parseArgs } from '../../scripts/ingest';
import type { Article } from '../../worker/core/types';
import { readArticle, readExcerpt } from '../../worker/store/records';
import { MemoryKV } from '../../worker/store/kv';
import { GENERATION_KEY } from '../../worker/store/generation';

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
    expect(lines.find((l) => l.includes('harbour-council.json'))).toMatch(
      /^created\s.*article=fixture-harbour-council excerpts=10 quotes=11 .*claims=11 keys: \+\d+ -0$/,
    );
    expect(lines.find((l) => l.includes('harbour.claims.json'))).toMatch(/^claims\s.*claims=1 created=1 .*linked-excerpts=1/);
    expect(lines.at(-1)).toMatch(/^5\/9 files ingested: articles created=4 updated=0 unchanged=0, .* 4 FAILED$/);

    const bulk = JSON.parse(await readFile(out, 'utf8')) as { key: string; value: string }[];
    const names = bulk.map((b) => b.key);
    for (const id of ['fixture-harbour-council', 'news-bridge-repairs-f2de2733']) expect(names).toContain(`v2:article:${id}`);
    expect(names).toContain('v2:excerpt:fixture-harbour-council~9');
    expect(names).toContain('v2:claim:fixture-ferry-passengers');
    expect(bulk.every((b) => typeof b.value === 'string')).toBe(true);
    // The claim file ran after the articles, so its claim is linked into the excerpt it appears in.
    const excerpt = JSON.parse(bulk.find((b) => b.key === 'v2:excerpt:fixture-harbour-council~5')!.value);
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
    // A run that wrote something ends with a new store generation: cached answers from before are not served again.
    const generation = kv.data.get(GENERATION_KEY);
    expect(generation).toBeTruthy();
    const again = await ingest(opts);
    expect(again).toMatchObject({ files: 2, failed: 0, created: 0, unchanged: 2, keysWritten: 0, keysDeleted: 0 });
    expect(lines.filter((l) => l.startsWith('unchanged'))).toHaveLength(2);
    // … and one that wrote nothing leaves it (every cached answer is still right).
    expect(kv.data.get(GENERATION_KEY)).toBe(generation);
  });
});

describe('article kinds, .meta.json sidecars, the primary-without-turns warning', () => {
  const kinds = join(fixtures, 'kinds');
  const kindsBad = join(fixtures, 'kinds-bad');
  /** Ingests into a fresh MemoryKV; returns the store, the printed lines and the totals. */
  const load = async (paths: string[], kind?: 'primary' | 'report') => {
    const kv = new MemoryKV();
    const lines: string[] = [];
    const totals = await ingest({ target: { kind: 'kv', kv }, paths, log: (l) => lines.push(l), ...(kind ? { kind } : {}) });
    return { kv, lines, totals };
  };
  /** The article id a `created` line reports for a file. */
  const idOf = (lines: string[], file: string) => {
    const id = lines.find((l) => l.startsWith('created') && l.includes(file))?.match(/ article=(\S+) /)?.[1];
    if (!id) throw new Error(`no created line for ${file}:\n${lines.join('\n')}`);
    return id;
  };
  const NOTICE_WARNING = /^warning {4}\S*kinds\/notice\.txt: no speaker turns found and no "speaker" given: ingested as plain text/;

  test("--kind primary applies to files that do not say; a file's own kind wins over --kind", async () => {
    const asPrimary = await load([kinds], 'primary');
    expect(asPrimary.totals).toMatchObject({ files: 3, failed: 0, created: 3 });
    const kindOf = async (kv: MemoryKV, id: string) => (await readArticle(kv, id))?.kind;
    const notice = idOf(asPrimary.lines, 'notice.txt');
    expect(await kindOf(asPrimary.kv, notice)).toBe('primary');
    // coverage.json says "report", ferry-statement.meta.json says "primary": --kind changes neither.
    expect(await kindOf(asPrimary.kv, 'fixture-library-sundays-coverage')).toBe('report');
    expect(await kindOf(asPrimary.kv, 'fixture-ferry-statement')).toBe('primary');
    const excerpt = await readExcerpt(asPrimary.kv, `${notice}~0`);
    expect(excerpt?.article.kind).toBe('primary');

    const asReport = await load([kinds], 'report');
    expect(await kindOf(asReport.kv, notice)).toBe('report');
    expect(await kindOf(asReport.kv, 'fixture-ferry-statement')).toBe('primary');
    // Without --kind the default is report.
    const plain = await load([kinds]);
    expect(await kindOf(plain.kv, notice)).toBe('report');
    expect(await kindOf(plain.kv, 'fixture-library-sundays-coverage')).toBe('report');
  });

  test('a primary .txt with no speaker turns and no speaker prints a warning line; reports and named speakers do not', async () => {
    const asPrimary = await load([kinds], 'primary');
    const warnings = asPrimary.lines.filter((l) => l.startsWith('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(NOTICE_WARNING);
    // The warning is not a failure: the file still goes in, as plain text.
    expect(asPrimary.totals.failed).toBe(0);
    expect(asPrimary.lines.some((l) => /^created\s+\S*kinds\/notice\.txt\s+article=\S+ excerpts=2 quotes=0 /.test(l))).toBe(true);
    // As a report the same file is ordinary coverage: nothing to warn about.
    expect((await load([kinds])).lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  test('NAME.txt + NAME.meta.json: the sidecar gives the metadata, the whole text is the body, the sidecar is no file of its own', async () => {
    const { kv, lines, totals } = await load([join(kinds, 'ferry-statement.txt')]);
    expect(totals).toMatchObject({ files: 1, failed: 0, created: 1 });
    expect(lines.filter((l) => l.includes('.meta.json'))).toEqual([]);
    const article = (await readArticle(kv, 'fixture-ferry-statement')) as Article;
    expect(article).toMatchObject({
      id: 'fixture-ferry-statement',
      kind: 'primary',
      title: 'Statement on the night ferry timetable',
      publisher: 'Port Alder Harbour Council',
      published: '2024-03-18',
      language: 'en',
    });
    // The first line is not taken as a title (as a bare .txt's would be): it is the first paragraph.
    const text = await readFile(join(kinds, 'ferry-statement.txt'), 'utf8');
    const paragraphs = text.trim().split(/\n\s*\n/);
    expect(article.excerptIds).toHaveLength(paragraphs.length);
    const excerpts = await Promise.all(article.excerptIds.map((id) => readExcerpt(kv, id)));
    expect(excerpts.map((e) => e?.text)).toEqual(paragraphs);
    expect(excerpts[0]?.text).toBe('The night ferry will keep its winter timetable.');
    // The sidecar's "speaker": every paragraph of this primary is hers.
    for (const e of excerpts)
      expect(e?.quotes).toEqual([expect.objectContaining({ speaker: { name: 'Maren Holt' }, turn: true, start: 0, end: e!.text.length })]);

    // Walking the folder: three files (the .meta.json is read with its .txt, never on its own).
    const folder = await load([kinds]);
    expect(folder.totals.files).toBe(3);
    expect(folder.lines.filter((l) => l.includes('.meta.json'))).toEqual([]);
  });

  test('a JSON file with an unknown kind fails, naming the file and "kind"; the others still go in', async () => {
    const { lines, totals } = await load([kinds, kindsBad], 'primary');
    expect(totals).toMatchObject({ files: 4, failed: 1, created: 3 });
    const failed = lines.filter((l) => l.startsWith('FAILED'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^FAILED {5}\S*kinds-bad\/editorial\.json: "kind" must be "primary" or "report", not "editorial"$/);
  });

  test('as a process: --kind primary over good and bad files (exit 1), --kind editorial is a usage error (exit 2)', async () => {
    const out = join(dir, 'kinds.json');
    const result = await run('npx', ['tsx', 'scripts/ingest.ts', '--out', out, '--kind', 'primary', kinds, kindsBad], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAILED'))).toEqual([expect.stringMatching(/kinds-bad\/editorial\.json: "kind" must be "primary" or "report"/)]);
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([expect.stringMatching(NOTICE_WARNING)]);
    expect(lines.filter((l) => l.startsWith('created'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('.meta.json'))).toBe(false);
    expect(lines.at(-1)).toMatch(/^3\/4 files ingested: articles created=3 .* 1 FAILED$/);
    const bulk = JSON.parse(await readFile(out, 'utf8')) as { key: string; value: string }[];
    const kindsById = Object.fromEntries(
      bulk.filter((b) => b.key.startsWith('v2:article:')).map((b) => [(JSON.parse(b.value) as Article).id, (JSON.parse(b.value) as Article).kind]),
    );
    expect(kindsById).toEqual({
      [idOf(lines, 'notice.txt')]: 'primary',
      'fixture-library-sundays-coverage': 'report',
      'fixture-ferry-statement': 'primary',
    });

    const usage = await run('npx', ['tsx', 'scripts/ingest.ts', '--out', out, '--kind', 'editorial', kinds], { cwd: root }).catch((e) => e);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--kind must be primary or report, not "editorial"/);
    expect(usage.stderr).toMatch(/usage: npm run ingest -- .*\[--kind primary\|report\] PATH/);
    expect(usage.stdout).toBe('');
  }, 60_000);

  test('--kind arguments', () => {
    expect(parseArgs(['--kind', 'primary', 'a']).kind).toBe('primary');
    expect(parseArgs(['--kind=report', 'a']).kind).toBe('report');
    expect(parseArgs(['a', '--kind', 'primary', 'b'])).toEqual({ target: { kind: 'local' }, paths: ['a', 'b'], kind: 'primary' });
    expect(parseArgs(['a'])).not.toHaveProperty('kind');
    expect(() => parseArgs(['--kind', 'editorial', 'a'])).toThrow(/--kind must be primary or report, not "editorial"/);
    expect(() => parseArgs(['--kind=Primary', 'a'])).toThrow(/--kind must be primary or report/);
    expect(() => parseArgs(['a', '--kind'])).toThrow(/--kind must be primary or report, not ""/);
  });

  // KNOWN BUG (scripts/ingest.ts `walk`): `.meta.json` files are skipped only while walking a folder.
  // Named on the command line (`npm run ingest -- kinds/*` expands to them), a sidecar is parsed as an
  // article JSON and FAILS ("body" must be a non-empty string), so the run exits 1. Remove `.fails`
  // once explicit sidecar paths are skipped too.
  test('a .meta.json named as a PATH (a shell glob) is read with its .txt, not ingested on its own', async () => {
    const { totals } = await load([join(kinds, 'ferry-statement.txt'), join(kinds, 'ferry-statement.meta.json')]);
    expect(totals).toMatchObject({ failed: 0, created: 1 });
  });
});
