/** Shared helpers for the publishing tests: authenticated requests, test articles, KV consistency checks. */
import { env } from 'cloudflare:workers';
import { MAX_QUERY_FEATURES, parsePosting } from '../../worker/core/features';
import { checkedFetch } from './contract-check';
import type { ArticleSource, Excerpt } from '../../worker/core/types';
import { KEY_PREFIX } from '../../worker/store/keys';
import { lookup } from '../../worker/store/lookup';

export const ADMIN_TOKEN = 'test-admin-token';

/** A request to the worker; the answer is checked against /openapi.json (contract-check.ts). */
export const request = (path: string, init: RequestInit = {}) => checkedFetch(new Request(`https://qs.test${path}`, init));

export const authed = (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });

export const putJson = (id: string, source: Partial<ArticleSource> & Record<string, unknown>, token = ADMIN_TOKEN) =>
  request(`/v1/articles/${id}`, {
    method: 'PUT',
    headers: { ...authed(token), 'content-type': 'application/json' },
    body: JSON.stringify(source),
  });

export const del = (id: string, token = ADMIN_TOKEN) => request(`/v1/articles/${id}`, { method: 'DELETE', headers: authed(token) });

/** Best match's article id for a highlight, straight from the store's lookup (what the lookup route calls). */
export async function foundIn(exact: string): Promise<string[]> {
  // Every feature of the quote is read (not the lookup's budget of the rarest): a posting lost from
  // any shared list shows here, which the tests of concurrent publishing rely on.
  const { matches } = await lookup(env.QS_KV, { exact }, { limit: 5, featureBudget: MAX_QUERY_FEATURES });
  return matches.map((m) => m.article.id);
}

/** Every key in KV (local KV lists are complete). */
export async function allKeys(): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.QS_KV.list({ cursor });
    names.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return names;
}

/**
 * Checks KV holds nothing stale: every posting list names only existing excerpts, every excerpt
 * belongs to an existing article that lists it, and every article's excerpts exist. Returns the
 * problems found (empty when consistent).
 */
export async function staleEntries(): Promise<string[]> {
  const names = await allKeys();
  const problems: string[] = [];
  const excerptIds = new Set(names.filter((n) => n.startsWith(KEY_PREFIX.excerpt)).map((n) => n.slice(KEY_PREFIX.excerpt.length)));
  const articleIds = new Set(names.filter((n) => n.startsWith(KEY_PREFIX.article)).map((n) => n.slice(KEY_PREFIX.article.length)));
  const unitIds = new Set(
    names.flatMap((n) =>
      n.startsWith(KEY_PREFIX.passage)
        ? [n.slice(KEY_PREFIX.passage.length)]
        : n.startsWith(KEY_PREFIX.quotation)
          ? [n.slice(KEY_PREFIX.quotation.length)]
          : [],
    ),
  );
  for (const name of names) {
    if (name.startsWith(KEY_PREFIX.indexFeature)) {
      const { ids } = parsePosting(await env.QS_KV.get(name, 'text'));
      if (ids.length === 0) problems.push(`${name}: empty posting list left behind`);
      for (const id of ids) if (!unitIds.has(id)) problems.push(`${name} → missing unit ${id}`);
    } else if (name.startsWith(KEY_PREFIX.excerpt)) {
      const excerpt = await env.QS_KV.get<Excerpt>(name, 'json');
      if (!excerpt || !articleIds.has(excerpt.articleId)) problems.push(`${name}: orphan excerpt (article ${excerpt?.articleId} missing)`);
    } else if (name.startsWith(KEY_PREFIX.article)) {
      const article = await env.QS_KV.get<{ excerptIds: string[] }>(name, 'json');
      for (const id of article?.excerptIds ?? []) if (!excerptIds.has(id)) problems.push(`${name}: lists missing excerpt ${id}`);
    }
  }
  return problems;
}

/**
 * A test article: a shared opening paragraph (the same sentence in every article, so all of them
 * touch the same posting lists), then a paragraph with a quote of its own.
 */
export function sharedPhraseArticle(n: number, variant = 'first'): ArticleSource & { id: string; quote: string } {
  const animal = ANIMALS[n % ANIMALS.length];
  const city = CITIES[Math.floor(n / ANIMALS.length) % CITIES.length];
  const quote =
    variant === 'revised'
      ? `Our revised ${animal} tally for ${city} shows ${5000 + n * 3} fledglings hatched beside the southern lakes this spring`
      : `The ${variant} ${animal} census of ${city} counted exactly ${1000 + n * 7} nesting pairs along the northern ridge`;
  return {
    id: `concurrent-${n}`,
    title: `Wildlife survey report number ${n}`,
    published: '2026-11-27',
    language: 'en',
    body: [
      'The regional wildlife council published its annual survey on Friday, and officials said the results would shape conservation funding for years to come.',
      `"${quote}," survey coordinator Maria Okafor said at the press briefing.`,
    ].join('\n\n'),
    quote,
  };
}

const ANIMALS = ['heron', 'otter', 'falcon', 'badger', 'lynx', 'beaver', 'kestrel', 'marten', 'puffin', 'stoat'];
const CITIES = ['Lisbon', 'Tallinn', 'Krakow', 'Bergen', 'Ghent', 'Turku', 'Porto', 'Graz', 'Lyon', 'Cork'];
