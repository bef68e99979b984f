/**
 * The record writer: puts articles (with their excerpts and derived claims) and claims into KV,
 * keeping everything consistent. Identical content → no writes; an update replaces the old records
 * and removes whatever the new version no longer uses; the lookup index and the claim-search index
 * are kept in step through their seams (index-store.ts, claims-index.ts).
 */
import { isoDate } from '../core/dates';
import { ratingNumbers } from '../core/extract/claim-review';
import { InputError } from '../core/errors';
import { derivedClaimIds, excerptsForClaim, linkClaim } from '../core/claim-placement';
import { buildArticleRecords } from '../core/ingest';
import { claimIdFor, cleanId } from '../core/ids';
import type { Article, ArticleSource, Claim, ClaimSource, Excerpt, Review } from '../core/types';
import { updateClaimIndex } from './claims-index';
import { nextSequence, publishProvenance, refreshHeads, retractProvenance } from './provenance';
import { ID_PATTERN, keys } from './keys';
import { getMany, type KV } from './kv';

export interface IngestReport {
  id: string;
  status: 'created' | 'updated' | 'unchanged';
  excerpts: number;
  /** Direct quotes (indirect reports are counted in `indirectQuotes`). */
  quotes: number;
  indirectQuotes: number;
  /** Claims derived from attributed direct quotes. */
  claims: number;
  keysWritten: number;
  keysDeleted: number;
  /** What the loader should be told (see core/ingest `ArticleRecords.warnings`). */
  warnings: string[];
}

export interface ClaimsReport {
  claims: number;
  created: number;
  updated: number;
  /** Claims already stored exactly so (re-importing the same data writes nothing). */
  unchanged: number;
  /** Excerpt records that now list one of these claims. */
  excerptsLinked: number;
  keysWritten: number;
}

export interface DeleteReport {
  id: string;
  deleted: boolean;
  keysDeleted: number;
  keysWritten: number;
}

/**
 * Appearances a claim derived from quotes keeps (the first ones ingested): the claim record is read
 * with every lookup answer's summary and must not grow with reprints; how far the words spread is
 * the quotation record's job (`appearances.count`, store/provenance.ts).
 */
export const MAX_CLAIM_APPEARANCES = 20;

/** Counts KV writes and deletes so every operation can report exactly what it changed. */
class Writes {
  written = 0;
  deleted = 0;
  constructor(private kv: KV) {}
  async put(key: string, value: unknown) {
    await this.kv.put(key, JSON.stringify(value));
    this.written++;
  }
  async del(key: string) {
    await this.kv.delete(key);
    this.deleted++;
  }
}

export async function readArticle(kv: KV, id: string): Promise<Article | null> {
  if (!ID_PATTERN.test(id)) return null;
  return kv.get<Article>(keys.article(id), 'json');
}

export async function readExcerpt(kv: KV, id: string): Promise<Excerpt | null> {
  if (!ID_PATTERN.test(id)) return null;
  return kv.get<Excerpt>(keys.excerpt(id), 'json');
}

async function readExcerpts(kv: KV, ids: string[]): Promise<Excerpt[]> {
  const got = await getMany<Excerpt>(kv, ids.map(keys.excerpt));
  return ids.map((id) => got.get(keys.excerpt(id))).filter((e): e is Excerpt => !!e);
}

/* ---------- articles ---------- */

