/**
 * The ClaimReviews in a fact-check page's JSON-LD (worker/core/extract/claim-review.ts converts them).
 * A file of its own because it needs a DOM (linkedom): the public worker imports the rest of
 * claim-review.ts (ratings, ClaimReview ↔ claim) and must not carry an HTML parser (docs/sources.md).
 */
import { boundMarkup } from './bounds';
import { decodeHtml } from './charset';
import { claimsFromClaimReviewJson, mergeSameClaims, type ClaimImport } from './claim-review';
import { type DomDocument, parseDocument } from './dom';

/** The page URL a fact-check page declares (canonical, og:url), for reviews that name none. */
function pageUrlOf(document: DomDocument): string {
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim() ?? '';
  const og = document.querySelector('meta[property="og:url"]')?.getAttribute('content')?.trim() ?? '';
  return [canonical, og].find((u) => /^https?:\/\/\S+$/i.test(u)) ?? '';
}

/**
 * The ClaimReviews in a fact-check page's JSON-LD. Malformed blocks are reported, never thrown:
 * real pages carry broken JSON-LD beside good blocks.
 */
export function claimsFromHtml(bytes: Uint8Array | string, pageUrl = ''): ClaimImport & { blocks: number } {
  const { text: html } = decodeHtml(bytes);
  // Cheap test first: most pages have no ClaimReview and need no DOM.
  if (!/ClaimReview/.test(html)) return { format: 'claimreview', claims: [], rejected: [], blocks: 0 };
  // Bounded like the article extraction (bounds.ts): no markup shape makes this parse slow.
  const document = parseDocument(boundMarkup(html).html);
  const url = pageUrl || pageUrlOf(document);
  const out: ClaimImport & { blocks: number } = { format: 'claimreview', claims: [], rejected: [], blocks: 0 };
  [...document.querySelectorAll('script[type="application/ld+json"]')].forEach((script, i) => {
    let doc: unknown;
    try {
      doc = JSON.parse((script.textContent ?? '').trim().replace(/^<!--|-->$/g, ''));
    } catch (e) {
      out.rejected.push({ where: `JSON-LD block ${i + 1}`, message: `invalid JSON (${(e as Error).message})` });
      return;
    }
    out.blocks++;
    const got = claimsFromClaimReviewJson(doc, { pageUrl: url });
    out.claims.push(...got.claims);
    out.rejected.push(...got.rejected.map((r) => ({ where: `JSON-LD block ${i + 1}, ${r.where}`, message: r.message })));
  });
  out.claims = mergeSameClaims(out.claims);
  return out;
}
