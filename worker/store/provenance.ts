/**
 * Provenance records in KV: deduplicated passages, quotations and page records, kept in step with
 * the articles that are published and retracted (called by store/records.ts, through the
 * IndexCoordinator or the ingest CLI: one writer at a time).
 *
 * Design:
 * - **Passages.** Every excerpt is a copy of the passage of its normalised words. The passage record
 *   holds its best copy in full (primary first, then earliest) and the first few copies; the full
 *   copy list lives in chunks of CHUNK copies (`v2:pc:{id}:{n}`) that only writers read. Only a new
 *   passage touches the index, so the ten-thousandth copy of a wire story writes two keys.
 * - **Quotations.** Each direct quote of a report joins the quotation whose original prints the
 *   same words (core/provenance `printsSameWords`), or founds one: anchored in the primary passage
 *   that holds the words when there is one, else in itself. The index files a quotation under its
 *   original's words, ahead of passages, so it stays findable however many copies there are. Members
 *   are kept in chunks (`v2:qm:{id}:{n}`); each article's memberships in `v2:aq:{articleId}`.
 * - **Anchoring is order-free.** A primary published after its reports re-anchors every quotation
 *   whose original it holds and merges those that land on the same words, so the records equal
 *   those of the opposite order (tested with permutations). Retracting the primary lets them fall
 *   back to another primary or to their earliest report.
 *
 * Invariants:
 * - A quotation's record is derived from its members and original by core/provenance alone.
 * - No value grows with the number of copies: records list a few, chunks hold CHUNK each.
 * - Every member of a quotation is listed in its article's memberships, and the other way round.
 */
import { isLookupable, prepare, SCORE_THRESHOLD, TextWords, type PreparedQuery } from '../core/match';
import { queryFeatures, type QueryFeature } from '../core/features';
import { tokenize, type Token } from '../core/normalise';
import {
  appearanceOf,
  appearancesOf,
  compareAppearances,
  compareCopies,
  editRuns,
  FIRST_APPEARANCES,
  FIRST_COPIES,
  fitWords,
  printsSameWords,
  quotationIdFor,
  mayBeOriginal,
  sameWords,
  speakerAt,
  wordingKey,
  wordRange,
  type SpanFit,
} from '../core/provenance';
import type { Article, Excerpt, Passage, PassageCopy, Quotation, QuotationMember, Quote, SourceRef, Speaker } from '../core/types';
import { updateUnitIndex, type IndexUnit } from './index-store';
import { KEY_PREFIX, keys } from './keys';
import { getMany, type KV } from './kv';
import { candidateIdsOfWindows, gatherUnits, type LookupStats, type Unit } from './lookup';
import { addFindings, dropFindings, refreshFindings } from './findings';
import { pageKeyFor, type PageRecord } from './page';

/** Copies or members per chunk value (≈ 60 KB of JSON at most: well under KV's limits, one read each). */
export const CHUNK = 200;
/** Words per window when a primary passage looks for the quotations it holds (a quotation is rarely longer). */
const ANCHOR_WINDOW_WORDS = 40;

/** ISO dates compare as strings; an unknown date is later than any known one. */
const compareDates = (a: string, b: string) => {
  const x = a ? a.slice(0, 10) : '\uffff';
  const y = b ? b.slice(0, 10) : '\uffff';
  return x < y ? -1 : x > y ? 1 : 0;
};

/** One article's quotation memberships (`v2:aq:{articleId}`). */
interface Membership {
  excerptId: string;
  start: number;
  quotationId: string;
}

const membershipsKey = keys.articleQuotations;

export interface ProvenanceReport {
  keysWritten: number;
  keysDeleted: number;
  /** Quotations this article founded, joined or (a primary) anchored. */
  quotations: number;
}

/** Counts KV writes and deletes (a report names exactly what changed). */
class Tx {
  written = 0;
  deleted = 0;
  quotations = new Set<string>();
  stats: LookupStats = { roundTrips: 0, keysRead: 0 };
  /**
   * Quotation records as this writer last read or wrote them: a primary publish checks thousands of
   * candidates, most of them many times over (once per passage sharing their words). The writer is
   * the only one (see the header), so its own view is current; records are never mutated in place.
   */
  private records = new Map<string, Quotation | null>();
  constructor(
    readonly kv: KV,
    /** The publish's time (findings found now are dated by it). */
    readonly now: string,
  ) {}
  async quotation(id: string): Promise<Quotation | null> {
    const key = keys.quotation(id);
    if (this.records.has(key)) return this.records.get(key)!;
    const q = await this.kv.get<Quotation>(key, 'json');
    this.records.set(key, q);
    return q;
  }
  async put(key: string, value: unknown) {
    await this.kv.put(key, typeof value === 'string' ? value : JSON.stringify(value));
    if (key.startsWith(KEY_PREFIX.quotation)) this.records.set(key, value as Quotation);
    this.written++;
  }
  async del(key: string) {
    await this.kv.delete(key);
    if (key.startsWith(KEY_PREFIX.quotation)) this.records.set(key, null);
    this.deleted++;
  }
  async index(change: { removed: IndexUnit[]; added: IndexUnit[] }) {
    const r = await updateUnitIndex(this.kv, change);
    this.written += r.keysWritten;
  }
}

/* ---------- chunked lists ---------- */

const chunkCount = (items: number) => Math.ceil(items / CHUNK);

