/**
 * `npm run ingest -- [--local | --remote | --out FILE] PATH...`
 *
 * Loads articles (`*.json`, `*.txt`, raw `*.html`) and claims into KV. Claims come from the
 * project's `*.claims.json`, from fact-checkers' data — ClaimReview JSON-LD (`*.json`/`*.jsonld`:
 * one object, an array, a `@graph` or a `DataFeed`), the ClaimReviews on fact-check pages (`*.html`),
 * the LIAR dataset (`*.tsv`) and ClaimsKG exports (`*.csv`). A bad row is reported with its file
 * and row and skipped; the rest of the file still goes in.
 * A `NAME.meta.json` beside `NAME.txt` gives that text's metadata (title, kind, date…); the whole
 * file is then the body, exactly as written.
 *   --kind K  primary | report: the kind of articles whose file does not say (default report)
 * PATHs may be files or folders (walked recursively), or http(s) URLs of a page, a feed (RSS, Atom),
 * a sitemap (or index) or a ClaimReview feed, fetched politely (scripts/ingest-urls.ts; loopback only
 * with FETCH_ALLOW_LOOPBACK=on). Articles go in before claim files, so claims can be linked into the
 * excerpts where they appear.
 *   --local   wrangler dev's local KV (.wrangler/state/v3/kv), the default
 *   --remote  the deployed namespace (wrangler kv bulk get/put/delete --remote)
 *   --out F   a wrangler bulk file (`wrangler kv bulk put F`) holding exactly these inputs
 * Prints one line per file (claims: created / updated / unchanged / rejected); a bad file is
 * reported by name and the others still go in; the exit code is 1 if some file failed or some row
 * was rejected.
 */
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSource, validateArticleSource, type ParsedSource } from '../worker/core/extract/sources';
import { ARTICLE_KINDS, type ArticleKind, type ArticleSource } from '../worker/core/types';
import type { Rejected } from '../worker/core/extract/claim-review';
import type { ClaimSource } from '../worker/core/types';
import { ensureClaimIndex } from '../worker/store/claims-index';
import { putArticle, putClaims, type ClaimsReport } from '../worker/store/records';
import { MemoryKV, type KV } from '../worker/store/kv';
import { bumpGeneration } from '../worker/store/generation';
import { openLocalKV, RemoteKV } from './local-kv';
import { articleIdFor } from '../worker/core/ids';
import { cliFetcher, expandUrl, isUrl, type FetchedInput } from './ingest-urls';

const SOURCE_FILE = /\.(json|jsonld|txt|html?|tsv|csv)$/i;
/** Claims per write batch: bounds memory and the size of one index update on large datasets (LIAR: 10,269 rows). */
const CLAIM_BATCH = 2000;

export interface IngestOptions {
  target: { kind: 'local'; persistTo?: string } | { kind: 'remote' } | { kind: 'out'; file: string } | { kind: 'kv'; kv: KV };
  paths: string[];
  projectDir?: string;
  log?: (line: string) => void;
  /** Print only failures and the summary. */
  quiet?: boolean;
  /** The kind of articles whose file does not say (`--kind`). */
  kind?: ArticleKind;
}

const META_SUFFIX = /\.meta\.json$/i;