/** Stores one article and its index entries. `giveWay`: background work (the coordinator), whose record build yields to requests sharing the thread. */
export async function putArticle(kv: KV, source: ArticleSource, opts: { now?: string; giveWay?: boolean } = {}): Promise<IngestReport> {
  const { article, excerpts, claims, warnings } = await buildArticleRecords(source, opts);
  const counts = {
    excerpts: excerpts.length,
    quotes: excerpts.reduce((n, e) => n + e.quotes.filter((q) => q.kind === 'direct').length, 0),
    indirectQuotes: excerpts.reduce((n, e) => n + e.quotes.filter((q) => q.kind === 'indirect').length, 0),
    claims: claims.length,
  };
  // One round trip: the stored version and the reviewed claims that name this article (possibly loaded before it).
  const head = await kv.get<unknown>([keys.article(article.id), keys.articleClaims(article.id)], 'json');
  const old = (head.get(keys.article(article.id)) as Article | null) ?? null;
  const namedBy = (head.get(keys.articleClaims(article.id)) as string[] | null) ?? [];
  if (old && old.contentHash === article.contentHash) {
    return { id: article.id, status: 'unchanged', ...counts, keysWritten: 0, keysDeleted: 0, warnings };
  }
  const writes = new Writes(kv);
  const oldExcerpts = old ? await readExcerpts(kv, old.excerptIds) : [];
  // The old version's passages and quotation memberships go first (they are re-filed below).
  const retracted = old ? await retractProvenance(kv, old, oldExcerpts) : { keysWritten: 0, keysDeleted: 0 };
  let sequenced = 0;
  if (old?.seq) article.seq = old.seq;
  else {
    article.seq = await nextSequence(kv);
    sequenced = 1;
  }

  // Claims this article touches: its derived claims (old and new), reviewed claims linked into its old
  // excerpts, and reviewed claims that name it.
  const oldDerived = derivedClaimIds(oldExcerpts);
  const linkedIds = new Set([...oldExcerpts.flatMap((e) => e.claims.map((c) => c.id)), ...namedBy]);
  const touchedIds = [...new Set([...oldDerived, ...claims.map((c) => c.id), ...linkedIds])];
  const stored = await getMany<Claim>(kv, touchedIds.map(keys.claim));
  const storedClaim = (id: string) => stored.get(keys.claim(id)) ?? null;

  // Reviewed claims keep their place: link them into the new excerpts by text overlap.
  for (const id of linkedIds) {
    const claim = storedClaim(id);
    if (claim) for (const e of excerptsForClaim(claim, article.id, excerpts)) linkClaim(e, claim);
  }

  const oldById = new Map(oldExcerpts.map((e) => [e.id, e]));
  for (const e of excerpts) {
    const before = oldById.get(e.id);
    if (!before || JSON.stringify(before) !== JSON.stringify(e)) await writes.put(keys.excerpt(e.id), e);
  }
  const newIds = new Set(article.excerptIds);
  for (const e of oldExcerpts) if (!newIds.has(e.id)) await writes.del(keys.excerpt(e.id));

  // Derived claims: merge this article's appearances into any record the same words by the same person already have.
  const claimsRemoved: Claim[] = [];
  const claimsAdded: Claim[] = [];
  for (const claim of claims) {
    const existing = storedClaim(claim.id);
    const merged: Claim = existing
      ? { ...existing, appearances: [...existing.appearances.filter((a) => a.articleId !== article.id), ...claim.appearances].slice(0, MAX_CLAIM_APPEARANCES) }
      : claim;
    if (existing && JSON.stringify(existing) === JSON.stringify(merged)) continue;
    if (existing) claimsRemoved.push(existing);
    claimsAdded.push(merged);
    await writes.put(keys.claim(claim.id), merged);
  }
  const newDerived = new Set(claims.map((c) => c.id));
  for (const id of oldDerived) {
    if (newDerived.has(id)) continue;
    const existing = storedClaim(id);
    if (existing) await dropAppearance(writes, existing, article.id, claimsRemoved, claimsAdded);
  }

  const provenance = await publishProvenance(kv, article, excerpts);
  const cix = claimsRemoved.length || claimsAdded.length ? await updateClaimIndex(kv, { removed: claimsRemoved, added: claimsAdded }) : { keysWritten: 0 };
  // The article record goes last: if anything above fails, its hash still differs and a re-run redoes the work.
  await writes.put(keys.article(article.id), article);
  return {
    id: article.id,
    status: old ? 'updated' : 'created',
    ...counts,
    keysWritten: writes.written + sequenced + retracted.keysWritten + provenance.keysWritten + cix.keysWritten,
    keysDeleted: writes.deleted + retracted.keysDeleted + provenance.keysDeleted,
    warnings,
  };
}

/** Removes an article's appearance from a derived claim; the claim goes when nothing else holds it. */
async function dropAppearance(writes: Writes, claim: Claim, articleId: string, removed: Claim[], added: Claim[]) {
  const appearances = claim.appearances.filter((a) => a.articleId !== articleId);
  removed.push(claim);
  if (!appearances.length && !claim.reviews.length) {
    await writes.del(keys.claim(claim.id));
    return;
  }
  const kept = { ...claim, appearances };
  added.push(kept);
  await writes.put(keys.claim(claim.id), kept);
}