async function readChunks<T>(kv: KV, keyOf: (n: number) => string, items: number): Promise<T[]> {
  const names = Array.from({ length: chunkCount(items) }, (_, n) => keyOf(n));
  const got = await getMany<T[]>(kv, names);
  return names.flatMap((n) => got.get(n) ?? []);
}

/** Writes the list densely into chunks, touching only chunks whose content changed. */
async function writeChunks<T>(tx: Tx, keyOf: (n: number) => string, items: T[], before: T[]) {
  const n = chunkCount(items.length);
  for (let k = 0; k < n; k++) {
    const now = items.slice(k * CHUNK, (k + 1) * CHUNK);
    const was = before.slice(k * CHUNK, (k + 1) * CHUNK);
    if (JSON.stringify(now) !== JSON.stringify(was)) await tx.put(keyOf(k), now);
  }
  for (let k = n; k < chunkCount(before.length); k++) await tx.del(keyOf(k));
}

/** Appends one item: only the last chunk is read and written. */
async function appendChunk<T>(tx: Tx, keyOf: (n: number) => string, itemsBefore: number, item: T) {
  const k = Math.floor(itemsBefore / CHUNK);
  const last = itemsBefore % CHUNK === 0 ? [] : ((await tx.kv.get<T[]>(keyOf(k), 'json')) ?? []);
  last.push(item);
  await tx.put(keyOf(k), last);
}

/* ---------- sequence ---------- */

/** The next ingestion sequence number (the tie-break between reports of the same date). */
export async function nextSequence(kv: KV): Promise<number> {
  const current = Number((await kv.get(keys.sequence(), 'text')) ?? 0) || 0;
  await kv.put(keys.sequence(), String(current + 1));
  return current + 1;
}

/* ---------- passages ---------- */

function copyOf(article: Article, excerpt: Excerpt): PassageCopy {
  return {
    excerptId: excerpt.id,
    articleId: article.id,
    kind: article.kind,
    url: article.url,
    title: article.title,
    publisher: article.publisher,
    published: article.published,
    seq: article.seq,
  };
}

function passageFrom(id: string, head: Excerpt, copies: PassageCopy[]): Passage {
  const sorted = [...copies].sort(compareCopies);
  return { id, head, copies: copies.length, primaryCopies: copies.filter((c) => c.kind === 'primary').length, first: sorted.slice(0, FIRST_COPIES) };
}

async function addCopies(tx: Tx, article: Article, excerpts: Excerpt[]): Promise<string[]> {
  const stored = await getMany<Passage>(
    tx.kv,
    excerpts.map((e) => keys.passage(e.passageId)),
  );
  const added: IndexUnit[] = [];
  const headsChanged: string[] = [];
  const seen = new Map<string, Passage>();
  for (const excerpt of excerpts) {
    const id = excerpt.passageId;
    const copy = copyOf(article, excerpt);
    const before = seen.get(id) ?? stored.get(keys.passage(id)) ?? null;
    if (!before) {
      const passage = passageFrom(id, excerpt, [copy]);
      seen.set(id, passage);
      await tx.put(keys.passage(id), passage);
      await tx.put(keys.passageCopies(id, 0), [copy]);
      added.push({ id, text: excerpt.text });
      continue;
    }
    await appendChunk(tx, (n) => keys.passageCopies(id, n), before.copies, copy);
    const first = [...before.first, copy].sort(compareCopies).slice(0, FIRST_COPIES);
    const becomesHead = compareCopies(copy, before.first[0] ?? copy) < 0;
    const passage: Passage = {
      id,
      head: becomesHead ? excerpt : before.head,
      copies: before.copies + 1,
      primaryCopies: before.primaryCopies + (copy.kind === 'primary' ? 1 : 0),
      first,
    };
    if (becomesHead) headsChanged.push(id);
    seen.set(id, passage);
    await tx.put(keys.passage(id), passage);
  }
  if (added.length) await tx.index({ removed: [], added });
  return headsChanged;
}

/** Removes an article's copies; returns the passages whose best copy changed or that are gone. */
async function removeCopies(tx: Tx, articleId: string, excerpts: Excerpt[]): Promise<string[]> {
  const byPassage = new Map<string, Set<string>>();
  for (const e of excerpts) {
    let s = byPassage.get(e.passageId);
    if (!s) byPassage.set(e.passageId, (s = new Set()));
    s.add(e.id);
  }
  const stored = await getMany<Passage>(tx.kv, [...byPassage.keys()].map(keys.passage));
  const removedUnits: IndexUnit[] = [];
  const changed: string[] = [];
  for (const [id, ids] of byPassage) {
    const before = stored.get(keys.passage(id));
    if (!before) continue;
    const copyKey = (n: number) => keys.passageCopies(id, n);
    const all = await readChunks<PassageCopy>(tx.kv, copyKey, before.copies);
    const left = all.filter((c) => !(c.articleId === articleId && ids.has(c.excerptId)));
    if (left.length === all.length) continue;
    await writeChunks(tx, copyKey, left, all);
    if (left.length === 0) {
      await tx.del(keys.passage(id));
      removedUnits.push({ id, text: before.head.text });
      changed.push(id);
      continue;
    }
    const sorted = [...left].sort(compareCopies);
    let head = before.head;
    if (!left.some((c) => c.excerptId === head.id)) {
      head = (await tx.kv.get<Excerpt>(keys.excerpt(sorted[0].excerptId), 'json')) ?? head;
      changed.push(id);
    }
    await tx.put(keys.passage(id), passageFrom(id, head, left));
  }
  if (removedUnits.length) await tx.index({ removed: removedUnits, added: [] });
  return changed;
}

