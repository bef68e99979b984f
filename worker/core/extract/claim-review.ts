/**
 * Fact-checkers' data → the project's claims (ClaimSource). Pure; runs in Node (ingest CLI) and in
 * Workers (`PUT /v1/claims/:id`). Formats:
 * - schema.org ClaimReview objects, alone, in arrays, in `@graph`s, or in a `DataFeed`
 *   (`dataFeedElement`: ClaimReviews or `DataFeedItem`s holding them), as published fact-check feeds are;
 * - fact-check pages: the ClaimReviews in their `<script type="application/ld+json">` blocks, the
 *   page's own URL standing in for a review that names none;
 * - the LIAR dataset's TSV (Wang 2017: PolitiFact statements and Truth-O-Meter labels);
 * - ClaimsKG's CSV export (`claimReview_claimReviewed`, `rating_alternateName`, … headed columns);
 *   its `creativeWork_author_name` is the fact-check's writer, not the claimant, and is not used.
 *
 * Invariants: every claim has text; every review has a `textualRating` and ISO 8601 dates (or none);
 * numeric ratings are kept only when they lie inside their declared range; ids are derived from the
 * content (or the dataset's own id), so importing the same data again yields the same records.
 * Bad items are returned as `rejected` with the row or item they came from; the rest still go in.
 */
import { isoDate } from '../dates';
import { InputError } from '../errors';
import { claimIdFor } from '../ids';
import type { ClaimAppearance, ClaimSource, Review } from '../types';

type Json = Record<string, unknown>;

export interface Rejected {
  /** Where in the file: "row 17", "item 3". */
  where: string;
  message: string;
}

export interface ClaimImport {
  format: 'claimreview' | 'liar' | 'claimskg';
  claims: ClaimSource[];
  rejected: Rejected[];
}

/* ---------- JSON-LD helpers ---------- */

const asArray = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

const typesOf = (o: Json) => asArray(o['@type'] as string | string[]).map((t) => String(t).replace(/^(https?:\/\/schema\.org\/|schema:)/, ''));

/** A plain string from a JSON-LD value: a string, a number, `{name}`, `{@value}`. */
function str(v: unknown): string {
  if (typeof v === 'string') return v.replace(/\s+/g, ' ').trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return str(v[0]);
  if (v && typeof v === 'object') {
    const o = v as Json;
    return str(o.name ?? o['@value'] ?? '');
  }
  return '';
}

function urlOf(v: unknown): string {
  if (typeof v === 'string') return /^https?:\/\/\S+$/i.test(v.trim()) ? v.trim() : '';
  if (Array.isArray(v)) return urlOf(v[0]);
  if (v && typeof v === 'object') return urlOf((v as Json).url ?? (v as Json)['@id']);
  return '';
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
};

