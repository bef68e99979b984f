/**
 * Findings: what ingestion learns when it links a report's quote to the speaker's own record and the
 * report prints the words altered in meaning, or credits them to someone else. Pure: derived from a
 * quotation (its primary original) and its members, by the same rules as the answers (differences
 * against the original, `isAltered`, `sameSpeaker`); the store files and lists them.
 *
 * A finding is a lead for a fact-checker, never a verdict: its ClaimReview is a draft
 * (`creativeWorkStatus: Draft`) naming the evidence, for a person to review and publish.
 *
 * Invariants:
 * - Only a quotation whose original is a primary record yields findings (an earliest report is
 *   no authority on the words).
 * - A finding's id depends only on the print (excerpt and offset) and its kind, so recomputing a
 *   quotation gives the same ids; a corrected or retracted print loses its finding.
 */
import { isAltered } from './diff';
import { featureKey } from './features';
import { appearanceOf, differencesFromOriginal, sameSpeaker } from './provenance';
import type { Difference, Quotation, QuotationMember, SourceRef, Speaker } from './types';

export type FindingKind = 'misquoted' | 'misattributed';

export interface Finding {
  id: string;
  kind: FindingKind;
  /** When it was found (ISO): the publish that linked the print to the record. */
  found: string;
  quotationId: string;
  /** The report's print. */
  appearance: { articleId: string; excerptId: string; url: string; title: string; publisher: string; published: string; wording: string; speaker?: Speaker };
  /** The report's site: its URL's host without `www.` ('' without a URL). */
  site: string;
  /** The speaker's own record. */
  original: Pick<SourceRef, 'article' | 'exact' | 'speaker'> & { excerptId: string };
  /** From the original's words to the print's (misquoted). */
  differences: Difference[];
  /** Who the print credits and who said the words (misattributed). */
  misattribution?: { credited: string; original: string };
}

export const findingIdFor = (m: Pick<QuotationMember, 'excerptId' | 'start'>, kind: FindingKind) => `f${featureKey(`${m.excerptId}@${m.start}#${kind}`)}`;

export function siteOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** The findings a quotation's members give (`found` left for the store to fill). */
export function findingsOf(q: Quotation, members: QuotationMember[]): Omit<Finding, 'found'>[] {
  const o = q.original;
  if (o.kind !== 'primary') return [];
  const original = { article: o.article, exact: o.exact, excerptId: o.excerpt.id, ...(o.speaker ? { speaker: o.speaker } : {}) };
  const diffs = new Map<string, Difference[]>();
  const out: Omit<Finding, 'found'>[] = [];
  for (const m of members) {
    const appearance = { ...appearanceOf(m), ...(m.speaker ? { speaker: m.speaker } : {}) };
    const base = { quotationId: q.id, appearance, site: siteOf(m.url), original };
    if (m.speaker?.name && o.speaker?.name && !sameSpeaker(m.speaker.name, o.speaker)) {
      out.push({
        ...base,
        id: findingIdFor(m, 'misattributed'),
        kind: 'misattributed',
        differences: [],
        misattribution: { credited: m.speaker.name, original: o.speaker.name },
      });
    }
    let d = diffs.get(m.wording);
    if (!d) diffs.set(m.wording, (d = differencesFromOriginal(o, m.wording)));
    if (isAltered(d)) out.push({ ...base, id: findingIdFor(m, 'misquoted'), kind: 'misquoted', differences: d });
  }
  return out;
}

type JsonLd = Record<string, unknown>;

/**
 * A ClaimReview-shaped draft for a fact-checker: the report's print is the item reviewed, the
 * speaker's record the evidence. Marked a draft, with no author: QuoteSource does not publish verdicts.
 */
export function findingClaimReviewDraft(f: Finding, origin?: string): JsonLd {
  const said = f.original.speaker?.name;
  const rating = f.kind === 'misquoted' ? 'Misquoted' : 'Misattributed';
  const explanation =
    f.kind === 'misquoted'
      ? `The record has "${f.original.exact}"; the report prints "${f.appearance.wording}".`
      : `The report credits the words to ${f.misattribution?.credited}; the record has them from ${f.misattribution?.original}.`;
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    creativeWorkStatus: 'Draft',
    // The configured public origin only (core/public-origin.ts); without one the draft has no self-link.
    ...(origin ? { url: `${origin}/v1/findings/${encodeURIComponent(f.id)}` } : {}),
    claimReviewed: f.appearance.wording,
    reviewBody: explanation,
    reviewRating: { '@type': 'Rating', alternateName: rating },
    itemReviewed: {
      '@type': 'Claim',
      ...(f.appearance.speaker?.name ? { author: { '@type': 'Person', name: f.appearance.speaker.name } } : {}),
      ...(f.appearance.published ? { datePublished: f.appearance.published } : {}),
      appearance: [
        {
          '@type': 'CreativeWork',
          ...(f.appearance.url ? { url: f.appearance.url } : {}),
          ...(f.appearance.title ? { headline: f.appearance.title } : {}),
          ...(f.appearance.publisher ? { publisher: { '@type': 'Organization', name: f.appearance.publisher } } : {}),
        },
      ],
    },
    isBasedOn: {
      '@type': 'CreativeWork',
      ...(f.original.article.url ? { url: f.original.article.url } : {}),
      headline: f.original.article.title,
      ...(f.original.article.published ? { datePublished: f.original.article.published } : {}),
      ...(said ? { author: { '@type': 'Person', name: said } } : {}),
      text: f.original.exact,
    },
  };
}