/** Keeps passage heads in step when an excerpt record changes in place (claims linked to it). */
export async function refreshHeads(kv: KV, excerpts: Excerpt[]): Promise<number> {
  const tx = new Tx(kv, new Date().toISOString());
  const stored = await getMany<Passage>(
    kv,
    excerpts.map((e) => keys.passage(e.passageId)),
  );
  for (const e of excerpts) {
    const p = stored.get(keys.passage(e.passageId));
    if (p && p.head.id === e.id && JSON.stringify(p.head) !== JSON.stringify(e)) await tx.put(keys.passage(p.id), { ...p, head: e });
  }
  return tx.written;
}

/* ---------- quotations ---------- */

/** Quotes that print someone's words worth tracing: direct, long enough to look up. */
export function tracesQuote(q: Quote): boolean {
  if (q.kind !== 'direct') return false;
  return isLookupable(tokenize(q.text));
}

function memberOf(article: Article, excerpt: Excerpt, q: Quote): QuotationMember {
  return {
    articleId: article.id,
    excerptId: excerpt.id,
    url: article.url,
    title: article.title,
    publisher: article.publisher,
    published: article.published,
    wording: q.text,
    start: q.start,
    end: q.end,
    ...(q.speaker ? { speaker: q.speaker } : {}),
    seq: article.seq,
  };
}

/** An original in a paragraph: its words [start, end), said by `speaker`. */
function sourceIn(kind: SourceRef['kind'], ex: Excerpt, start: number, end: number, speaker: Speaker | undefined): SourceRef {
  return {
    kind,
    article: ex.article,
    excerpt: { id: ex.id, text: ex.text, position: ex.position },
    exact: ex.text.slice(start, end),
    start,
    end,
    ...(speaker ? { speaker } : {}),
  };
}

/** The original in a primary passage: whoever the passage attributes the span to. */
const primaryRef = (head: Excerpt, fit: { start: number; end: number }) => sourceIn('primary', head, fit.start, fit.end, speakerAt(head, fit.start, fit.end));

/** The original in the earliest report: the words and speaker that report gives. */
const reportRef = (excerpt: Excerpt, m: QuotationMember) => sourceIn('earliest-report', excerpt, m.start, m.end, m.speaker);

/** The earliest print in another article than the original's, shown to the original's own page. */
function alternateOf(original: SourceRef, members: QuotationMember[]): SourceRef | undefined {
  const m = [...members].sort(compareAppearances).find((x) => x.articleId !== original.article.id);
  if (!m) return undefined;
  return {
    kind: 'earliest-report',
    article: {
      id: m.articleId,
      kind: 'report',
      url: m.url,
      title: m.title,
      publisher: m.publisher,
      published: m.published,
      language: original.article.language,
    },
    excerpt: { id: m.excerptId, text: m.wording, position: 0 },
    exact: m.wording,
    start: 0,
    end: m.wording.length,
    ...(m.speaker ? { speaker: m.speaker } : {}),
  };
}

function quotationFrom(id: string, original: SourceRef, members: QuotationMember[], anchorPassageId?: string): Quotation {
  const alternate = alternateOf(original, members);
  const maxSeq = members.reduce((x, m) => Math.max(x, m.seq), 0);
  return {
    id,
    original,
    appearances: appearancesOf(original, members),
    maxSeq,
    ...(alternate ? { alternate } : {}),
    ...(anchorPassageId ? { anchorPassageId } : {}),
  };
}

/**
 * Adds one member without reading the others when the record stays exact: its wording is listed, or
 * every wording is listed and there is room for one more. Otherwise null (recompute from all members).
 */
function withMember(q: Quotation, m: QuotationMember): Quotation | null {
  const a = q.appearances;
  const key = wordingKey(m.wording);
  const variants = a.variants.map((v) => ({ ...v }));
  const listed = variants.find((v) => wordingKey(v.wording) === key);
  const wordings = a.wordings;
  // A new wording, or a count that now ties another's (ties are ordered by first print): recompute.
  // The variant shows the wording of its first print: a newer print in other characters (a period
  // inside the quotation marks) changes nothing but the count, unless it is dated earlier.
  if (!listed || compareDates(m.published, listed.since ?? '') < 0) return null;
  listed.count++;
  if (variants.some((v) => v !== listed && v.count === listed.count)) return null;
  // Most printed first; ties keep their order (by first print), as a full recompute gives.
  variants.sort((x, y) => y.count - x.count);
  // Among prints of the same date the newer ingestion comes later: exact only when this member is the newest.
  if (m.seq <= (q.maxSeq ?? 0)) return null;
  const date = (p: string) => (p ? p.slice(0, 10) : '\uffff');
  const earlier = m.articleId !== q.original.article.id && (!q.alternate || date(m.published) < date(q.alternate.article.published));
  const alternate = earlier ? alternateOf(q.original, [m]) : q.alternate;
  return {
    ...q,
    appearances: { count: a.count + 1, first: insertAppearance(a.first, m), variants, wordings },
    maxSeq: m.seq,
    ...(alternate ? { alternate } : {}),
  };
}