/** Every ClaimReview in a JSON-LD document: arrays, `@graph`s, DataFeeds and DataFeedItems, at any depth we know. */
export function findClaimReviews(doc: unknown): Json[] {
  const found: Json[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number) => {
    // Real feeds nest three levels (DataFeed → DataFeedItem → ClaimReview); more is not a feed.
    if (depth > 6 || node == null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const o = node as Json;
    const types = typesOf(o);
    if (types.includes('ClaimReview')) {
      found.push(o);
      return;
    }
    visit(o['@graph'], depth + 1);
    if (types.includes('DataFeed')) visit(o.dataFeedElement, depth + 1);
    if (types.includes('DataFeedItem')) visit(o.item, depth + 1);
  };
  visit(doc, 0);
  return found;
}

/** True when a parsed JSON file is fact-check data (ClaimReviews, a DataFeed, a @graph) rather than an article. */
export function looksLikeClaimReviewJson(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length === 0 || doc.some((d) => d && typeof d === 'object' && ('@type' in d || '@graph' in d));
  if (!doc || typeof doc !== 'object') return false;
  const o = doc as Json;
  return '@graph' in o || typesOf(o).some((t) => t === 'ClaimReview' || t === 'DataFeed');
}

export interface ClaimReviewContext {
  /** The page the markup came from: the review's URL when the markup names none. */
  pageUrl?: string;
}

/**
 * One ClaimReview → a claim with one review. Throws (with the field's name) when the ClaimReview
 * lacks what Google requires of one: `claimReviewed`, `reviewRating` with a textual rating, a URL.
 */
export function claimFromClaimReview(review: Json, context: ClaimReviewContext = {}): ClaimSource {
  const text = str(review.claimReviewed) || str((review.itemReviewed as Json | undefined)?.text) || str((review.itemReviewed as Json | undefined)?.name);
  if (!text) throw new InputError('"claimReviewed" is missing: a ClaimReview must say which claim it reviews');
  const rating = (asArray(review.reviewRating as Json | Json[])[0] ?? {}) as Json;
  const textualRating = str(rating.alternateName) || str(rating.name) || str(rating.ratingExplanation);
  if (!textualRating) throw new InputError('"reviewRating.alternateName" is missing: the verdict in words is required');
  const url = urlOf(review.url) || urlOf(review['@id']) || context.pageUrl || '';
  if (!url) throw new InputError('"url" is missing (and there is no page URL): a review must say where it is published');
  const item = (asArray(review.itemReviewed as Json | Json[])[0] ?? {}) as Json;
  const author = (asArray(review.author as Json | Json[])[0] ?? asArray(review.publisher as Json | Json[])[0] ?? {}) as Json | string;
  const publisherName = typeof author === 'string' ? author.trim() : str(author);
  const publisherSite = hostOf((typeof author === 'object' && urlOf(author.url)) || url);
  const appearances: ClaimAppearance[] = [...asArray(item.appearance), ...asArray(item.firstAppearance)]
    .map((a) => urlOf(a))
    .filter((u, i, all) => u && all.indexOf(u) === i)
    .map((u) => ({ url: u }));
  const claimant = asArray(item.author as unknown)
    .map(str)
    .filter(Boolean)
    .join(', ');
  const parsed: Review = {
    publisher: { name: publisherName || publisherSite, site: publisherSite },
    url,
    title: str(review.name) || str(review.headline),
    reviewDate: isoDate(str(review.datePublished)) || isoDate(str(review.dateCreated)),
    textualRating,
    explanation: str(review.reviewBody) || str(review.description) || str(rating.ratingExplanation),
    languageCode: str(review.inLanguage),
    ...ratingNumbers(rating.ratingValue, rating.bestRating, rating.worstRating),
  };
  return {
    id: claimIdFor(claimant, text),
    text,
    claimant,
    claimDate: isoDate(str(item.datePublished)).slice(0, 10),
    languageCode: parsed.languageCode,
    appearances,
    reviews: [parsed],
  };
}

/**
 * Numeric rating fields, only when they make sense together: schema.org's defaults are best 5 and
 * worst 1; a value outside its range (a "0" on a 1–5 scale) is dropped, the words stay.
 */
export function ratingNumbers(value: unknown, best: unknown, worst: unknown): Pick<Review, 'ratingValue' | 'bestRating' | 'worstRating'> {
  const v = num(value);
  if (v === undefined) return {};
  const b = num(best) ?? 5;
  const w = num(worst) ?? 1;
  if (!(w < b) || v < w || v > b) return {};
  return { ratingValue: v, bestRating: b, worstRating: w };
}

/** Claims from a JSON-LD document (one ClaimReview, an array, a @graph, a DataFeed). */
export function claimsFromClaimReviewJson(doc: unknown, context: ClaimReviewContext = {}): ClaimImport {
  const found = findClaimReviews(doc);
  const claims: ClaimSource[] = [];
  const rejected: Rejected[] = [];
  found.forEach((review, i) => {
    try {
      claims.push(claimFromClaimReview(review, context));
    } catch (e) {
      rejected.push({ where: `ClaimReview ${i + 1}`, message: (e as Error).message });
    }
  });
  return { format: 'claimreview', claims: mergeSameClaims(claims), rejected };
}

/** The same claim reviewed twice in one file (two publishers): one claim, both reviews. */
export function mergeSameClaims(claims: ClaimSource[]): ClaimSource[] {
  const byId = new Map<string, ClaimSource>();
  for (const c of claims) {
    const prior = byId.get(c.id!);
    if (!prior) byId.set(c.id!, c);
    else {
      prior.reviews = [...(prior.reviews ?? []), ...(c.reviews ?? [])];
      prior.appearances = [...(prior.appearances ?? []), ...(c.appearances ?? []).filter((a) => !prior.appearances?.some((p) => p.url === a.url))];
    }
  }
  return [...byId.values()];
}

/* ---------- delimited files ---------- */

/** RFC 4180 rows (quoted fields may hold the delimiter, quotes and newlines); `line` is where each row starts. */
export function parseDelimited(text: string, delimiter: ',' | '\t'): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart && delimiter === ',') {
      // TSV (LIAR) never quotes: a quotation mark there is part of the statement.
      quoted = true;
      atFieldStart = false;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') rows.push({ fields, line: rowLine });
      fields = [];
      field = '';
      atFieldStart = true;
      line++;
      rowLine = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  if (field !== '' || fields.length) {
    fields.push(field);
    rows.push({ fields, line: rowLine });
  }
  return rows;
}

