/**
 * What the coordinator can do to the index: the ingestion library's own writers (the ones
 * `npm run ingest` uses), run against the coordinator's KV. Expected failures (bad article, unknown
 * id) become a reply; anything else propagates and leaves the object's state untouched.
 */
import { InputError } from '../core/errors';
import type { ArticleSource, ClaimSource } from '../core/types';
import {
  deleteArticle,
  deleteClaim,
  putArticle,
  putClaims,
  type ClaimDeleteReport,
  type ClaimsReport,
  type DeleteReport,
  type IngestReport,
} from '../store/records';
import type { KV } from '../store/kv';

export type CoordinatorOperation =
  | { kind: 'publish'; source: ArticleSource }
  | { kind: 'retract'; articleId: string }
  | { kind: 'put-claim'; claim: ClaimSource & { id: string } }
  | { kind: 'retract-claim'; claimId: string };

export interface OperationResult {
  ok: true;
  status: IngestReport['status'] | 'deleted';
  /** What the ingestion library reported (records written, index keys touched). */
  report: IngestReport | DeleteReport | ClaimsReport | ClaimDeleteReport;
}

export type OperationReply = OperationResult | { ok: false; status: 404 | 422; detail: string };

export async function applyOperation(kv: KV, op: CoordinatorOperation): Promise<OperationReply> {
  if (op.kind === 'put-claim') {
    // PUT replaces the claim's record (its reviews and appearances are exactly the ones sent).
    const report = await putClaims(kv, [op.claim], { replace: true });
    return { ok: true, status: report.created ? 'created' : report.updated ? 'updated' : 'unchanged', report };
  }
  if (op.kind === 'retract-claim') {
    const report = await deleteClaim(kv, op.claimId);
    if (!report.deleted) return { ok: false, status: 404, detail: `No claim with id "${op.claimId}".` };
    return { ok: true, status: 'deleted', report };
  }
  if (op.kind === 'publish') {
    let report: IngestReport;
    try {
      // Background work sharing a thread with requests: the record build gives way to them (core/slices.ts).
      report = await putArticle(kv, op.source, { giveWay: true });
    } catch (err) {
      // The library's word on what it cannot use; anything else (a bug, a KV failure) propagates.
      if (err instanceof InputError) return { ok: false, status: 422, detail: err.message };
      throw err;
    }
    return { ok: true, status: report.status, report };
  }
  const report = await deleteArticle(kv, op.articleId);
  if (!report.deleted) return { ok: false, status: 404, detail: `No article with id "${op.articleId}".` };
  return { ok: true, status: 'deleted', report };
}