/** Inserts a new member into the earliest-first list: after every listed print of the same or an earlier date. */
function insertAppearance(first: Quotation['appearances']['first'], m: QuotationMember) {
  const date = (p: string) => (p ? p.slice(0, 10) : '\uffff');
  const at = first.findIndex((f) => date(f.published) > date(m.published));
  const out = [...first];
  const entry = appearanceOf(m);
  if (at < 0) out.push(entry);
  else out.splice(at, 0, entry);
  return out.slice(0, FIRST_APPEARANCES);
}

async function readMembers(kv: KV, q: Quotation): Promise<QuotationMember[]> {
  return readChunks<QuotationMember>(kv, (n) => keys.quotationMembers(q.id, n), q.appearances.count);
}

async function readMemberships(kv: KV, articleId: string): Promise<Membership[]> {
  return (await kv.get<Membership[]>(membershipsKey(articleId), 'json')) ?? [];
}

/** What the prints of a quotation tell about who said it and when (for choosing a primary). */
interface PrintFacts {
  /** The earliest print's date ('' unknown). */
  published: string;
  speaker?: Speaker;
  wording: string;
}

function printFacts(members: QuotationMember[], fallback: { published: string; speaker?: Speaker; wording: string }): PrintFacts {
  const earliest = [...members].sort(compareAppearances)[0];
  return earliest ? { published: earliest.published, ...(earliest.speaker ? { speaker: earliest.speaker } : {}), wording: earliest.wording } : fallback;
}

/** Whether a primary passage can be the original of these prints (core/provenance `mayBeOriginal`). */
function eligibleAnchor(passage: Passage, fit: SpanFit, facts: PrintFacts): boolean {
  const said = speakerAt(passage.head, fit.start, fit.end);
  return mayBeOriginal(
    { published: passage.head.article.published, ...(said ? { speaker: said } : {}) },
    {
      published: facts.published,
      ...(facts.speaker?.name ? { credited: facts.speaker.name } : {}),
      words: tokenize(facts.wording).length,
      edits: editRuns(fit.alignment),
    },
  );
}

/**
 * The better of two anchors: a clearly better fit (by more than 0.1) wins; among fits that close,
 * the earlier record (the first time the words were said), then the better fit, then the smaller id.
 * A total order, so the anchor never depends on which primary was ingested first.
 */
function betterAnchor(a: { passage: Passage; fit: SpanFit }, b: { passage: Passage; fit: SpanFit } | null): boolean {
  if (!b) return true;
  const sa = a.fit.alignment.score;
  const sb = b.fit.alignment.score;
  if (Math.abs(sa - sb) > 0.1) return sa > sb;
  const d = compareDates(a.passage.head.article.published, b.passage.head.article.published);
  if (d) return d < 0;
  if (Math.abs(sa - sb) > 1e-9) return sa > sb;
  return a.passage.id < b.passage.id;
}

/** Where the words best sit among the eligible primary passages (the anchor), or null. */
function bestPrimary(units: Unit[], facts: PrintFacts, exclude?: Set<string>): { passage: Passage; fit: SpanFit } | null {
  let best: { passage: Passage; fit: SpanFit } | null = null;
  for (const u of units) {
    const p = u.passage;
    if (!p || p.primaryCopies === 0 || p.head.article.kind !== 'primary' || exclude?.has(p.id)) continue;
    const fit = fitWords(p.head.text, facts.wording, SCORE_THRESHOLD);
    if (!fit || !eligibleAnchor(p, fit, facts)) continue;
    const candidate = { passage: p, fit };
    if (betterAnchor(candidate, best)) best = candidate;
  }
  return best;
}

async function unitsFor(tx: Tx, text: string, filter: 'all' | 'quotations' | 'passages'): Promise<Unit[]> {
  const tokens = tokenize(text);
  if (!isLookupable(tokens)) return [];
  // Writers look wider than a reader's lookup: a founding decision must not miss the quotation it belongs to.
  // A primary looking for the quotations it holds takes every quotation sharing its words (no floor):
  // the decision must not depend on which other quotations happen to be in the index yet.
  const [g] =
    filter === 'quotations'
      ? await gatherUnits(tx.kv, [{ features: queryFeatures(tokens) }], filter, tx.stats, 48, 0)
      : await gatherUnits(tx.kv, [{ features: queryFeatures(tokens) }], filter, tx.stats, 24);
  return g.units.map((x) => x.unit).filter((u): u is Unit => !!u);
}

/** Writes a quotation's record, members and index entry (old wording out, new wording in). */
async function saveQuotation(
  tx: Tx,
  q: Quotation,
  before: Quotation | null,
  members?: { now: QuotationMember[]; was: QuotationMember[] },
  all?: QuotationMember[],
) {
  await tx.put(keys.quotation(q.id), q);
  if (members) await writeChunks(tx, (n) => keys.quotationMembers(q.id, n), members.now, members.was);
  if (!before || wordingKey(before.original.exact) !== wordingKey(q.original.exact)) {
    await tx.index({ removed: before ? [{ id: q.id, text: before.original.exact }] : [], added: [{ id: q.id, text: q.original.exact }] });
  }
  tx.quotations.add(q.id);
  // Findings follow the members and the original; a caller that changed neither passes no members.
  const full = members?.now ?? all;
  if (full) await refreshFindings(tx, q, full);
}

