/**
 * Findings in KV: filed by the provenance writer whenever a quotation's members or original change
 * (store/provenance), listed newest first for `GET /v1/findings`.
 *
 * Layout: the record (`finding:{id}`); two listing keys whose names sort newest first, one for all
 * findings and one per site (KV lists keys in name order, so a page of the listing is one `list`
 * plus one bulk get); and per quotation the ids and listing keys it filed (`qf:{quotationId}`), so a
 * recompute withdraws exactly what no longer holds. A finding that still holds keeps its record and
 * its place in the listing (its `found` time is when it was first found).
 */
import { findingsOf, type Finding } from '../core/findings';
import type { Quotation, QuotationMember } from '../core/types';
import { keys } from './keys';
import { getMany, type KV } from './kv';

/** What the provenance writer gives: KV reads, and counted writes. */
export interface FindingsWriter {
  kv: KV;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  /** The time of this publish (ISO). */
  now: string;
}

interface Filed {
  id: string;
  order: string;
  site: string;
}

/** A string that sorts later times first: milliseconds before year 2286, zero-padded. */
const orderOf = (iso: string) => String(9_999_999_999_999 - Math.max(0, Date.parse(iso) || 0)).padStart(13, '0');

/** Files the quotation's findings (all of its members given), withdrawing those that no longer hold. */
export async function refreshFindings(w: FindingsWriter, q: Quotation, members: QuotationMember[]) {
  const before = (await w.kv.get<Filed[]>(keys.quotationFindings(q.id), 'json')) ?? [];
  const now = findingsOf(q, members);
  if (!before.length && !now.length) return;
  const kept = new Map(before.map((f) => [f.id, f]));
  const existing = await getMany<Finding>(
    w.kv,
    now.filter((f) => kept.has(f.id)).map((f) => keys.finding(f.id)),
  );
  const filed: Filed[] = [];
  for (const f of now) {
    const old = existing.get(keys.finding(f.id)) ?? null;
    const found = old?.found ?? w.now;
    const record: Finding = { ...f, found };
    const entry = { id: f.id, order: orderOf(found), site: f.site };
    filed.push(entry);
    if (!old || JSON.stringify(old) !== JSON.stringify(record)) await w.put(keys.finding(f.id), record);
    if (!old) {
      await w.put(keys.findingsByTime(entry.order, f.id), '1');
      if (f.site) await w.put(keys.findingsBySite(f.site, entry.order, f.id), '1');
    }
  }
  const stillThere = new Set(filed.map((f) => f.id));
  for (const f of before) if (!stillThere.has(f.id)) await withdraw(w, f);
  if (filed.length) {
    if (JSON.stringify(filed) !== JSON.stringify(before)) await w.put(keys.quotationFindings(q.id), filed);
  } else await w.del(keys.quotationFindings(q.id));
}

/** Files the findings of members just added to a quotation whose other members are unchanged. */
export async function addFindings(w: FindingsWriter, q: Quotation, added: QuotationMember[]) {
  const fresh = findingsOf(q, added);
  if (!fresh.length) return;
  const before = (await w.kv.get<Filed[]>(keys.quotationFindings(q.id), 'json')) ?? [];
  const filed = [...before];
  for (const f of fresh) {
    if (filed.some((x) => x.id === f.id)) continue;
    const entry = { id: f.id, order: orderOf(w.now), site: f.site };
    await w.put(keys.finding(f.id), { ...f, found: w.now } satisfies Finding);
    await w.put(keys.findingsByTime(entry.order, f.id), '1');
    if (f.site) await w.put(keys.findingsBySite(f.site, entry.order, f.id), '1');
    filed.push(entry);
  }
  if (filed.length !== before.length) await w.put(keys.quotationFindings(q.id), filed);
}

/** Withdraws every finding of a quotation (it is deleted or merged away). */
export async function dropFindings(w: FindingsWriter, quotationId: string) {
  const before = (await w.kv.get<Filed[]>(keys.quotationFindings(quotationId), 'json')) ?? [];
  for (const f of before) await withdraw(w, f);
  if (before.length) await w.del(keys.quotationFindings(quotationId));
}

async function withdraw(w: FindingsWriter, f: Filed) {
  await w.del(keys.finding(f.id));
  await w.del(keys.findingsByTime(f.order, f.id));
  if (f.site) await w.del(keys.findingsBySite(f.site, f.order, f.id));
}

export interface FindingsPage {
  findings: Finding[];
  nextPageToken?: string;
}

/**
 * One page of findings, newest first: all, or one site's (its subdomains are their own sites), found
 * at or after `since`. The page token is KV's listing cursor.
 */
export async function listFindings(kv: KV, opts: { since?: string; site?: string; pageToken?: string; pageSize: number }): Promise<FindingsPage> {
  const prefix = opts.site ? keys.findingsBySite(opts.site, '', '').slice(0, -1) : keys.findingsByTime('', '').slice(0, -1);
  const page = await kv.list({ prefix, limit: opts.pageSize, ...(opts.pageToken ? { cursor: opts.pageToken } : {}) });
  const sinceOrder = opts.since ? orderOf(opts.since) : null;
  const wanted: string[] = [];
  let older = false;
  for (const { name } of page.keys) {
    const [order, id] = name.slice(prefix.length).split(':');
    // Newest first: once past `since`, everything after is older still.
    if (sinceOrder && order > sinceOrder) {
      older = true;
      break;
    }
    wanted.push(id);
  }
  const got = await getMany<Finding>(kv, wanted.map(keys.finding));
  const findings = wanted.map((id) => got.get(keys.finding(id))).filter((f): f is Finding => !!f);
  return { findings, ...(!older && !page.list_complete && page.cursor ? { nextPageToken: page.cursor } : {}) };
}

export async function getFinding(kv: KV, id: string): Promise<Finding | null> {
  return kv.get<Finding>(keys.finding(id), 'json');
}