/** LIAR's labels as PolitiFact's Truth-O-Meter words them. */
export const LIAR_RATINGS: Record<string, string> = {
  true: 'True',
  'mostly-true': 'Mostly True',
  'half-true': 'Half True',
  'barely-true': 'Barely True',
  false: 'False',
  'pants-fire': 'Pants on Fire',
};

/** LIAR's TSV has 14 columns: id, label, statement, subjects, speaker, job, state, party, 5 counts, context. */
const LIAR_COLUMNS = 14;

/** "rick-perry" → "Rick Perry": LIAR names speakers by PolitiFact's URL slug. */
const nameFromSlug = (slug: string) =>
  slug
    .split('-')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');

export function looksLikeLiar(text: string): boolean {
  const first = text.slice(0, 4000).split('\n')[0] ?? '';
  const cols = first.split('\t');
  return cols.length === LIAR_COLUMNS && /^\d+\.json$/.test(cols[0]) && cols[1] in LIAR_RATINGS;
}

/**
 * LIAR rows → PolitiFact claims, one review each. LIAR gives no review URL or date: the review has
 * none (answers point at the claim's record on this API instead), and nothing is made up.
 */
export function claimsFromLiar(text: string): ClaimImport {
  const claims: ClaimSource[] = [];
  const rejected: Rejected[] = [];
  for (const { fields, line } of parseDelimited(text.replace(/^\ufeff/, ''), '\t')) {
    const where = `row ${line}`;
    if (fields.length !== LIAR_COLUMNS) {
      rejected.push({ where, message: `expected ${LIAR_COLUMNS} tab-separated columns, found ${fields.length}` });
      continue;
    }
    const [file, label, statement, , speaker] = fields;
    const id = /^(\d+)\.json$/.exec(file.trim())?.[1];
    if (!id) {
      rejected.push({ where, message: `the first column must be a statement id like "11972.json", not ${JSON.stringify(file.slice(0, 40))}` });
      continue;
    }
    const rating = LIAR_RATINGS[label.trim()];
    if (!rating) {
      rejected.push({ where, message: `unknown label ${JSON.stringify(label.slice(0, 40))} (expected one of ${Object.keys(LIAR_RATINGS).join(', ')})` });
      continue;
    }
    const claimText = statement.replace(/\s+/g, ' ').trim();
    if (!claimText) {
      rejected.push({ where, message: 'the statement is empty' });
      continue;
    }
    claims.push({
      id: `liar-${id}`,
      text: claimText,
      claimant: nameFromSlug(speaker.trim()),
      claimDate: '',
      languageCode: 'en',
      appearances: [],
      reviews: [
        {
          publisher: { name: 'PolitiFact', site: 'politifact.com' },
          url: '',
          title: '',
          reviewDate: '',
          textualRating: rating,
          explanation: '',
          languageCode: 'en',
        },
      ],
    });
  }
  return { format: 'liar', claims, rejected };
}