async function deleteQuotation(tx: Tx, q: Quotation) {
  await dropFindings(tx, q.id);
  await tx.del(keys.quotation(q.id));
  for (let n = 0; n < chunkCount(q.appearances.count); n++) await tx.del(keys.quotationMembers(q.id, n));
  await tx.index({ removed: [{ id: q.id, text: q.original.exact }], added: [] });
}

/** Two quotations may merge when they stand on the same ground: both in one primary passage, or both unanchored. */
const sameAnchor = (a: Quotation, anchorPassageId: string | undefined) =>
  a.original.kind === 'primary' ? a.anchorPassageId === anchorPassageId : anchorPassageId === undefined;

/**
 * The original of merged quotations: in a primary passage the widest span (it holds the others),
 * else the earliest print (by date, then ingestion order of the member that printed it).
 */
function mergedOriginal(candidates: SourceRef[], members: QuotationMember[]): SourceRef {
  if (candidates[0].kind === 'primary') {
    return [...candidates].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)[0];
  }
  const memberOf = (o: SourceRef) => members.find((m) => m.excerptId === o.excerpt.id && m.start === o.start);
  const key = (o: SourceRef) => memberOf(o) ?? { published: o.article.published, seq: Number.MAX_SAFE_INTEGER, excerptId: o.excerpt.id, start: o.start };
  return [...candidates].sort((a, b) => compareAppearances(key(a), key(b)))[0];
}

/**
 * Merges quotations into `target` (the smallest id keeps the record), optionally with a new member;
 * the others' records go and their articles' memberships point at the target.
 */
async function mergeQuotations(
  tx: Tx,
  target: Quotation,
  others: Quotation[],
  extra: { member: QuotationMember; original?: SourceRef } | null,
  renamed: Map<string, string>,
): Promise<Quotation> {
  const was = await readMembers(tx.kv, target);
  const absorbed: QuotationMember[][] = [];
  for (const o of others) absorbed.push(await readMembers(tx.kv, o));
  const members = [...was, ...absorbed.flat(), ...(extra ? [extra.member] : [])];
  const candidates = [target.original, ...others.map((o) => o.original), ...(extra?.original ? [extra.original] : [])];
  const original = mergedOriginal(candidates, members);
  const merged = quotationFrom(target.id, original, members, target.anchorPassageId);
  await saveQuotation(tx, merged, target, { now: members, was });
  for (let k = 0; k < others.length; k++) {
    await deleteQuotation(tx, others[k]);
    await repointMemberships(tx, absorbed[k], others[k].id, target.id);
    renamed.set(others[k].id, target.id);
  }
  return merged;
}

/** Each traced quote of a report joins its quotation or founds one. */
async function joinQuotations(tx: Tx, article: Article, excerpts: Excerpt[]) {
  const memberships: Membership[] = [];
  const renamed = new Map<string, string>();
  for (const excerpt of excerpts) {
    for (const quote of excerpt.quotes) {
      if (!tracesQuote(quote)) continue;
      const id = await joinMember(tx, excerpt, memberOf(article, excerpt, quote), renamed);
      memberships.push({ excerptId: excerpt.id, start: quote.start, quotationId: id });
    }
  }
  const resolve = (id: string): string => (renamed.has(id) ? resolve(renamed.get(id)!) : id);
  if (memberships.length)
    await tx.put(
      membershipsKey(article.id),
      memberships.map((m) => ({ ...m, quotationId: resolve(m.quotationId) })),
    );
}

/**
 * One print joins the quotation whose original prints the same words, or founds one (anchored in
 * the primary passage that holds its words, if any) and takes in the quotations it holds. Returns
 * the quotation's id; `renamed` learns the ids merged away. The caller files the membership.
 */
