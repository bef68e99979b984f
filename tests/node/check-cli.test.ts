/**
 * `npm run check -- FILE...` as a newsroom's pipeline runs it: a real child process against a local
 * KV holding the fictional harbour council's record (ingested through the CLI's own --local path),
 * drafts in every supported format, a readable table, --json, and the exit code as the gate.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseArgs } from '../../scripts/check';
import { ingest } from '../../scripts/ingest';
import { ARTICLES } from '../harbour';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
let dir: string;
let persist: string;

const ALTERED = '"The night ferry will be cancelled this winter," Councillor Holt said on Tuesday.';
const MISATTRIBUTED = 'Councillor Okonjo said: "The maintenance budget shows a surplus of forty thousand pounds this year."';
const VERBATIM = 'Holt told the meeting: "The night ferry will not be cancelled this winter."';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qs-check-'));
  persist = join(dir, 'state');
  for (const a of ARTICLES) await writeFile(join(dir, `${a.id}.record.json`), JSON.stringify(a));
  await ingest({
    target: { kind: 'local', persistTo: persist },
    paths: ARTICLES.map((a) => join(dir, `${a.id}.record.json`)),
    projectDir: root,
    quiet: true,
    log: () => {},
  });
  await writeFile(join(dir, 'draft.json'), JSON.stringify({ title: 'Ferry draft', body: [ALTERED, MISATTRIBUTED].join('\n\n') }));
  await writeFile(join(dir, 'draft.txt'), `Ferry draft\n\n${VERBATIM}\n`);
  await writeFile(
    join(dir, 'draft.html'),
    `<html><head><title>Ferry draft</title></head><body><article><h1>Ferry draft</h1><p>${VERBATIM}</p><p>${ALTERED}</p></article></body></html>`,
  );
  await writeFile(join(dir, 'draft.md'), `# Ferry draft\n\nThe council met on **Tuesday**.\n\n${VERBATIM}\n\n> ${MISATTRIBUTED}\n`);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (...args: string[]) =>
  run('npx', ['tsx', 'scripts/check.ts', '--persist-to', persist, ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('npm run check', () => {
  test('a table per file, and exit code 1 when a quotation is altered or misattributed', async () => {
    const r = await check(join(dir, 'draft.json'), join(dir, 'draft.txt'), join(dir, 'draft.html'), join(dir, 'draft.md'));
    expect(r.code).toBe(1);
    const blocks = r.stdout.trim().split('\n\n');
    expect(blocks[0]).toMatch(/draft\.json: 2 quotations \(1 altered, 1 misattributed\)/);
    expect(blocks[0]).toMatch(
      /!! ALTERED +Holt +"The night ferry will be cancelled this winter" +primary: Holt, Harbour council meeting.*\(2024-03-12\) — negation: "not" dropped/,
    );
    expect(blocks[0]).toMatch(/!! MISATTRIBUTED +Okonjo .* — said by Holt/);
    expect(blocks[1]).toMatch(/draft\.txt: 1 quotation \(1 verbatim\)\n.*\nok verbatim +Holt/);
    expect(blocks[2]).toMatch(/draft\.html: 2 quotations \(1 verbatim, 1 altered\)/);
    expect(blocks[3]).toMatch(/draft\.md: 2 quotations \(1 verbatim, 1 misattributed\)/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('check: 4 quotations altered or misattributed — do not publish as is.');
  }, 120_000);

  test('a clean draft passes the gate; --json is one document for machines', async () => {
    const clean = await check(join(dir, 'draft.txt'));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no quotation altered or misattributed/);
    const json = await check('--json', join(dir, 'draft.json'));
    expect(json.code).toBe(1);
    const [report] = JSON.parse(json.stdout) as { file: string; quotations: { status: string; original: { kind: string } }[] }[];
    expect(report.file).toMatch(/draft\.json$/);
    expect(report.quotations.map((q) => [q.status, q.original.kind])).toEqual([
      ['altered', 'primary'],
      ['misattributed', 'primary'],
    ]);
  }, 120_000);

  test('a file that cannot be checked is named, the others still are, and the exit code is 2', async () => {
    const r = await check(join(dir, 'missing.md'), join(dir, 'draft.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.md: no such file/);
    expect(r.stdout).toMatch(/draft\.txt: 1 quotation/);
  }, 120_000);

  test('arguments', () => {
    expect(parseArgs(['--json', '--remote', 'https://qs.example/', 'a.md'])).toEqual({ files: ['a.md'], json: true, remote: 'https://qs.example' });
    expect(() => parseArgs([])).toThrow(/usage: npm run check/);
    expect(() => parseArgs(['--remote', 'qs.example', 'a.md'])).toThrow(/--remote needs/);
    expect(() => parseArgs(['--fast', 'a.md'])).toThrow(/unknown option --fast/);
  });
});
