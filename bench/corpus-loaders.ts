/**
 * Loaders for the third-party corpus (read from CORPUS_DIR at run time, never copied into the repo)
 * and the seed, turned into the project's own source formats so they go through the real ingestion
 * path (`parseSource` → `putArticle` / `putClaims`). Shared by the lookup bench and any other bench
 * or test that needs the same data (claim search can reuse `loadLiarClaims`).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSource } from '../worker/core/extract/sources';
import type { ArticleSource, ClaimSource } from '../worker/core/types';
import { putArticle, putClaims } from '../worker/store/records';
import { CORPUS_DIR } from './corpus';

const ROOT = resolve(import.meta.dirname, '..');

/* ---------- seed ---------- */

export function loadSeed(): { articles: ArticleSource[]; claims: ClaimSource[] } {
  const dir = join(ROOT, 'seeds/articles');
  const files = readdirSync(dir).sort();
  // Article JSON files, plus `NAME.txt` with a `NAME.meta.json` sidecar (metadata beside the whole text
  // as the body, as the ingest CLI reads them); the sidecar itself is not an article.
  const articles = [
    ...files.filter((f) => f.endsWith('.json') && !/\.meta\.json$/i.test(f)).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ArticleSource),
    ...files
      .filter((f) => /\.txt$/i.test(f) && existsSync(join(dir, f.replace(/\.txt$/i, '.meta.json'))))
      .map((f) => {
        const { note: _note, ...meta } = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/i, '.meta.json')), 'utf8')) as Omit<ArticleSource, 'body'> & {
          note?: string;
        };
        void _note;
        return { ...meta, body: readFileSync(join(dir, f), 'utf8') } as ArticleSource;
      }),
  ];
  const claims = readdirSync(join(ROOT, 'seeds/claims'))
    .filter((f) => f.endsWith('.claims.json'))
    .flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'seeds/claims', f), 'utf8')) as { claims: ClaimSource[] }).claims);
  return { articles, claims };
}

/* ---------- PolNeAR (news articles with annotated attributions) ---------- */

export interface PolnearSpan {
  /** BRAT id, e.g. T3. */
  id: string;
  kind: string;
  /** Offsets into the .txt file (title line included). */
  start: number;
  end: number;
  text: string;
}

export interface PolnearDoc {
  /** Article id used when ingesting (derived from the file name). */
  id: string;
  file: string;
  /** The whole .txt file (annotation offsets index into it). */
  raw: string;
  source: ArticleSource;
  spans: PolnearSpan[];
}

const POLNEAR = () => join(CORPUS_DIR, 'quotes/polnear/dev');