async function joinMember(tx: Tx, excerpt: Excerpt, member: QuotationMember, renamed: Map<string, string>): Promise<string> {
  const units = await unitsFor(tx, member.wording, 'all');
  // Re-read: an earlier quote of this article may have changed or merged these records.
  const live = new Map<string, Quotation>();
  for (const u of units) {
    if (!u.quotation || live.has(u.id)) continue;
    const q = await tx.quotation(u.id);
    if (q) live.set(q.id, q);
  }
  let joined: { q: Quotation; fit: SpanFit } | null = null;
  for (const q of live.values()) {
    const fit = printsSameWords(q.original, member.wording, SCORE_THRESHOLD);
    const s = fit?.alignment.score ?? 0;
    if (fit && (!joined || s > joined.fit.alignment.score + 1e-9 || (Math.abs(s - joined.fit.alignment.score) <= 1e-9 && q.id < joined.q.id)))
      joined = { q, fit };
  }
  // Only a quotation anchored in a primary can lose this print to a better primary (a report's
  // quotation whose words a primary holds was anchored there when that primary was filed).
  const anchor =
    !joined || joined.q.original.kind === 'primary'
      ? bestPrimary(units, { published: member.published, ...(member.speaker ? { speaker: member.speaker } : {}), wording: member.wording })
      : null;
  // A primary passage that holds these words clearly better than the joined quotation's original
  // (another speaker's reply built on the same words) is where they belong: the quotation is founded
  // there, as it would have been had that passage been filed first.
  if (joined && anchor && joined.q.anchorPassageId !== anchor.passage.id && anchor.fit.alignment.score > joined.fit.alignment.score + 0.1) joined = null;
  if (joined) {
    const q = joined.q;
    const id = q.id;
    // The original is the earliest print when no primary holds the words; in a primary it is
    // the widest span its prints cover.
    const earlier = q.original.kind === 'earliest-report' && compareDates(member.published, q.original.article.published) < 0;
    const widens =
      q.original.kind === 'primary' &&
      joined.fit.start <= q.original.start &&
      joined.fit.end >= q.original.end &&
      joined.fit.end - joined.fit.start > q.original.end - q.original.start;
    const quick = earlier || widens ? null : withMember(q, member);
    if (quick) {
      await appendChunk(tx, (n) => keys.quotationMembers(id, n), q.appearances.count, member);
      await saveQuotation(tx, quick, q);
      await addFindings(tx, quick, [member]);
    } else {
      const was = await readMembers(tx.kv, q);
      const now = [...was, member];
      const original = earlier
        ? reportRef(excerpt, member)
        : widens
          ? { ...q.original, start: joined.fit.start, end: joined.fit.end, exact: q.original.excerpt.text.slice(joined.fit.start, joined.fit.end) }
          : q.original;
      await saveQuotation(tx, quotationFrom(id, original, now, q.anchorPassageId), q, { now, was });
    }
    return id;
  }
  const original = anchor ? primaryRef(anchor.passage.head, anchor.fit) : reportRef(excerpt, member);
  // Quotations whose words this quote holds (it quotes more of the same words) merge with it.
  const absorbable = [...live.values()]
    .filter((q) => sameAnchor(q, anchor?.passage.id) && printsSameWords(original, q.original.exact, SCORE_THRESHOLD))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (absorbable.length) {
    const [target, ...others] = absorbable;
    await mergeQuotations(tx, target, others, { member, original }, renamed);
    return target.id;
  }
  // A print that left the quotation it founded (see `anchorIn`) finds its first id taken.
  let id = quotationIdFor(member.excerptId, member.start);
  for (let n = 1; (await tx.quotation(id)) !== null; n++) id = quotationIdFor(`${member.excerptId}~${n}`, member.start);
  await saveQuotation(tx, quotationFrom(id, original, [member], anchor?.passage.id), null, { now: [member], was: [] });
  return id;
}

/** Rewrites article memberships that point at `from` to point at `to` (after a merge). */
async function repointMemberships(tx: Tx, members: QuotationMember[], from: string, to: string) {
  for (const articleId of new Set(members.map((m) => m.articleId))) {
    const list = await readMemberships(tx.kv, articleId);
    const next = list.map((x) => (x.quotationId === from ? { ...x, quotationId: to } : x));
    if (JSON.stringify(next) !== JSON.stringify(list)) await tx.put(membershipsKey(articleId), next);
  }
}

/**
 * A primary passage takes in the quotations whose words it holds: each is re-anchored there (its
 * original becomes the primary span), and quotations landing on the same words merge.
 */
async function anchorIn(tx: Tx, passageIds: string[]) {
  const passages = await getMany<Passage>(tx.kv, passageIds.map(keys.passage));
  const ejected: QuotationMember[] = [];
  // Wordings are fitted into many passages (and windows overlap): prepare each once per call.
  const prepared = new Map<string, PreparedQuery>();
  for (const pid of passageIds) {
    const passage = passages.get(keys.passage(pid));
    if (passage?.head.article.kind !== 'primary') continue;
    const tokens = tokenize(passage.head.text);
    const found = await quotationsAlong(tx, passage.head.text, tokens);
    const words = new TextWords(tokens);
    // Re-anchor, in id order (deterministic), those not already in a primary or in this one with stale words.
    const anchoredHere: { q: Quotation; members: QuotationMember[] }[] = [];
    for (const id of found.sort()) {
      const q = await tx.quotation(id);
      if (!q) continue;
      const fit = fitAny(passage.head.text, q, tokens, prepared, words);
      if (!fit) continue;
      const members = await readMembers(tx.kv, q);
      const facts = printFacts(members, { published: q.original.article.published, speaker: q.original.speaker, wording: q.original.exact });
      if (!fit || !eligibleAnchor(passage, fit, facts)) continue;
      // Anchored in another primary already: move only if this one is the better anchor (a total order).
      if (q.original.kind === 'primary' && q.anchorPassageId !== pid) {
        // Both fitted with the words as printed (the original's words are the current anchor's own).
        const current = q.anchorPassageId ? await tx.kv.get<Passage>(keys.passage(q.anchorPassageId), 'json') : null;
        const currentFit = current ? fitWords(current.head.text, facts.wording, SCORE_THRESHOLD) : null;
        const fitHere = fitWords(passage.head.text, facts.wording, SCORE_THRESHOLD, tokens, words);
        if (current && currentFit && (!fitHere || !betterAnchor({ passage, fit: fitHere }, { passage: current, fit: currentFit }))) continue;
      }
      const original = primaryRef(passage.head, fit);
      // Prints that matched a report's original only through its context (its paragraph's other
      // words) do not print the primary's words: they leave, and join or found a quotation as if
      // they had been published after the primary (so the records do not depend on the order).
      const keep = members.filter((m) => printsSameWords(original, m.wording, SCORE_THRESHOLD));
      if (!keep.length) continue;
      const next = quotationFrom(q.id, original, keep, pid);
      if (keep.length < members.length) {
        await saveQuotation(tx, next, q, { now: keep, was: members });
        ejected.push(...members.filter((m) => !keep.includes(m)));
      } else if (JSON.stringify(next) !== JSON.stringify(q)) await saveQuotation(tx, next, q, undefined, members);
      anchoredHere.push({ q: next, members: keep });
    }
    await mergeSameWords(tx, passage, anchoredHere);
  }
  for (const m of ejected) await rejoin(tx, m);
}