/** Removes everything an article owns: its record, excerpts, derived claims and their index entries. */
export async function deleteArticle(kv: KV, id: string): Promise<DeleteReport> {
  const article = await readArticle(kv, id);
  if (!article) return { id, deleted: false, keysDeleted: 0, keysWritten: 0 };
  const writes = new Writes(kv);
  const excerpts = await readExcerpts(kv, article.excerptIds);
  const provenance = await retractProvenance(kv, article, excerpts);
  const derived = [...derivedClaimIds(excerpts)];
  const stored = await getMany<Claim>(kv, derived.map(keys.claim));
  const removed: Claim[] = [];
  const added: Claim[] = [];
  for (const claimId of derived) {
    const claim = stored.get(keys.claim(claimId));
    if (claim) await dropAppearance(writes, claim, id, removed, added);
  }
  for (const excerptId of article.excerptIds) await writes.del(keys.excerpt(excerptId));
  await writes.del(keys.article(id));
  const cix = removed.length ? await updateClaimIndex(kv, { removed, added }) : { keysWritten: 0 };
  return { id, deleted: true, keysDeleted: writes.deleted + provenance.keysDeleted, keysWritten: writes.written + provenance.keysWritten + cix.keysWritten };
}

/* ---------- claim files ---------- */

function mergeReviews(old: Review[], incoming: Review[]): Review[] {
  const byUrl = new Map(old.map((r) => [`${r.url}|${r.publisher?.site ?? ''}`, r]));
  for (const r of incoming) byUrl.set(`${r.url}|${r.publisher?.site ?? ''}`, r);
  return [...byUrl.values()];
}

const trimmed = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');

/**
 * A review as stored: every field present, dates ISO 8601 ("2021-7-16" → "2021-07-16",
 * "28 February 2022" → "2022-02-28"; an unreadable date is unknown, ''), numeric ratings only
 * inside their declared range.
 */
export function normaliseReview(r: Partial<Review>): Review {
  return {
    publisher: { name: trimmed(r.publisher?.name), site: trimmed(r.publisher?.site) },
    url: trimmed(r.url),
    title: trimmed(r.title),
    reviewDate: isoDate(r.reviewDate),
    textualRating: trimmed(r.textualRating),
    ...ratingNumbers(r.ratingValue, r.bestRating, r.worstRating),
    explanation: trimmed(r.explanation),
    languageCode: trimmed(r.languageCode),
  };
}

export function claimFromSource(source: ClaimSource): Claim {
  const id = source.id ? cleanId(source.id) : claimIdFor(source.claimant ?? '', source.text);
  if (!ID_PATTERN.test(id)) throw new InputError(`claim id "${source.id}" is not a usable id`);
  return {
    id,
    text: source.text.trim(),
    claimant: trimmed(source.claimant),
    claimDate: isoDate(source.claimDate).slice(0, 10),
    languageCode: trimmed(source.languageCode),
    appearances: (source.appearances ?? []).map((a) => ({
      url: trimmed(a.url),
      ...(a.articleId ? { articleId: a.articleId } : {}),
      ...(a.excerptId ? { excerptId: a.excerptId } : {}),
    })),
    reviews: (source.reviews ?? []).map(normaliseReview),
    ...(source.sample ? { sample: true } : {}),
  };
}

/**
 * Writes claims (reviews merge into an existing claim with the same id; appearances are unioned) and
 * lists each claim on the excerpts where it appears, so a lookup answer carries its verdicts.
 */
