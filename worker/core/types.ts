/**
 * QuoteSource data model: defined once, shared by the worker, the ingest CLI, the widget, the bench
 * and the tests. Stored records (KV values) and API shapes both come from here.
 */

/**
 * What an article is to provenance. `primary`: the speaker's own record (transcript, prepared remarks,
 * press release, statement, interview transcript, official document, the speaker's own post).
 * `report`: coverage that quotes someone. Ingestion defaults to `report`: a document is only trusted
 * as the speaker's own words when whoever loads it says so.
 */
export type ArticleKind = 'primary' | 'report';
export const ARTICLE_KINDS: readonly ArticleKind[] = ['primary', 'report'];

/** A news article as stored (`v2:article:{id}`). Unknown fields are empty strings, never invented. */
export interface Article {
  kind: ArticleKind;
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
  /** Ingestion sequence (set by the store when first written): orders reports of the same date. */
  seq: number;
  /** ISO timestamp of the ingest that wrote this version. */
  updatedAt: string;
}

/** The article fields a Match or an excerpt carries, so a lookup needs no extra KV read. */
export type ArticleSummary = Pick<Article, 'id' | 'kind' | 'url' | 'title' | 'publisher' | 'published' | 'language'>;

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
  /** Attributed by a transcript's speaker turn (the whole turn is the speaker's words; no quotation marks). */
  turn?: boolean;
  /** A direct quote that is only a fragment inside the reporter's own sentence (`called it "a huge win"`). */
  partial?: boolean;
}

/** A paragraph-sized passage (`v2:excerpt:{id}`), stored with everything a lookup answer needs. */
export interface Excerpt {
  /** `{articleId}~{position}` */
  id: string;
  articleId: string;
  /** 0-based position in the article. */
  position: number;
  text: string;
  /** The deduplicated passage this excerpt is a copy of (`passageIdFor(text)`): identical text is indexed once. */
  passageId: string;
  quotes: Quote[];
  article: ArticleSummary;
  prevId?: string;
  nextId?: string;
  /** The passage of the next excerpt (a highlight across a paragraph break is aligned against both). */
  nextPassageId?: string;
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

/** A checkable claim (`v2:claim:{id}`), with its reviews. */
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
  reviews: Pick<Review, 'publisher' | 'url' | 'title' | 'textualRating' | 'explanation' | 'reviewDate'>[];
};

/* ---------- source formats (what ingestion reads) ---------- */

/**
 * The project's own article format (`*.json`): metadata plus the body as plain text, paragraphs
 * separated by blank lines. Everything but `title` and `body` may be omitted.
 */
export interface ArticleSource {
  id?: string;
  /** `primary` or `report` (default). */
  kind?: ArticleKind;
  /**
   * A primary record's speaker when the document is all theirs (prepared remarks, a speech, their
   * own post): every paragraph not otherwise attributed is theirs. Transcripts name theirs per turn.
   */
  speaker?: string;
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
export type MeaningChange = 'negation' | 'number' | 'time' | 'quantifier' | 'opposite' | 'modality' | 'intensity';
export const MEANING_CHANGES: readonly MeaningChange[] = ['negation', 'number', 'time', 'quantifier', 'opposite', 'modality', 'intensity'];

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
  /** True when any difference changes meaning (see MeaningChange). */
  altered: boolean;
  claims: ClaimSummary[];
  /**
   * When the highlight runs on into the next excerpt (`quote` then ends at the end of this one): the
   * rest of the span, in that excerpt's own characters.
   */
  continuation?: { excerptId: string; exact: string; start: number; end: number };
  /** The original these words come from: the speaker's own record, else the earliest report. */
  source: SourceRef;
  /** How often and in what wordings reports print these words. */
  appearances: Appearances;
  /** True when the selector's `url` is one of the appearances (that page is then never its own source). */
  thisPage: boolean;
  /** Set when the highlight's context or page credits the words to someone other than the original's speaker. */
  speakerMismatch?: { credited: string; original: string };
}

/* ---------- provenance ---------- */

/** Where an original sits: a primary passage, or the earliest report holding the words. */
export interface SourceRef {
  kind: 'primary' | 'earliest-report';
  article: ArticleSummary;
  excerpt: { id: string; text: string; position: number };
  /** The original's words: `excerpt.text.slice(start, end)`. */
  exact: string;
  start: number;
  end: number;
  speaker?: Speaker;
  /** In an answer: where the highlighted words sit in `excerpt.text` (they may be part of the original or run past it). */
  highlight?: { start: number; end: number };
}

/** One print of a quotation in a report. */
export interface Appearance {
  articleId: string;
  excerptId: string;
  url: string;
  title: string;
  publisher: string;
  /** The report's publication date ('' when unknown). */
  published: string;
  /** The words as this report prints them. */
  wording: string;
}

/** One distinct wording of a quotation (normalised words equal = same wording). */
export interface Variant {
  wording: string;
  count: number;
  /** Word-level differences from the original (offsets in `SourceRef.excerpt.text`). */
  differences: Difference[];
  altered: boolean;
  /** True when this is the original's own wording. */
  original: boolean;
  /** Publication date of its first print ('' unknown). */
  since: string;
}

export interface Appearances {
  /** Reports printing these words. */
  count: number;
  /** The earliest few (by publication date, then ingestion order). */
  first: Appearance[];
  /** Distinct wordings, most printed first (at most MAX_VARIANTS; `otherWordings` counts the rest). */
  variants: Variant[];
  /** How many distinct wordings there are in all. */
  wordings: number;
}

/**
 * One record per quotation: the same words said once (`v2:quotation:{id}`), derived from its members
 * (every report quote that prints it, `v2:qm:{id}:{n}`) and its anchor (the primary passage holding it).
 */
export interface Quotation {
  id: string;
  original: SourceRef;
  appearances: Appearances;
  /** The earliest print in another article than the original's (the source shown to the original's own page). */
  alternate?: SourceRef;
  /** The primary passage the original sits in, when it is anchored in one. */
  anchorPassageId?: string;
  /** Highest ingestion sequence among members (a newer member can be added without rereading the others). */
  maxSeq?: number;
}

/** A report quote that prints a quotation (stored in the quotation's member chunks, never read by lookups). */
export interface QuotationMember extends Appearance {
  /** Offsets of the quoted words in the member excerpt. */
  start: number;
  end: number;
  speaker?: Speaker;
  /** Ingestion sequence, the tie-break between reports of the same date. */
  seq: number;
}

/**
 * A deduplicated passage (`v2:passage:{id}`): one record and one set of index entries for every
 * excerpt with the same normalised text, however many articles print it.
 */
export interface Passage {
  id: string;
  /** The best copy (primary first, then earliest date, then ingestion order), in full. */
  head: Excerpt;
  /** How many excerpts are copies of it, and how many of those are in primary records. */
  copies: number;
  primaryCopies: number;
  /** The first few copies (same order as `head`), for `thisPage` and the card. */
  first: PassageCopy[];
}

export interface PassageCopy {
  excerptId: string;
  articleId: string;
  kind: ArticleKind;
  url: string;
  title: string;
  publisher: string;
  published: string;
  seq: number;
}

export interface LookupResponse {
  matches: Match[];
}

/** The page record (store/page.ts): which article is published at a URL and which passages it prints. */
export interface PageRecord {
  article: ArticleSummary;
  /** The page's passages in reading order. */
  passages: string[];
  /** Passage id → the page's excerpt that prints it. */
  excerpts: Record<string, string>;
}
