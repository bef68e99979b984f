/**
 * `npm run check -- [--json] [--remote URL] [--persist-to DIR] FILE...`: every quotation of each
 * draft checked against the record — a gate for a newsroom's publishing pipeline.
 *
 *   FILE            the project's article JSON, a .txt (title line, then the body), .html or .md
 *   --json          one JSON document on stdout: [{file, text, quotations, counts} | {file, error}]
 *   --remote URL    ask a deployed worker (POST URL/v1/check) instead of the local dev KV
 *   --persist-to D  the local KV's folder when it is not wrangler dev's default (.wrangler/state)
 *
 * Exit code: 1 when any quotation is `altered` or `misattributed`, 2 when a file could not be
 * checked (or the arguments are wrong), else 0. Against the local KV the check runs in-process
 * through the same code as `POST /v1/check` (store/check), reading only.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import { BLOCKING_STATUSES, type CheckedQuotation, type CheckResult, type CheckStatus } from '../worker/core/check';
import { paragraphsFromHtml } from '../worker/core/extract/html';
import { parseSource } from '../worker/core/extract/sources';
import type { ArticleSource } from '../worker/core/types';
import { checkDraft } from '../worker/store/check';
import type { KV } from '../worker/store/kv';
import { openLocalKV } from './local-kv';

export interface CheckOptions {
  files: string[];
  json: boolean;
  remote?: string;
  persistTo?: string;
}

const USAGE = 'usage: npm run check -- [--json] [--remote URL] [--persist-to DIR] FILE...   (FILE: .json, .txt, .html or .md)';

export function parseArgs(argv: string[]): CheckOptions {
  const opts: CheckOptions = { files: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--remote' || a.startsWith('--remote=')) {
      const url = a === '--remote' ? argv[++i] : a.slice('--remote='.length);
      if (!url || !/^https?:\/\//.test(url)) throw new Error(`--remote needs the worker's URL (http:// or https://)\n${USAGE}`);
      opts.remote = url.replace(/\/+$/, '');
    } else if (a === '--persist-to') {
      opts.persistTo = argv[++i];
      if (!opts.persistTo) throw new Error(`--persist-to needs a folder\n${USAGE}`);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else opts.files.push(a);
  }
  if (!opts.files.length) throw new Error(USAGE);
  return opts;
}

/** A draft file as an article source (an HTML page also as its bytes, for a remote worker to extract). */
export function draftOf(file: string, bytes: Uint8Array): { source: ArticleSource; html?: Uint8Array } {
  if (/\.(md|markdown)$/i.test(file)) {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const title = /^#\s+(.+)$/m.exec(text)?.[1].trim() ?? file.replace(/^.*\//, '').replace(/\.\w+$/, '');
    // All of a Markdown draft is the article: its paragraphs as rendered, without a page's boilerplate removal.
    const paragraphs = paragraphsFromHtml(marked.parse(text, { async: false })).filter((p) => p.trim() !== title);
    if (!paragraphs.length) throw new Error(`${file}: no text`);
    return { source: { title, body: paragraphs.join('\n\n') } };
  }
  const source = parseArticle(file, bytes);
  return /\.html?$/i.test(file) ? { source, html: bytes } : { source };
}

function parseArticle(file: string, bytes: Uint8Array): ArticleSource {
  const parsed = parseSource(file, bytes);
  if (parsed.kind !== 'article') throw new Error(`${file}: a claims file, not a draft`);
  return parsed.source;
}

async function checkRemote(base: string, draft: { source: ArticleSource; html?: Uint8Array }): Promise<CheckResult> {
  const init: RequestInit = draft.html
    ? { method: 'POST', headers: { 'content-type': 'text/html; charset=utf-8' }, body: draft.html as Uint8Array<ArrayBuffer> }
    : {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: draft.source.body,
          title: draft.source.title,
          ...(draft.source.url ? { url: draft.source.url } : {}),
          ...(draft.source.published ? { published: draft.source.published } : {}),
        }),
      };
  const res = await fetch(`${base}/v1/check`, init);
  const body = (await res.json().catch(() => null)) as (CheckResult & { detail?: string }) | null;
  if (!res.ok || !body) throw new Error(`${base}/v1/check answered ${res.status}${body?.detail ? `: ${body.detail}` : ''}`);
  return body;
}