export async function putClaims(kv: KV, sources: ClaimSource[], options: { replace?: boolean } = {}): Promise<ClaimsReport> {
  const writes = new Writes(kv);
  const incoming = sources.map(claimFromSource);
  const stored = await getMany<Claim>(
    kv,
    incoming.map((c) => keys.claim(c.id)),
  );
  const removed: Claim[] = [];
  const added: Claim[] = [];
  const finalClaims: Claim[] = [];
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  let unlinked = 0;
  for (const claim of incoming) {
    const existing = stored.get(keys.claim(claim.id));
    if (options.replace && existing && JSON.stringify(existing) !== JSON.stringify(claim)) {
      // A replacement may no longer appear where the old record did: take it out of those excerpts first.
      unlinked += (await unlinkClaim(kv, writes, existing)).excerpts;
    }
    const merged: Claim = options.replace
      ? claim
      : existing
        ? {
            ...existing,
            ...claim,
            appearances: [...existing.appearances, ...claim.appearances].filter(
              (a, i, all) => all.findIndex((b) => b.url === a.url && b.articleId === a.articleId && b.excerptId === a.excerptId) === i,
            ),
            reviews: mergeReviews(existing.reviews, claim.reviews),
          }
        : claim;
    finalClaims.push(merged);
    if (existing && JSON.stringify(existing) === JSON.stringify(merged)) {
      unchanged++;
      continue;
    }
    if (existing) {
      removed.push(existing);
      updated++;
    } else created++;
    added.push(merged);
    await writes.put(keys.claim(merged.id), merged);
  }

  // Link into excerpts: read the articles named by appearances, then their excerpts, then rewrite changed ones.
  const articleIds = [...new Set(finalClaims.flatMap((c) => c.appearances.map((a) => a.articleId).filter((x): x is string => !!x && ID_PATTERN.test(x))))];
  const articles = await getMany<Article>(kv, articleIds.map(keys.article));
  const excerptIds = articleIds.flatMap((id) => articles.get(keys.article(id))?.excerptIds ?? []);
  const excerpts = await readExcerpts(kv, excerptIds);
  const changed = new Set<Excerpt>();
  for (const claim of finalClaims) {
    for (const articleId of new Set(claim.appearances.map((a) => a.articleId).filter(Boolean))) {
      const own = excerpts.filter((e) => e.articleId === articleId);
      for (const e of excerptsForClaim(claim, articleId!, own)) if (linkClaim(e, claim)) changed.add(e);
    }
  }
  for (const e of changed) await writes.put(keys.excerpt(e.id), e);
  // A changed excerpt that is its passage's best copy is what lookups read: keep it in step.
  const heads = changed.size ? await refreshHeads(kv, [...changed]) : 0;

  // Remember, per article, which claims name it, so an article ingested later links them too.
  const links = await getMany<string[]>(kv, articleIds.map(keys.articleClaims));
  for (const articleId of articleIds) {
    const before = links.get(keys.articleClaims(articleId)) ?? [];
    const naming = finalClaims.filter((c) => c.appearances.some((a) => a.articleId === articleId)).map((c) => c.id);
    const after = [...new Set([...before, ...naming])].sort();
    if (after.length !== before.length) await writes.put(keys.articleClaims(articleId), after);
  }
  const cix = added.length ? await updateClaimIndex(kv, { removed, added }) : { keysWritten: 0 };
  // Changed excerpts carry new claim summaries; the lookup index does not depend on them, so it is untouched.
  return {
    claims: incoming.length,
    created,
    updated,
    unchanged,
    excerptsLinked: changed.size + unlinked,
    keysWritten: writes.written + heads + cix.keysWritten,
  };
}

/** Takes a claim out of the excerpts that list it and out of the articles' "claims naming me" lists. */
async function unlinkClaim(kv: KV, writes: Writes, claim: Claim): Promise<{ excerpts: number; heads: number }> {
  const articleIds = [...new Set(claim.appearances.map((a) => a.articleId).filter((x): x is string => !!x && ID_PATTERN.test(x)))];
  if (!articleIds.length) return { excerpts: 0, heads: 0 };
  const articles = await getMany<Article>(kv, articleIds.map(keys.article));
  const excerpts = await readExcerpts(
    kv,
    articleIds.flatMap((id) => articles.get(keys.article(id))?.excerptIds ?? []),
  );
  const changed: Excerpt[] = [];
  for (const e of excerpts) {
    const kept = e.claims.filter((c) => c.id !== claim.id);
    if (kept.length === e.claims.length) continue;
    e.claims = kept;
    changed.push(e);
    await writes.put(keys.excerpt(e.id), e);
  }
  const heads = changed.length ? await refreshHeads(kv, changed) : 0;
  const links = await getMany<string[]>(kv, articleIds.map(keys.articleClaims));
  for (const articleId of articleIds) {
    const before = links.get(keys.articleClaims(articleId));
    if (!before?.includes(claim.id)) continue;
    const after = before.filter((id) => id !== claim.id);
    if (after.length) await writes.put(keys.articleClaims(articleId), after);
    else await writes.del(keys.articleClaims(articleId));
  }
  return { excerpts: changed.length, heads };
}

export interface ClaimDeleteReport {
  id: string;
  deleted: boolean;
  excerptsUnlinked: number;
  keysWritten: number;
  keysDeleted: number;
}

/** Retracts a claim: its record, its search-index entries, and its summary on every excerpt that listed it. */
export async function deleteClaim(kv: KV, id: string): Promise<ClaimDeleteReport> {
  const claim = ID_PATTERN.test(id) ? await kv.get<Claim>(keys.claim(id), 'json') : null;
  if (!claim) return { id, deleted: false, excerptsUnlinked: 0, keysWritten: 0, keysDeleted: 0 };
  const writes = new Writes(kv);
  const { excerpts, heads } = await unlinkClaim(kv, writes, claim);
  await writes.del(keys.claim(id));
  const cix = await updateClaimIndex(kv, { removed: [claim], added: [] });
  return { id, deleted: true, excerptsUnlinked: excerpts, keysWritten: writes.written + heads + cix.keysWritten, keysDeleted: writes.deleted };
}