/** ClaimsKG's export: a header row naming schema.org paths. These are the columns we read. */
const CLAIMSKG_REQUIRED = ['claimReview_claimReviewed', 'claimReview_url', 'rating_alternateName'] as const;

export function looksLikeClaimsKg(text: string): boolean {
  const header = text.slice(0, 4000).split('\n')[0] ?? '';
  return CLAIMSKG_REQUIRED.every((c) => header.includes(c));
}

/** Fact-checker source names in ClaimsKG ("politifact", "afpfactcheck") → how they name themselves. */
const CLAIMSKG_PUBLISHERS: Record<string, string> = {
  aap: 'AAP FactCheck',
  factcheck_aap: 'AAP FactCheck',
  afpfactcheck: 'AFP Fact Check',
  factcheck_afp: 'AFP Fact Check',
  africacheck: 'Africa Check',
  checkyourfact: 'Check Your Fact',
  fatabyyano: 'Fatabyyano',
  fullfact: 'Full Fact',
  politifact: 'PolitiFact',
  snopes: 'Snopes',
  truthorfiction: 'TruthOrFiction',
  vishvasnews: 'Vishvas News',
  vishvanews: 'Vishvas News',
};

export function claimsFromClaimsKg(text: string): ClaimImport {
  const rows = parseDelimited(text.replace(/^\ufeff/, ''), ',');
  const claims: ClaimSource[] = [];
  const rejected: Rejected[] = [];
  const header = rows.shift();
  if (!header) return { format: 'claimskg', claims, rejected: [{ where: 'row 1', message: 'the file is empty' }] };
  const col = new Map(header.fields.map((name, i) => [name.trim(), i]));
  const missing = CLAIMSKG_REQUIRED.filter((c) => !col.has(c));
  if (missing.length) return { format: 'claimskg', claims, rejected: [{ where: 'row 1', message: `the header lacks ${missing.join(', ')}` }] };
  for (const { fields, line } of rows) {
    const get = (name: string) => (col.has(name) ? (fields[col.get(name)!] ?? '').replace(/\s+/g, ' ').trim() : '');
    const where = `row ${line}`;
    if (fields.length !== header.fields.length) {
      rejected.push({ where, message: `expected ${header.fields.length} columns, found ${fields.length}` });
      continue;
    }
    const claimText = get('claimReview_claimReviewed')
      .replace(/^[“"]+|[”"]+$/g, '')
      .trim();
    const url = get('claimReview_url');
    const rating = get('rating_alternateName');
    if (!claimText) {
      rejected.push({ where, message: 'claimReview_claimReviewed (the claim) is empty' });
      continue;
    }
    if (!/^https?:\/\/\S+$/i.test(url)) {
      rejected.push({ where, message: `claimReview_url must be the review's http(s) URL, not ${JSON.stringify(url.slice(0, 60))}` });
      continue;
    }
    if (!rating) {
      rejected.push({ where, message: 'rating_alternateName (the verdict) is empty' });
      continue;
    }
    const source = get('claimReview_author_name') || get('claimReview_source');
    // `creativeWork_*` describe the fact-check article in these exports (its author is the checker's
    // writer: africacheck.org/about/authors/…), so they are never taken for the claimant or claim date.
    const claimant = '';
    claims.push({
      id: claimIdFor(claimant, claimText),
      text: claimText,
      claimant,
      claimDate: '',
      languageCode: '',
      appearances: [],
      reviews: [
        {
          publisher: { name: CLAIMSKG_PUBLISHERS[source.toLowerCase()] ?? source, site: hostOf(url) },
          url,
          title: get('extra_title'),
          reviewDate: isoDate(get('claimReview_datePublished')) || isoDate(get('creativeWork_datePublished')),
          textualRating: rating,
          explanation: '',
          languageCode: '',
          ...ratingNumbers(get('rating_ratingValue'), get('rating_bestRating'), get('rating_worstRating')),
        },
      ],
    });
  }
  return { format: 'claimskg', claims: mergeSameClaims(claims), rejected };
}