const LABEL: Record<CheckStatus, string> = {
  verbatim: 'ok verbatim',
  changed: '~  changed',
  altered: '!! ALTERED',
  misattributed: '!! MISATTRIBUTED',
  'no-record': '?  no record',
};

const oneLine = (s: string, n: number) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

function sourceOf(q: CheckedQuotation): string {
  const o = q.original;
  if (!o) return '–';
  const who = o.speaker?.name ? `${o.speaker.name}, ` : '';
  const kind = o.kind === 'primary' ? 'primary' : 'earliest report';
  return `${kind}: ${who}${oneLine(o.title || o.publisher || o.articleId, 50)}${o.published ? ` (${o.published.slice(0, 10)})` : ''}`;
}

/** One difference from the original, in words. */
const change = (d: CheckedQuotation['differences'][number]) =>
  d.kind === 'delete' ? `"${d.source}" dropped` : d.kind === 'insert' ? `"${d.quoted}" added` : `"${d.source}" → "${d.quoted}"`;

/** The readable table of one file's quotations. */
export function table(file: string, result: CheckResult): string {
  const rows = result.quotations.map((q) => {
    const extra =
      q.status === 'misattributed' && q.misattribution
        ? ` — said by ${q.misattribution.original}`
        : q.status === 'altered'
          ? ` — ${q.differences
              .filter((d) => d.meaning)
              .map((d) => `${d.meaning}: ${change(d)}`)
              .join('; ')}`
          : '';
    return [LABEL[q.status], oneLine(q.speaker || '–', 24), `"${oneLine(q.text, 60)}"`, sourceOf(q) + extra];
  });
  const head = ['status', 'speaker', 'quote', 'original'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]) : c)).join('  ');
  const counts = Object.entries(result.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return [
    `${file}: ${result.quotations.length} quotation${result.quotations.length === 1 ? '' : 's'}${counts ? ` (${counts})` : ''}`,
    ...(rows.length ? [line(head), ...rows.map(line)] : []),
  ].join('\n');
}

export async function runCheck(
  opts: CheckOptions,
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
  kvIn?: KV,
): Promise<number> {
  let kv: KV | undefined = kvIn;
  let close = async () => {};
  if (!kv && !opts.remote) {
    const local = await openLocalKV(resolve(import.meta.dirname, '..'), opts.persistTo);
    kv = local.kv;
    close = local.dispose;
  }
  const reports: ({ file: string } & (CheckResult | { error: string }))[] = [];
  try {
    for (const path of opts.files) {
      const file = relative(process.cwd(), path) || path;
      try {
        const draft = draftOf(file, new Uint8Array(await readFile(path)));
        const result = opts.remote ? await checkRemote(opts.remote, draft) : await checkDraft(kv!, draft.source);
        reports.push({ file, text: result.text, quotations: result.quotations, counts: result.counts });
        if (!opts.json) out(`${table(file, result)}\n`);
      } catch (e) {
        const message = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
        reports.push({ file, error: message });
        err(`check: ${file}: ${message}`);
      }
    }
  } finally {
    await close();
  }
  if (opts.json) out(JSON.stringify(reports, null, 2));
  const blocking = reports.flatMap((r) => ('quotations' in r ? r.quotations : [])).filter((q) => BLOCKING_STATUSES.has(q.status));
  if (!opts.json) {
    out(
      blocking.length
        ? `check: ${blocking.length} quotation${blocking.length === 1 ? '' : 's'} altered or misattributed — do not publish as is.`
        : 'check: no quotation altered or misattributed.',
    );
  }
  if (reports.some((r) => 'error' in r)) return 2;
  return blocking.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let opts: CheckOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  process.exit(await runCheck(opts));
}