export function loadPolnear(): PolnearDoc[] {
  const textDir = join(POLNEAR(), 'text');
  const annDir = join(POLNEAR(), 'attributions');
  const anns = readdirSync(annDir);
  return readdirSync(textDir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((file) => {
      const base = file.replace(/\.txt$/, '');
      const raw = readFileSync(join(textDir, file), 'utf8');
      const parsed = parseSource(file, raw);
      if (parsed.kind !== 'article') throw new Error(`${file}: not an article`);
      const date = /_(\d{4}-\d{2}-\d{2})_/.exec(base)?.[1] ?? '';
      const publisher = base.split('_')[0];
      const id = `polnear-${base}`
        .toLowerCase()
        .replace(/[^a-z0-9.~-]+/g, '-')
        .slice(0, 100);
      const annFile = anns.find((a) => a.startsWith(base));
      const spans: PolnearSpan[] = [];
      if (annFile) {
        for (const line of readFileSync(join(annDir, annFile), 'utf8').split('\n')) {
          const m = /^(T\d+)\t(\w+) (\d+) (\d+)\t(.*)$/.exec(line);
          if (m) spans.push({ id: m[1], kind: m[2], start: Number(m[3]), end: Number(m[4]), text: m[5] });
        }
      }
      return { id, file, raw, source: { ...parsed.source, id, published: date, publisher, language: 'en' }, spans };
    });
}

/**
 * Real quotations: the parts of annotated Content spans that stand between quotation marks, with at
 * least `minWords` words. Offsets are into the .txt file.
 */
export function polnearQuotations(doc: PolnearDoc, minWords = 6): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  const seen = new Set<string>();
  for (const span of doc.spans) {
    if (span.kind !== 'Content') continue;
    const from = Math.max(0, span.start - 1);
    const to = Math.min(doc.raw.length, span.end + 1);
    const region = doc.raw.slice(from, to);
    for (const m of region.matchAll(/[“"]([^“”"\n]+)[”"]/g)) {
      const text = m[1].trim();
      const start = from + m.index! + 1 + m[1].indexOf(text);
      if (text.split(/\s+/).length < minWords || seen.has(text)) continue;
      seen.add(text);
      out.push({ start, end: start + text.length, text });
    }
  }
  return out;
}

/* ---------- saved web pages (mozilla/readability test pages) ---------- */

export const PAGES_DIR = () => join(CORPUS_DIR, 'pages');

export function pageNames(): string[] {
  return readdirSync(PAGES_DIR())
    .filter((d) => existsSync(join(PAGES_DIR(), d, 'source.html')))
    .sort();
}

/** A saved page through the real HTML extraction (`parseSource`); null when nothing article-like was found. */
export function loadPage(name: string): ArticleSource | null {
  try {
    const bytes = readFileSync(join(PAGES_DIR(), name, 'source.html'));
    const parsed = parseSource(`${name}.html`, new Uint8Array(bytes));
    if (parsed.kind !== 'article' || !parsed.source.body.trim()) return null;
    const id = (parsed.source.id && /^[a-z0-9][a-z0-9.~-]{0,99}$/.test(parsed.source.id) ? parsed.source.id : `page-${name}`).slice(0, 100);
    return { ...parsed.source, id };
  } catch {
    return null;
  }
}

/**
 * Saved pages left out of the benches' index: their sentences are the lookups that must find nothing
 * (a page the record does not hold, from the same kind of news sites as the pages it does).
 */
export const HELD_OUT_PAGES = ['nytimes-2', 'wapo-2', 'salon-1', 'seattletimes-1', 'quanta-1', 'herald-sun-1'];

/** The saved pages the benches' index holds: every one with article text but the held-out ones. */
export function indexedPages(): ArticleSource[] {
  return pageNames()
    .filter((n) => !HELD_OUT_PAGES.includes(n))
    .map((n) => loadPage(n))
    .filter((p): p is ArticleSource => !!p);
}

/* ---------- LIAR (PolitiFact statements with six-way verdicts) ---------- */

const LIAR_RATING: Record<string, string> = {
  'pants-fire': 'Pants on Fire!',
  false: 'False',
  'barely-true': 'Mostly False',
  'half-true': 'Half True',
  'mostly-true': 'Mostly True',
  true: 'True',
};

/** The 12,836 LIAR statements as claims with one PolitiFact review each (rating from the label; URL unknown). */
export function loadLiarClaims(): ClaimSource[] {
  const dir = join(CORPUS_DIR, 'claims/liar');
  const out: ClaimSource[] = [];
  for (const file of ['train.tsv', 'valid.tsv', 'test.tsv']) {
    if (!existsSync(join(dir, file))) continue;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const f = line.split('\t');
      if (f.length < 3 || !f[2]?.trim()) continue;
      const [jsonId, label, statement, , speaker, , , , , , , , , context] = f;
      const claimant = (speaker ?? '')
        .split('-')
        .filter(Boolean)
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ');
      out.push({
        id: `liar-${jsonId.replace(/\.json$/, '')}`,
        text: statement.trim(),
        claimant,
        claimDate: '',
        languageCode: 'en',
        appearances: context ? [{ url: '' }] : [],
        reviews: [
          {
            publisher: { name: 'PolitiFact', site: 'politifact.com' },
            url: '',
            title: '',
            reviewDate: '',
            textualRating: LIAR_RATING[label] ?? label,
            explanation: context ? `Statement made in ${context}. Label from the LIAR dataset.` : 'Label from the LIAR dataset.',
            languageCode: 'en',
          },
        ],
      });
    }
  }
  return out;
}

/** Plain sentences of a text (for negatives and synthetic paragraphs). */
export function sentences(text: string, minWords = 6, maxWords = 60): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?][”"’']?)\s+(?=[“"‘']?[A-Z])/)
    .map((s) => s.trim())
    .filter((s) => {
      const n = s.split(' ').length;
      return n >= minWords && n <= maxWords;
    });
}

/* ---------- the lookup benches' index ---------- */

export interface IndexedCorpus {
  seed: { articles: ArticleSource[]; claims: ClaimSource[] };
  docs: PolnearDoc[];
  pages: ArticleSource[];
  liar: ClaimSource[];
}

/**
 * The record the lookup and costs benches query, through the real ingestion path (`putArticle`,
 * `putClaims`) into `kv`: the seed, the PolNeAR articles, the saved pages but the held-out ones, and
 * the LIAR statements as claims. Returns what it ingested, for building queries and reporting sizes.
 */
export async function ingestIndexedCorpus(kv: Parameters<typeof putArticle>[0]): Promise<IndexedCorpus> {
  const seed = loadSeed();
  for (const a of seed.articles) await putArticle(kv, a);
  await putClaims(kv, seed.claims);
  const docs = loadPolnear();
  for (const d of docs) await putArticle(kv, d.source);
  const pages = indexedPages();
  for (const p of pages) await putArticle(kv, p);
  const liar = loadLiarClaims();
  await putClaims(kv, liar);
  return { seed, docs, pages, liar };
}
