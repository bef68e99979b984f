/**
 * Stable ids for articles, excerpts, quotes and derived claims. Ids go into KV keys and URLs, so
 * they match `ID_PATTERN` (worker/store/keys.ts): lowercase ASCII letters, digits, '.', '~', '-'.
 */

import { fnv1a } from './hash';

const MAX_SLUG = 60;

/** Letters that Unicode decomposition does not fold to ASCII. */
const FOLD: Record<string, string> = {
  ø: 'o',
  Ø: 'o',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ß: 'ss',
  đ: 'd',
  Đ: 'd',
  ł: 'l',
  Ł: 'l',
  þ: 'th',
  Þ: 'th',
  ð: 'd',
  ı: 'i',
};

/** Lowercase ASCII slug: accents folded ("António" → "antonio", "Søren" → "soren"), other runs become '-'. */
export function slugify(text: string, max = MAX_SLUG): string {
  const folded = text
    .replace(/(\p{L})['’](\p{L})/gu, '$1$2')
    .replace(/[øØæÆœŒßđĐłŁþÞðı]/g, (c) => FOLD[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return folded.slice(0, max).replace(/-+$/, '');
}

/** 32-bit FNV-1a over UTF-16 code units as 8 hex digits: short, stable, synchronous (ids only, not security). */
export function shortHash(text: string): string {
  return fnv1a(text).toString(16).padStart(8, '0');
}

/** Sanitises a caller-given id into the id alphabet; '' when nothing usable is left. */
export function cleanId(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.~-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 100)
    .replace(/[-.~]+$/, '');
}

/** URL → slug of host + last meaningful path segment, plus a short hash of the whole URL (distinct URLs, distinct ids). */
function idFromUrl(url: string): string {
  let host = '';
  let path = url;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^www\./, '');
    path = u.pathname;
  } catch {
    /* not an absolute URL: slug the text as given */
  }
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/\.(s?html?|php|aspx?)$/i, ''));
  const last = segments.reverse().find((s) => /[a-z]{3,}/i.test(s)) ?? '';
  const base = slugify(`${host.split('.').slice(0, -1).join('-') || host} ${last}`, 60);
  return `${base || 'article'}-${shortHash(url)}`;
}

export interface IdSource {
  id?: string;
  url?: string;
  title: string;
  published?: string;
}

/** Article id: the source's own id, else from its URL, else title + date. */
export function articleIdFor(source: IdSource): string {
  const own = source.id ? cleanId(source.id) : '';
  if (own) return own;
  if (source.url?.trim()) return idFromUrl(source.url.trim());
  const date = (source.published ?? '').slice(0, 10);
  const slug = slugify(source.title, 60) || 'article';
  return date ? `${slug}-${slugify(date)}` : `${slug}-${shortHash(source.title)}`;
}

export const excerptIdFor = (articleId: string, position: number) => `${articleId}~${position}`;
export const quoteIdFor = (excerptId: string, n: number) => `${excerptId}~q${n}`;

/** Claim id from claimant + normalised text: the same words by the same person are one claim wherever they appear. */
export function claimIdFor(claimant: string, text: string): string {
  const norm = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const who = slugify(claimant, 30) || 'unknown';
  const what = slugify(norm, 40) || 'claim';
  return `c-${who}-${what}-${shortHash(`${claimant.toLowerCase()}|${norm}`)}`;
}