/**
 * The quotations that share words with a (primary) text, window by window along it: a long speech
 * turn holds many short quotations, and each window ranks the quotations sharing its words as a
 * lookup of those words would. Every quotation sharing its words is taken (no floor): the decision
 * must not depend on which other quotations happen to be in the index yet.
 */
async function quotationsAlong(tx: Tx, text: string, tokens: Token[]): Promise<string[]> {
  const windows: QueryFeature[][] = [];
  for (let at = 0; at < tokens.length; at += ANCHOR_WINDOW_WORDS / 2) {
    const slice = tokens.slice(at, at + ANCHOR_WINDOW_WORDS);
    if (!slice.length) break;
    const words = tokenize(text.slice(slice[0].start, slice[slice.length - 1].end));
    if (isLookupable(words)) windows.push(queryFeatures(words));
    if (at + ANCHOR_WINDOW_WORDS >= tokens.length) break;
  }
  return candidateIdsOfWindows(tx.kv, windows, 'quotations', tx.stats, 48, 0);
}

/** A print that left its quotation joins or founds another, and its article's membership follows. */
async function rejoin(tx: Tx, m: QuotationMember) {
  const excerpt = await tx.kv.get<Excerpt>(keys.excerpt(m.excerptId), 'json');
  if (!excerpt) return;
  const renamed = new Map<string, string>();
  let id = await joinMember(tx, excerpt, m, renamed);
  while (renamed.has(id)) id = renamed.get(id)!;
  const list = await readMemberships(tx.kv, m.articleId);
  const next = list.map((x) => (x.excerptId === m.excerptId && x.start === m.start ? { ...x, quotationId: id } : x));
  if (JSON.stringify(next) !== JSON.stringify(list)) await tx.put(membershipsKey(m.articleId), next);
}

/** Where a quotation's words sit in a primary text: its original's wording, else one of its printed wordings. */
function fitAny(text: string, q: Quotation, tokens: Token[] = tokenize(text), prepared?: Map<string, PreparedQuery>, words?: TextWords): SpanFit | null {
  for (const w of [q.original.exact, ...q.appearances.variants.map((v) => v.wording)]) {
    let query = prepared?.get(w);
    if (!query) {
      query = prepare(tokenize(w));
      prepared?.set(w, query);
    }
    const fit = fitWords(text, query, SCORE_THRESHOLD, tokens, words);
    if (fit) return fit;
  }
  return null;
}

/** Quotations anchored on overlapping words of one primary passage are one quotation: the smallest id keeps them all. */
async function mergeSameWords(tx: Tx, passage: Passage, anchored: { q: Quotation; members: QuotationMember[] }[]) {
  if (anchored.length < 2) return;
  const tokens = tokenize(passage.head.text);
  const range = (q: Quotation) => wordRange(tokens, q.original.start, q.original.end);
  const sorted = [...anchored].sort((a, b) => (a.q.id < b.q.id ? -1 : 1));
  const gone = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    const keep = sorted[i];
    if (gone.has(keep.q.id)) continue;
    let members = keep.members;
    const absorbed: { q: Quotation; members: QuotationMember[] }[] = [];
    for (let j = i + 1; j < sorted.length; j++) {
      const other = sorted[j];
      if (gone.has(other.q.id) || !sameWords(range(keep.q), range(other.q))) continue;
      absorbed.push(other);
      gone.add(other.q.id);
      members = [...members, ...other.members];
    }
    if (!absorbed.length) continue;
    const merged = quotationFrom(keep.q.id, mergedOriginal([keep.q.original, ...absorbed.map((a) => a.q.original)], members), members, passage.id);
    await saveQuotation(tx, merged, keep.q, { now: members, was: keep.members });
    for (const other of absorbed) {
      await deleteQuotation(tx, other.q);
      await repointMemberships(tx, other.members, other.q.id, keep.q.id);
    }
    keep.members = members;
    keep.q = merged;
  }
}

/** Quotations anchored in passages that lost their primary copy (or changed it) find a new original. */
async function reanchorFrom(tx: Tx, passageIds: string[], passageTexts: Map<string, string>) {
  const gone = new Set(passageIds);
  for (const pid of passageIds) {
    const text = passageTexts.get(pid);
    if (!text) continue;
    const found = await quotationsAlong(tx, text, tokenize(text));
    for (const id of found.sort()) {
      const q = await tx.quotation(id);
      if (!q || q.anchorPassageId !== pid) continue;
      const members = await readMembers(tx.kv, q);
      await reresolve(tx, q, members, gone);
    }
  }
}

