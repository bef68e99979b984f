/**
 * A structured-data validator for ClaimReview JSON-LD, run by the tests on every document the API
 * serves. No off-the-shelf validator covers ClaimReview offline (Google's Rich Results Test is an
 * online service; @adobe/structured-data-validator has no ClaimReview handler and needs the schema.org
 * vocabulary fetched from the network), so this checks, from the published rules:
 * - Google's ClaimReview guidelines (developers.google.com/search/docs/appearance/structured-data/
 *   factcheck): required `claimReviewed`, `reviewRating` with `alternateName`, `url`; recommended
 *   `author`, `datePublished`, `itemReviewed` as a `Claim` with `author`, `datePublished`, `appearance`;
 *   a rating's value inside `worstRating`–`bestRating`;
 * - schema.org: each node's `@type` is known here and each property belongs to that type (the
 *   properties of ClaimReview, Claim, Rating, CreativeWork, Organization and Person, with their
 *   inherited CreativeWork/Thing properties, as listed on schema.org); dates are ISO 8601 Date or
 *   DateTime; URLs absolute; `@graph` documents are `{"@context", "@graph": [...]}`.
 * Returns the problems found (empty = valid), each with its JSON path.
 */

const THING = ['@type', '@id', 'name', 'url', 'description', 'sameAs', 'identifier', 'image', 'alternateName'];
const CREATIVE_WORK = [...THING, 'author', 'datePublished', 'dateCreated', 'dateModified', 'inLanguage', 'headline', 'publisher', 'text', 'keywords', 'about'];

/** schema.org properties per type (subset of the vocabulary this API emits or may emit). */
const PROPERTIES: Record<string, string[]> = {
  ClaimReview: [...CREATIVE_WORK, 'claimReviewed', 'itemReviewed', 'reviewRating', 'reviewBody', 'reviewAspect'],
  Claim: [...CREATIVE_WORK, 'appearance', 'firstAppearance', 'claimInterpreter'],
  Rating: [...THING, 'ratingValue', 'bestRating', 'worstRating', 'ratingExplanation', 'reviewAspect', 'author'],
  CreativeWork: CREATIVE_WORK,
  Organization: [...THING, 'logo', 'legalName'],
  Person: [...THING, 'jobTitle', 'affiliation'],
};

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const ABSOLUTE_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;

type Node = Record<string, unknown>;

export function validateClaimReviewDocument(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['$: a JSON-LD document is one object (several reviews go in an @graph)'];
  const root = doc as Node;
  if (root['@context'] !== 'https://schema.org') fail('$', '@context must be "https://schema.org"');

  const checkNode = (node: unknown, path: string, expected?: string[]): Node | null => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) {
      fail(path, 'must be an object');
      return null;
    }
    const n = node as Node;
    const type = n['@type'];
    if (typeof type !== 'string' || !PROPERTIES[type]) {
      fail(path, `@type ${JSON.stringify(type)} is not one of ${Object.keys(PROPERTIES).join(', ')}`);
      return null;
    }
    if (expected && !expected.includes(type)) fail(path, `@type must be ${expected.join(' or ')}, not ${type}`);
    for (const key of Object.keys(n)) {
      if (key === '@context' && path === '$') continue;
      if (!PROPERTIES[type].includes(key)) fail(`${path}.${key}`, `is not a schema.org property of ${type}`);
    }
    for (const key of ['datePublished', 'dateCreated', 'dateModified']) {
      if (key in n && (typeof n[key] !== 'string' || !ISO_DATE.test(n[key] as string)))
        fail(`${path}.${key}`, `must be an ISO 8601 date, not ${JSON.stringify(n[key])}`);
    }
    if ('url' in n && (typeof n.url !== 'string' || !ABSOLUTE_URL.test(n.url)))
      fail(`${path}.url`, `must be an absolute http(s) URL, not ${JSON.stringify(n.url)}`);
    if ('name' in n && (typeof n.name !== 'string' || !n.name.trim())) fail(`${path}.name`, 'must be a non-empty string');
    return n;
  };

  const checkAgent = (v: unknown, path: string) => {
    const n = checkNode(v, path, ['Person', 'Organization']);
    if (n && typeof n.name !== 'string') fail(path, 'needs a name');
  };

  const checkClaimReview = (v: unknown, path: string) => {
    const n = checkNode(v, path, ['ClaimReview']);
    if (!n) return;
    // Google: required.
    if (typeof n.claimReviewed !== 'string' || !n.claimReviewed.trim()) fail(`${path}.claimReviewed`, 'is required');
    if (typeof n.url !== 'string') fail(`${path}.url`, 'is required');
    const rating = checkNode(n.reviewRating, `${path}.reviewRating`, ['Rating']);
    if (rating) {
      if (typeof rating.alternateName !== 'string' || !rating.alternateName.trim())
        fail(`${path}.reviewRating.alternateName`, 'is required (the verdict in words)');
      if ('ratingValue' in rating) {
        const [value, best, worst] = [rating.ratingValue, rating.bestRating ?? 5, rating.worstRating ?? 1];
        if (![value, best, worst].every((x) => typeof x === 'number')) fail(`${path}.reviewRating`, 'ratingValue, bestRating and worstRating must be numbers');
        else if ((value as number) < (worst as number) || (value as number) > (best as number))
          fail(`${path}.reviewRating.ratingValue`, `${value} is outside ${worst}–${best}`);
      }
    }
    // Google: recommended, and always sent by this API.
    if (n.author === undefined) fail(`${path}.author`, 'is missing');
    else checkAgent(n.author, `${path}.author`);
    const claim = checkNode(n.itemReviewed, `${path}.itemReviewed`, ['Claim']);
    if (claim) {
      if (claim.author === undefined) fail(`${path}.itemReviewed.author`, 'is missing');
      else checkAgent(claim.author, `${path}.itemReviewed.author`);
      const appearances = Array.isArray(claim.appearance) ? claim.appearance : claim.appearance === undefined ? [] : [claim.appearance];
      if (!appearances.length) fail(`${path}.itemReviewed.appearance`, 'is missing');
      appearances.forEach((a, i) => {
        checkNode(a, `${path}.itemReviewed.appearance[${i}]`, ['CreativeWork']);
      });
      if (claim.firstAppearance !== undefined) checkNode(claim.firstAppearance, `${path}.itemReviewed.firstAppearance`, ['CreativeWork']);
    }
  };

  if ('@graph' in root) {
    const extra = Object.keys(root).filter((k) => k !== '@context' && k !== '@graph');
    if (extra.length) fail('$', `an @graph document holds only @context and @graph, not ${extra.join(', ')}`);
    if (!Array.isArray(root['@graph']) || root['@graph'].length < 2) fail('$.@graph', 'must be an array of ClaimReviews (several reviews)');
    else for (const [i, r] of root['@graph'].entries()) checkClaimReview(r, `$.@graph[${i}]`);
  } else if (root['@type'] === 'Claim') {
    const claim = checkNode(root, '$', ['Claim']);
    if (claim && claim.author !== undefined) checkAgent(claim.author, '$.author');
  } else checkClaimReview(root, '$');
  return problems;
}