/** A `.txt` with a `.meta.json` beside it: metadata from the sidecar, the whole text as the body. */
async function withSidecar(file: string, shown: string, text: Uint8Array): Promise<ArticleSource | null> {
  if (!/\.txt$/i.test(file)) return null;
  let raw: string;
  try {
    raw = await readFile(file.replace(/\.txt$/i, '.meta.json'), 'utf8');
  } catch {
    return null;
  }
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${shown}: its .meta.json is not valid JSON (${(e as Error).message})`);
  }
  const body = new TextDecoder('utf-8', { fatal: true }).decode(text);
  return validateArticleSource({ ...(meta as object), body }, `${shown}: its .meta.json`);
}

export interface IngestTotals {
  files: number;
  failed: number;
  created: number;
  updated: number;
  unchanged: number;
  excerpts: number;
  quotes: number;
  claims: number;
  /** Rows or items of claim data refused (each reported with its file and row). */
  rejected: number;
  keysWritten: number;
  keysDeleted: number;
}

async function walk(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (SOURCE_FILE.test(entry.name) && !META_SUFFIX.test(entry.name)) out.push(full);
  }
  return out;
}

export async function ingest(opts: IngestOptions): Promise<IngestTotals> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const projectDir = opts.projectDir ?? process.cwd();
  const totals: IngestTotals = {
    files: 0,
    failed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    excerpts: 0,
    quotes: 0,
    claims: 0,
    rejected: 0,
    keysWritten: 0,
    keysDeleted: 0,
  };
  const fail = (file: string, message: string) => {
    totals.failed++;
    log(`FAILED     ${file}: ${message.startsWith(file) ? message.slice(file.length).replace(/^:\s*/, '') : message}`);
  };

  const files: string[] = [];
  for (const p of opts.paths.filter((path) => !isUrl(path))) {
    try {
      // A sidecar named on its own is read with its .txt, never as an article.
      files.push(...(await walk(p)).filter((f) => !META_SUFFIX.test(f)));
    } catch (e) {
      fail(p, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message);
    }
  }
  // Articles first, claim files last (claims link into the excerpts of articles already stored).
  const isClaims = (f: string) => /\.(claims\.json|jsonld|tsv|csv)$/i.test(f);
  const ordered = [...files.filter((f) => !isClaims(f)), ...files.filter(isClaims)];

  // URLs: fetched (feeds and sitemaps expanded into their items) before anything is written.
  const fetched: FetchedInput[] = [];
  const urls = opts.paths.filter(isUrl);
  if (urls.length) {
    const fetcher = cliFetcher();
    const failUrl = (url: string, message: string) => {
      totals.files++;
      fail(url, message);
    };
    for (const url of urls) {
      try {
        fetched.push(...(await expandUrl(url, fetcher, failUrl)));
      } catch (e) {
        failUrl(url, (e as Error).message);
      }
    }
  }
  type Input = { shown: string; file?: string; page?: FetchedInput };
  const inputs: Input[] = [
    ...ordered.filter((f) => !isClaims(f)).map((file) => ({ shown: relative(process.cwd(), file) || file, file })),
    ...fetched.filter((f) => f.name.endsWith('.html')).map((page) => ({ shown: page.shown, page })),
    ...ordered.filter(isClaims).map((file) => ({ shown: relative(process.cwd(), file) || file, file })),
    ...fetched.filter((f) => !f.name.endsWith('.html')).map((page) => ({ shown: page.shown, page })),
  ];

  let kv: KV;
  let close: () => Promise<void> = async () => {};
  const t = opts.target;
  if (t.kind === 'kv') kv = t.kv;
  else if (t.kind === 'out') kv = new MemoryKV();
  else if (t.kind === 'remote') kv = new RemoteKV(projectDir, '--remote');
  else {
    const local = await openLocalKV(projectDir, t.persistTo);
    kv = local.kv;
    close = local.dispose;
  }

  try {
    for (const { shown, file, page } of inputs) {
      totals.files++;
      try {
        let parsed: ParsedSource;
        if (page) {
          parsed = parseSource(page.name, page.bytes);
          // As the edge crawler does: the id from the URL it was listed under, the URL it was served from.
          if (parsed.kind === 'article')
            parsed.source = { ...parsed.source, id: articleIdFor({ url: page.url, title: '' }), url: parsed.source.url || page.finalUrl };
        } else {
          const bytes = await readFile(file!);
          const sidecar = await withSidecar(file!, shown, bytes);
          parsed = sidecar ? { kind: 'article', source: sidecar } : parseSource(shown, bytes);
        }
        const importClaims = async (claims: ClaimSource[], rejected: Rejected[], format: string, note?: string) => {
          for (const r of rejected) log(`rejected   ${shown} ${r.where}: ${r.message}`);
          totals.rejected += rejected.length;
          const sum: ClaimsReport = { claims: 0, created: 0, updated: 0, unchanged: 0, excerptsLinked: 0, keysWritten: 0 };
          for (let i = 0; i < claims.length; i += CLAIM_BATCH) {
            const r = await putClaims(kv, claims.slice(i, i + CLAIM_BATCH));
            for (const k of Object.keys(sum) as (keyof ClaimsReport)[]) sum[k] += r[k];
          }
          totals.claims += sum.claims;
          totals.keysWritten += sum.keysWritten;
          if (!opts.quiet || rejected.length) {
            log(
              `claims     ${shown}  format=${format} claims=${sum.claims} created=${sum.created} updated=${sum.updated} unchanged=${sum.unchanged} ` +
                `rejected=${rejected.length} linked-excerpts=${sum.excerptsLinked} keys: +${sum.keysWritten} -0${note ? ` (${note})` : ''}`,
            );
          }
        };
        if (parsed.kind === 'article') {
          const r = await putArticle(kv, { ...parsed.source, kind: parsed.source.kind ?? opts.kind });
          for (const w of r.warnings) log(`warning    ${shown}: ${w}`);
          totals[r.status]++;
          totals.excerpts += r.excerpts;
          totals.quotes += r.quotes;
          totals.claims += r.claims;
          totals.keysWritten += r.keysWritten;
          totals.keysDeleted += r.keysDeleted;
          if (!opts.quiet) {
            log(
              `${r.status.padEnd(10)} ${shown}  article=${r.id} excerpts=${r.excerpts} quotes=${r.quotes} (+${r.indirectQuotes} indirect) ` +
                `claims=${r.claims} keys: +${r.keysWritten} -${r.keysDeleted}`,
            );
          }
          // A fact-check page: its ClaimReviews too, after the page itself (they may link into it).
          if (parsed.imported) await importClaims(parsed.imported.claims, parsed.imported.rejected, 'claimreview-page');
        } else {
          await importClaims(parsed.claims, parsed.rejected ?? [], parsed.format ?? 'claims-json', parsed.note);
        }
      } catch (e) {
        fail(shown, (e as Error).message);
      }
    }
    // A store whose claims predate the claim index's current key layout gets it rebuilt (once).
    const reindexed = await ensureClaimIndex(kv);
    if (reindexed.claims) log(`claim index: rebuilt from ${reindexed.claims} stored claims under the current key layout (keys: +${reindexed.keysWritten})`);
    totals.keysWritten += reindexed.keysWritten;
    // Readers' cached answers are checked against the store's generation: a new one, written after
    // everything else (store/generation.ts), so the next lookup sees what this run changed.
    const changed = totals.keysWritten + totals.keysDeleted > 0;
    if (changed && t.kind !== 'remote') await bumpGeneration(kv);
    if (t.kind === 'remote') {
      const sent = await (kv as RemoteKV).flush();
      if (changed) {
        await bumpGeneration(kv);
        await (kv as RemoteKV).flush();
      }
      log(`remote: sent ${sent.written} writes and ${sent.deleted} deletes to the deployed namespace`);
    }
    if (t.kind === 'out') {
      const bulk = (kv as MemoryKV).toBulk();
      await mkdir(dirname(resolve(t.file)), { recursive: true });
      await writeFile(t.file, JSON.stringify(bulk));
      log(`wrote ${bulk.length} keys to ${t.file} (load with: npx wrangler kv bulk put ${t.file} --binding QS_KV --remote)`);
    }
  } finally {
    await close();
  }
  log(
    `${totals.files - totals.failed}/${totals.files} files ingested: articles created=${totals.created} updated=${totals.updated} ` +
      `unchanged=${totals.unchanged}, excerpts=${totals.excerpts}, quotes=${totals.quotes}, claims=${totals.claims}, ` +
      `keys written=${totals.keysWritten} deleted=${totals.keysDeleted}${totals.rejected ? `, ${totals.rejected} rows rejected` : ''}${totals.failed ? `, ${totals.failed} FAILED` : ''}`,
  );
  return totals;
}

const USAGE = 'usage: npm run ingest -- [--local | --remote | --out FILE] [--kind primary|report] PATH|URL...';

export function parseArgs(argv: string[]): IngestOptions {
  let target: IngestOptions['target'] | undefined;
  let kind: ArticleKind | undefined;
  const paths: string[] = [];
  const setTarget = (t: IngestOptions['target']) => {
    if (target) throw new Error(`choose one of --local, --remote, --out\n${USAGE}`);
    target = t;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--local') setTarget({ kind: 'local' });
    else if (a === '--remote') setTarget({ kind: 'remote' });
    else if (a === '--out') {
      const file = argv[++i];
      if (!file) throw new Error(`--out needs a FILE\n${USAGE}`);
      setTarget({ kind: 'out', file });
    } else if (a.startsWith('--out=')) setTarget({ kind: 'out', file: a.slice(6) });
    else if (a === '--kind' || a.startsWith('--kind=')) {
      const k = a === '--kind' ? argv[++i] : a.slice(7);
      if (!(ARTICLE_KINDS as readonly string[]).includes(k ?? ''))
        throw new Error(`--kind must be primary or report, not ${JSON.stringify(k ?? '')}\n${USAGE}`);
      kind = k as ArticleKind;
    } else if (a === '-h' || a === '--help') throw new Error(USAGE);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else paths.push(a);
  }
  if (!paths.length) throw new Error(`no PATH given\n${USAGE}`);
  return { target: target ?? { kind: 'local' }, paths, ...(kind ? { kind } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let opts: IngestOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const totals = await ingest(opts);
  // A rejected row is data that did not go in: a script loading a feed must notice.
  process.exit(totals.failed || totals.rejected ? 1 : 0);
}