/** A quotation's original from scratch: the best primary holding its words, else its earliest member. */
async function reresolve(tx: Tx, q: Quotation, members: QuotationMember[], excludePassages: Set<string>) {
  const sorted = [...members].sort(compareAppearances);
  const facts = printFacts(members, { published: q.original.article.published, speaker: q.original.speaker, wording: q.original.exact });
  const wordings = [...new Set([q.original.exact, ...sorted.map((m) => m.wording)])].slice(0, 3);
  for (const w of wordings) {
    const anchor = bestPrimary(await unitsFor(tx, w, 'passages'), { ...facts, wording: w }, excludePassages);
    if (anchor) {
      await saveQuotation(tx, quotationFrom(q.id, primaryRef(anchor.passage.head, anchor.fit), members, anchor.passage.id), q, undefined, members);
      return;
    }
  }
  const earliest = sorted[0];
  const excerpt = earliest ? await tx.kv.get<Excerpt>(keys.excerpt(earliest.excerptId), 'json') : null;
  if (!earliest || !excerpt) {
    await deleteQuotation(tx, q);
    return;
  }
  await saveQuotation(tx, quotationFrom(q.id, reportRef(excerpt, earliest), members), q, undefined, members);
}

/** A report's quotes leave their quotations; a quotation founded on them falls back to its next earliest print. */
async function leaveQuotations(tx: Tx, articleId: string) {
  const memberships = await readMemberships(tx.kv, articleId);
  if (!memberships.length) return;
  const byQuotation = new Map<string, Membership[]>();
  for (const m of memberships) byQuotation.set(m.quotationId, [...(byQuotation.get(m.quotationId) ?? []), m]);
  for (const [id] of [...byQuotation].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const q = await tx.quotation(id);
    if (!q) continue;
    const was = await readMembers(tx.kv, q);
    const now = was.filter((m) => m.articleId !== articleId);
    if (now.length === was.length) continue;
    if (now.length === 0) {
      await deleteQuotation(tx, q);
      continue;
    }
    await writeChunks(tx, (n) => keys.quotationMembers(id, n), now, was);
    if (q.original.kind === 'earliest-report' && q.original.article.id === articleId) {
      await reresolve(tx, { ...q, appearances: { ...q.appearances, count: now.length } }, now, new Set());
    } else {
      await saveQuotation(tx, quotationFrom(id, q.original, now, q.anchorPassageId), q, undefined, now);
    }
  }
  await tx.del(membershipsKey(articleId));
}

/* ---------- pages ---------- */

async function putPage(tx: Tx, article: Article, excerpts: Excerpt[]) {
  if (!article.url) return;
  const page: PageRecord = {
    article: excerpts[0]?.article ?? {
      id: article.id,
      kind: article.kind,
      url: article.url,
      title: article.title,
      publisher: article.publisher,
      published: article.published,
      language: article.language,
    },
    passages: [...new Set(excerpts.map((e) => e.passageId))],
    excerpts: Object.fromEntries(excerpts.map((e) => [e.passageId, e.id])),
  };
  await tx.put(pageKeyFor(article.url), page);
}

async function deletePage(tx: Tx, article: Article) {
  if (!article.url) return;
  const key = pageKeyFor(article.url);
  const page = await tx.kv.get<PageRecord>(key, 'json');
  if (page?.article.id === article.id) await tx.del(key);
}

/* ---------- entry points ---------- */

/** Files an article's provenance: its passages, its page, its quotes' quotations (a report) or the quotations it anchors (a primary). */
export async function publishProvenance(kv: KV, article: Article, excerpts: Excerpt[]): Promise<ProvenanceReport> {
  const tx = new Tx(kv, article.updatedAt || new Date().toISOString());
  const headsChanged = await addCopies(tx, article, excerpts);
  await putPage(tx, article, excerpts);
  if (article.kind === 'report') await joinQuotations(tx, article, excerpts);
  else await anchorIn(tx, [...new Set(excerpts.map((e) => e.passageId))]);
  // A primary copy that became a passage's best copy for an existing anchor: refresh those records.
  if (article.kind === 'primary' && headsChanged.length) await anchorIn(tx, headsChanged);
  return { keysWritten: tx.written, keysDeleted: tx.deleted, quotations: tx.quotations.size };
}

/** Withdraws everything `publishProvenance` filed for an article (retraction, or before an update). */
export async function retractProvenance(kv: KV, article: Article, excerpts: Excerpt[]): Promise<ProvenanceReport> {
  const tx = new Tx(kv, article.updatedAt || new Date().toISOString());
  await leaveQuotations(tx, article.id);
  const texts = new Map(excerpts.map((e) => [e.passageId, e.text]));
  const changed = await removeCopies(tx, article.id, excerpts);
  if (article.kind === 'primary') {
    // Passages that lost a primary copy: their quotations look for another primary, else their earliest report.
    const stillPrimary = await getMany<Passage>(kv, [...texts.keys()].map(keys.passage));
    const lost = [...texts.keys()].filter((id) => {
      const p = stillPrimary.get(keys.passage(id));
      return !p || p.primaryCopies === 0 || changed.includes(id);
    });
    await reanchorFrom(tx, lost, texts);
    // A passage still held by another primary copy keeps its quotations, with the new copy as original.
    const kept = lost.filter((id) => (stillPrimary.get(keys.passage(id))?.primaryCopies ?? 0) > 0);
    if (kept.length) await anchorIn(tx, kept);
  }
  await deletePage(tx, article);
  return { keysWritten: tx.written, keysDeleted: tx.deleted, quotations: tx.quotations.size };
}
