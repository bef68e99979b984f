/**
 * QuoteSource data model: defined once, shared by the worker, the ingest CLI, the widget, the bench
 * and the tests. Stored records (KV values) and API shapes both come from here.
 */

/** A news article as stored (`v1:article:{id}`). Unknown fields are empty strings, never invented. */
export interface Article {
  /** Stable id: from the source's own `id`, else derived from its URL, else from title + date. [a-z0-9-]{1,80} */
  id: string;
  url: string;
  title: string;
  publisher: string;
  author: string;
  /** ISO date (YYYY-MM-DD) or full ISO timestamp; '' when unknown. */
  published: string;
  /** BCP 47 language tag, '' when unknown. */
  language: string;
  /** sha-256 (hex) of the normalised source content; re-ingesting identical content changes nothing. */
  contentHash: string;
  /** Ids of this article's excerpts in reading order. */
  excerptIds: string[];
  /** ISO timestamp of the ingest that wrote this version. */
  updatedAt: string;
}

/** The article fields a Match or an excerpt carries, so a lookup needs no extra KV read. */
export type ArticleSummary = Pick<Article, 'id' | 'url' | 'title' | 'publisher' | 'published' | 'language'>;

export interface Speaker {
  name: string;
  /** Appositive role when the text gives one, e.g. "Secretary-General of the United Nations". */
  role?: string;
}

/** A speaker-attributed span inside an excerpt. Offsets are UTF-16 indices into `Excerpt.text`. */
export interface Quote {
  /** `{excerptId}~q{n}` */
  id: string;
  excerptId: string;
  /** Start (inclusive) / end (exclusive) of the quoted words, quotation marks excluded. */
  start: number;
  end: number;
  text: string;
  speaker?: Speaker;
  /** The attribution verb as written ("said", "told reporters", "added"). */
  cue?: string;
  kind: 'direct' | 'indirect';
  /** A direct quote that is only a fragment inside the reporter's own sentence (`called it "a huge win"`). */
  partial?: boolean;
}

/** A paragraph-sized passage (`v1:excerpt:{id}`), stored with everything a lookup answer needs. */
export interface Excerpt {
  /** `{articleId}~{position}` */
  id: string;
  articleId: string;
  /** 0-based position in the article. */
  position: number;
  text: string;
  quotes: Quote[];
  article: ArticleSummary;
  prevId?: string;
  nextId?: string;
  /** Claims that appear in this excerpt (filled when claims are linked), small summaries only. */
  claims: ClaimSummary[];
}

/** schema.org ClaimReview fields (as Google's Fact Check Tools documents them). */
export interface Review {
  publisher: { name: string; site: string };
  url: string;
  title: string;
  /** ISO date. */
  reviewDate: string;
  textualRating: string;
  ratingValue?: number;
  bestRating?: number;
  worstRating?: number;
  /** Short explanation of the verdict, plain text. */
  explanation: string;
  languageCode: string;
}

export interface ClaimAppearance {
  url: string;
  articleId?: string;
  excerptId?: string;
}

/** A checkable claim (`v1:claim:{id}`), with its reviews. */
export interface Claim {
  /** Stable id derived from claimant + normalised text. */
  id: string;
  text: string;
  claimant: string;
  /** ISO date, '' when unknown. */
  claimDate: string;
  languageCode: string;
  appearances: ClaimAppearance[];
  reviews: Review[];
  /** Set for sample data that is not a real published fact-check. */
  sample?: boolean;
}

export type ClaimSummary = Pick<Claim, 'id' | 'text' | 'claimant' | 'claimDate'> & {
  reviews: Pick<Review, 'publisher' | 'url' | 'textualRating' | 'reviewDate'>[];
};

/* ---------- source formats (what ingestion reads) ---------- */

/**
 * The project's own article format (`*.json`): metadata plus the body as plain text, paragraphs
 * separated by blank lines. Everything but `title` and `body` may be omitted.
 */
export interface ArticleSource {
  id?: string;
  url?: string;
  title: string;
  publisher?: string;
  author?: string;
  published?: string;
  language?: string;
  body: string;
}

/** The project's claims format (`*.claims.json`): `{ "claims": ClaimSource[] }`. */
export interface ClaimSource {
  id?: string;
  text: string;
  claimant?: string;
  claimDate?: string;
  languageCode?: string;
  appearances?: ClaimAppearance[];
  reviews?: Review[];
  sample?: boolean;
}

/* ---------- lookup API shapes ---------- */

/** W3C TextQuoteSelector, the body of `POST /v1/lookup`. */
export interface TextQuoteSelector {
  exact: string;
  prefix?: string;
  suffix?: string;
}

export type EditKind = 'insert' | 'delete' | 'replace';

/** Why an edit changes meaning. */
export type MeaningChange = 'negation' | 'number' | 'quantifier';

/** A word-level edit from the source wording to the highlighted text. */
export interface Difference {
  kind: EditKind;
  /** Source words removed or replaced ('' for insert). */
  source: string;
  /** Highlighted words added or put in their place ('' for delete). */
  quoted: string;
  /** Offsets of `source` in the excerpt text (for insert: a zero-width point). */
  sourceStart: number;
  sourceEnd: number;
  /** Set when the edit changes meaning. */
  meaning?: MeaningChange;
  /** Set when the edit lies in the next excerpt (a highlight spanning two excerpts); offsets are then in that excerpt's text. */
  excerptId?: string;
}

export interface Match {
  /** Calibrated confidence 0–1; nothing under the threshold is ever returned. */
  score: number;
  excerpt: { id: string; text: string; articleId: string; position: number };
  article: ArticleSummary;
  quote: { exact: string; prefix: string; suffix: string; start: number; end: number };
  speaker?: Speaker;
  differences: Difference[];
  /** True when any difference changes meaning (negation, number, quantifier). */
  altered: boolean;
  claims: ClaimSummary[];
  /**
   * When the highlight runs on into the next excerpt (`quote` then ends at the end of this one): the
   * rest of the span, in that excerpt's own characters.
   */
  continuation?: { excerptId: string; exact: string; start: number; end: number };
}

export interface LookupResponse {
  matches: Match[];
}
