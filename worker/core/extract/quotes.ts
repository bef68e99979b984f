/**
 * Direct and indirect quotation extraction with speaker attribution, over an article's paragraphs.
 *
 * Direct quotes are spans in double quotation marks (straight " or curly “ ” „ « »); single quotes
 * inside them are nested quotes and stay part of the span. A paragraph whose quote is still open at
 * its end continues into the next paragraph when that one opens with a quotation mark (news style).
 * Speakers come from small named rules (ATTRIBUTION_RULES, below, each with its example), tried in
 * order, the first that names someone deciding: the attribution right after the quote (`"…," X said`,
 * `"…," said X`), a dash signature (`"…" — X`), the attribution before it in the same sentence
 * (`X said: "…"`, `X told reporters "…"`, `according to X`), an attribution ending the previous
 * paragraph with a colon (`X said:`), the other parts of the same quotation, an earlier quote in the
 * same paragraph, the nearest attribution in the paragraph, and, for a paragraph that is all quote,
 * the previous paragraph's speaker.
 * Pronouns ("he said") resolve to the most recent person of matching gender (speakers and sentence
 * subjects); surnames to the full name seen earlier.
 */
import { runToEnd, type Sliced } from '../slices';
import type { Speaker } from '../types';
import { findFullNames, findRolesBeforeNames, parseSpeakerPhrase, SpeakerTracker, type ParsedSpeakerPhrase } from './speakers';

export interface ExtractedQuote {
  /** Index of the paragraph (excerpt position). */
  paragraph: number;
  start: number;
  end: number;
  text: string;
  kind: 'direct' | 'indirect';
  /** A fragment quoted inside the reporter's sentence (`called it "a huge win"`), not a full quotation. */
  partial?: boolean;
  speaker?: Speaker;
  cue?: string;
  /** Quotes that are parts of one quotation (interrupted or spanning paragraphs) share a group. */
  group: number;
}

const CLOSERS = new Set(['”', '»', '"']);

const VERBS =
  'said|says|say|told|tells|added|adds|asked|asks|stated|states|explained|explains|noted|notes|wrote|writes|declared|declares|' +
  'insisted|insists|argued|argues|continued|continues|remarked|replied|replies|responded|responds|claimed|claims|warned|warns|' +
  'announced|announces|acknowledged|acknowledges|admitted|admits|conceded|concedes|suggested|suggests|recalled|recalls|' +
  'tweeted|tweets|joked|jokes|quipped|urged|urges|observed|commented|cautioned|emphasized|emphasised|stressed|complained|' +
  'predicted|pointed out|went on|reported|reports|testified|shouted|yelled|posted|vowed|promised|boasted|lamented|mused|' +
  'concluded|countered|charged|alleged|asserted|maintained|contended|confirmed|denied|proclaimed|wondered|exclaimed|' +
  'demanded|demands|sings|sang|reads|retorted|snapped|scolded|chided|pleaded|begged|interjected|recounted|reiterated|' +
  'repeated|offered|opined|assured|threatened|whispered|screamed|cried|mentioned|' +
  'shot back|fired back|summed up|' +
  'saying|asking|adding|noting|writing|telling|explaining|arguing|insisting|warning|declaring|tweeting|calling it|' +
  'stating|claiming|joking|complaining|urging|pointing out|recalling|suggesting|replying|responding|' +
  'called|calls|calling|described|describes|describing|dubbed|termed|labeled|labelled|branded';
/** Verbs that frame a quoted fragment ("called it "a disaster"") but do not report speech on their own. */
const NAMING_VERBS = /^(?:called|calls|calling|described|describes|describing|dubbed|termed|labeled|labelled|branded)$/i;
const ADVERBS =
  '(?:(?:also|further|later|then|again|previously|once|recently|repeatedly|simply|just|famously|reportedly|has|had|have|would|will|once|often|angrily|bluntly|flatly|quietly)\\s+)';
const VERB_RE = new RegExp(`\\b(${VERBS})\\b`, 'gi');
/** Verb forms that take their speaker after them in "…," said X. */
const INVERTIBLE =
  /^(?:said|says|added|adds|asked|asks|wrote|writes|continued|explained|noted|replied|recalled|insisted|argued|declared|warned|quipped|joked|stated|observed|remarked|responded|countered|demanded|according to)$/i;

interface RawSpan {
  paragraph: number;
  /** Offsets of the quoted words (marks excluded). */
  start: number;
  end: number;
  /** Offsets of the marks (open = index of opening mark; close = index of closing mark or text length). */
  open: number;
  close: number;
  group: number;
  /** True when the quote continues from the previous paragraph. */
  continued: boolean;
}

function isOpeningStraight(text: string, i: number): boolean {
  const prev = i === 0 ? ' ' : text[i - 1];
  const next = text[i + 1] ?? ' ';
  return /[\s([{—–\-/:]/u.test(prev) && !/\s/u.test(next);
}

/** Finds double-quoted spans in every paragraph; groups quotes that run on across paragraphs. */
export function findQuoteSpans(paragraphs: string[]): RawSpan[] {
  const spans: RawSpan[] = [];
  let group = 0;
  for (let p = 0; p < paragraphs.length; p++) {
    const text = paragraphs[p];
    let open = -1;
    let straight = false;
    /** German-style „…“ closes with “. */
    let low = false;
    /** A curly quotation nested in a straight-quoted one ("… the question: “As you know …?” …"). */
    let nested = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (open < 0) {
        if (ch === '"' ? isOpeningStraight(text, i) : ch === '“' || ch === '„' || ch === '«') {
          open = i;
          straight = ch === '"';
          low = ch === '„';
          nested = false;
        }
      } else if (low && ch === '“') {
        pushSpan(p, open, i);
        open = -1;
      } else if (straight && (ch === '“' || ch === '„' || ch === '«')) {
        nested = true;
      } else if (straight && nested && (ch === '”' || ch === '»')) {
        nested = false;
      } else if (CLOSERS.has(ch)) {
        // A straight mark that looks like an opening one inside a curly quote is a nested quote's mark.
        if (ch === '"' && !straight && isOpeningStraight(text, i) && text.indexOf('”', i) > i) continue;
        pushSpan(p, open, i);
        open = -1;
      } else if ((ch === '“' || ch === '„') && /\s/u.test(text[i - 1] ?? ' ') && !straight) {
        // A new opening mark while one is open: the earlier quote was never closed; end it before this one.
        pushSpan(p, open, i);
        open = i;
      }
    }
    if (open >= 0) pushSpan(p, open, text.length);
  }
  return spans;

  function pushSpan(p: number, open: number, close: number) {
    const text = paragraphs[p];
    let start = open + 1;
    let end = close;
    while (start < end && /\s/u.test(text[start])) start++;
    // Trailing comma or spaces inside the marks (`"…," he said`) are punctuation, not the speaker's words.
    while (end > start && /[\s,]/u.test(text[end - 1])) end--;
    if (end <= start) return;
    const prev = spans[spans.length - 1];
    // Continues the previous paragraph's quote when that one ran to its end unclosed and this paragraph opens with a mark.
    const continued = !!prev && prev.paragraph === p - 1 && prev.close === paragraphs[p - 1].length && open === text.search(/\S/u);
    spans.push({ paragraph: p, start, end, open, close, group: continued ? prev.group : ++group, continued });
  }
}

/** One attribution found in a paragraph: a speech verb with its subject (or object, for "said X"). */
interface SpeechEvent {
  /** Where the attribution phrase starts and ends (subject … verb, or verb … name). */
  from: number;
  to: number;
  cue: string;
  phrase: ParsedSpeakerPhrase | undefined;
  speaker?: Speaker;
  /** Offset where a reported clause starts, for "X said (that) …" outside quotation marks. */
  clauseStart?: number;
  /** A reported clause before the attribution: "The talks will resume, he said." */
  clauseBefore?: { start: number; end: number };
}

/** Replaces quoted words by '_' and parentheticals by spaces (same length) so attribution search sees only the frame. */
function maskQuotes(text: string, spans: RawSpan[]): string {
  const chars = text.split('');
  for (const s of spans) for (let i = s.start; i < s.end; i++) chars[i] = '_';
  return chars.join('').replace(/\([^()_]{0,80}\)/g, (m) => ' '.repeat(m.length));
}

const SENTENCE_END = /[.!?]["”’)]?\s+(?=["“„«(]?\p{Lu})/gu;
const ABBREVIATION = /(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Lt|Col|Jr|Sr|No|vs|Sept|Oct|Nov|Dec|Jan|Feb|Aug|U\.S|\p{Lu})\.)$/u;

/** Sentence starts in a (masked) paragraph. */
function sentenceStarts(masked: string): number[] {
  const starts = [0];
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(masked); m; m = SENTENCE_END.exec(masked)) {
    // "Mr. Obama", "Sen. Kaine", "U.S. officials": abbreviations are not sentence ends.
    if (ABBREVIATION.test(masked.slice(Math.max(0, m.index - 4), m.index + 1))) continue;
    starts.push(m.index + m[0].length);
  }
  return starts;
}

const startBefore = (starts: number[], at: number, floor = 0) => Math.max(floor, ...starts.filter((s) => s <= at));

const RELATIVE = /(?:^|[\s,])(?:who|which|that)\s*$/i;

const PRONOUN_SUBJECT = /^(he|she|they|we|i)\b/i;
/** What an appositive after a name starts with: "an aide to …", "25" (an age), "R-Ky." (party and state). */
const APPOSITIVE_START = /^\s*(?:a|an|the|one|now|also|who|\p{Ll}|\p{N}|[RDI]-\p{Lu})/u;
/** A participle going on with the speech ("said Mr. Guterres, adding:", ", noting that …") is no role. */
const CONTINUING_PARTICIPLE = /^\s*\p{Ll}+ing(?:\s+that\b|\s*$)/u;

/** The subject opening a clause: a pronoun or a person's name ("Trump attacked Clinton …" → Trump). */
function leadingSubject(clause: string): ParsedSpeakerPhrase | undefined {
  const text = clause.replace(/^[\s"“”„«»_]+/u, '');
  const pronoun = /^(he|she|they|we|i)\b/i.exec(text);
  if (pronoun) return parseSpeakerPhrase(pronoun[1]);
  const name = /^((?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.\s+)?\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){0,3})/u.exec(text);
  if (!name || SENTENCE_OPENERS.has(name[1].split(/\s+/)[0].toLowerCase())) return undefined;
  const parsed = parseSpeakerPhrase(name[1]);
  return parsed?.kind === 'name' ? parsed : undefined;
}

/** Subject phrase in the text before a speech verb: "X", "X, an aide to …,", "Opening the session, X". */
function subjectPhrase(before: string): ParsedSpeakerPhrase | undefined {
  let trimmed = before.replace(/^[\s"“”„«»,_]+/u, '').trimEnd();
  // "Clinton, who said …" / "an architect who said …": the subject is the phrase before the relative pronoun.
  if (RELATIVE.test(trimmed)) trimmed = trimmed.replace(RELATIVE, '').replace(/,\s*$/, '').trimEnd();
  if (!trimmed) return undefined;
  if (trimmed.endsWith(',')) {
    // "Medinsky, an aide to the Russian president, said": the first comma part that names someone and
    // is followed by an appositive ("Scott Pruitt, the attorney general of Oklahoma, one of …, said").
    const parts = trimmed.slice(0, -1).split(/[,―—–]/);
    for (let i = 0; i < parts.length - 1; i++) {
      if (!APPOSITIVE_START.test(parts[i + 1])) continue;
      const parsed = parseSpeakerPhrase(parts[i], parts[i + 1]);
      if (parsed?.kind === 'name' || parsed?.kind === 'pronoun') return parsed;
    }
    return leadingSubject(parts[parts.length - 1]) ?? parseSpeakerPhrase(parts[parts.length - 1]);
  }
  const last = trimmed
    .split(/[,;:―—–]/)
    .pop()!
    .trim();
  // "To which she said", "I laughed and said": a pronoun right before the verb.
  const trailingPronoun = /(?:^|\s)(he|she|they|we|i)$/i.exec(last);
  if (trailingPronoun) return parseSpeakerPhrase(trailingPronoun[1]);
  // "She then urges her husband … and repeatedly says": the pronoun is the subject of both verbs.
  const pronoun = PRONOUN_SUBJECT.exec(last);
  if (pronoun && last.split(/\s+/).length > 1) return parseSpeakerPhrase(pronoun[1]);
  if (last.split(/\s+/).length > 16) return undefined;
  return parseSpeakerPhrase(last);
}

const PREPOSITION = /\s+(?:of|for|in|on|at|during|after|before|when|while|who|from|to|with|as|about|via|through)\s/g;

/** The speaker after an inverted verb: "said Rep. Jim Clyburn, the assistant leader …", "wrote Cameron Easley for Morning Consult". */
function invertedSpeaker(after: string): { phrase: ParsedSpeakerPhrase; length: number } | undefined {
  // Abbreviation dots ("Rep.", "G.K.") are not phrase ends: hide them while finding the phrase's end.
  const hidden = after.replace(/\b(\p{Lu}[\p{L}]{0,3})\.(?=\s*\p{Lu})/gu, '$1\u2024');
  const m = /^\s+([^,.;:!?_\n]{1,90}?)\s*(?=[,.;:!?_]|$)/u.exec(hidden);
  if (!m) return undefined;
  let np = m[1];
  // Cut at a preposition once the phrase already names someone ("Cameron Easley for Morning Consult").
  for (const p of np.matchAll(PREPOSITION)) {
    if (parseSpeakerPhrase(np.slice(0, p.index).replace(/\u2024/g, '.'))?.kind === 'name') {
      np = np.slice(0, p.index);
      break;
    }
  }
  np = np.replace(/\u2024/g, '.');
  let length = m[0].length;
  const appositive = /^,\s*([^,.;:_]{1,140}?)\s*(?=[,.;:]|$)/u.exec(after.slice(length));
  const role =
    appositive && APPOSITIVE_START.test(appositive[1]) && !/^\s*who\b/.test(appositive[1]) && !CONTINUING_PARTICIPLE.test(appositive[1])
      ? appositive[1]
      : undefined;
  const phrase = parseSpeakerPhrase(np, role);
  if (!phrase || phrase.kind === 'pronoun') return undefined;
  if (phrase.kind === 'nominal' && (!/^(?:the|a|an|one|\p{Lu})/iu.test(np.trim()) || np.split(/\s+/).length > 8)) return undefined;
  if (role) length += appositive![0].length;
  return { phrase, length };
}

/** Finds every attribution (speech verb + speaker phrase) in a paragraph's masked text. */
function findSpeechEvents(masked: string, spans: RawSpan[], starts: number[]): SpeechEvent[] {
  const events: SpeechEvent[] = [];
  const closes = spans.map((s) => s.close);
  for (const m of masked.matchAll(VERB_RE)) {
    const verbStart = m.index!;
    // "Said Ellis:" opens a sentence; a capitalised "States" inside one is a noun.
    if (/^\p{Lu}/u.test(m[0]) && !/(?:^|[.!?]["”’]?\s+|[“"]\s*)$/u.test(masked.slice(0, verbStart))) continue;
    let verbEnd = verbStart + m[0].length;
    let cue = m[0].toLowerCase();
    const told = /^\s+(reporters|journalists|the [A-Z][\w.]+(?: [A-Z][\w.]+)*|the [a-z]+|[A-Z][\w.]+(?: [A-Z][\w.]+)*|me|us|him|her|them|an? [a-z]+)\b/.exec(
      masked.slice(verbEnd),
    );
    if (/^(?:told|telling)$/i.test(m[0]) && told) {
      cue = `${cue} ${told[1]}`;
      verbEnd += told[0].length;
    }
    // Subject before the verb: from the sentence start or the last quote's closing mark.
    const floor = Math.max(0, ...closes.filter((c) => c < verbStart).map((c) => c + 1));
    const sentenceStart = startBefore(starts, verbStart, floor);
    let before = masked.slice(sentenceStart, verbStart);
    const adverbs = new RegExp(`${ADVERBS}+$`, 'i').exec(before);
    if (adverbs) before = before.slice(0, adverbs.index);
    let from = sentenceStart + before.length - before.trimStart().length;
    const rightAfterQuote = floor > 0 && /^[\s,—–-]*$/u.test(masked.slice(floor, verbStart));
    let phrase: ParsedSpeakerPhrase | undefined = rightAfterQuote && INVERTIBLE.test(m[0]) ? undefined : subjectPhrase(before);
    if (/ing$/.test(m[0]) && phrase?.kind !== 'name') {
      // "Trump attacked Clinton …, saying": the participle's speaker is the subject of its clause.
      const clauses = before.split(/[,;:―—–]/).filter((c) => c.trim());
      phrase = undefined;
      for (let i = clauses.length - 1; i >= 0 && !phrase; i--) phrase = leadingSubject(clauses[i]);
      if (!phrase) continue;
    }
    if (!phrase || (phrase.kind === 'nominal' && /^[a-z]/.test(phrase.text) && phrase.text.split(' ').length > 5)) {
      // "…," said Vladimir Medinsky, an aide to the Russian president.
      const inverted = (rightAfterQuote || !phrase) && INVERTIBLE.test(m[0]) ? invertedSpeaker(masked.slice(verbEnd)) : undefined;
      if (inverted) {
        phrase = inverted.phrase;
        from = verbStart;
        verbEnd += inverted.length;
      }
      if (!phrase || (phrase.kind === 'nominal' && phrase.text.split(' ').length > 5)) continue;
    }
    const rest = masked.slice(verbEnd);
    // "X said (that) the delegations had agreed …": the reported clause follows (not "said in a statement").
    const clause =
      /^\s+(?:that\s+)?(?!(?:in|on|at|during|after|before|last|this|early|late|earlier|later|when|while|of|to|with|about|yes|no|so|it|its|it's|through|via|from|for)\b)(?=[\p{Ll}\p{Lu}])/iu.exec(
        rest,
      );
    // "Traffic will be limited …, the highways office said (in a statement).": the clause precedes the subject.
    let clauseBefore: { start: number; end: number } | undefined;
    const lastComma = before.trimEnd().endsWith(',') ? -1 : before.lastIndexOf(',');
    const subjectStart = sentenceStart + lastComma + 1;
    if (!clause && lastComma > 0 && from < verbStart && /^[^.!?_]{0,60}[.!?]?\s*$/.test(rest.split(/(?<=[.!?])\s/)[0])) {
      const end = masked.slice(0, subjectStart).replace(/[\s,]+$/, '').length;
      if (!/[_"“”]/u.test(masked.slice(sentenceStart, end))) clauseBefore = { start: sentenceStart, end };
    }
    events.push({ from, to: verbEnd, cue, phrase, clauseStart: clause ? verbEnd + clause[0].length : undefined, clauseBefore });
  }
  for (const m of masked.matchAll(/\b[Aa]ccording to ((?:the\s+)?[\p{Lu}][^,.;:_]{1,80}?)(?=[,.;:]|$)/gu)) {
    events.push({ from: m.index!, to: m.index! + m[0].length, cue: 'according to', phrase: parseSpeakerPhrase(m[1]) });
  }
  return events.sort((a, b) => a.from - b.from);
}

const MIN_UNATTRIBUTED_WORDS = 4;
const MIN_PARTIAL_WORDS = 3;
/** Capitalised words that open sentences without naming anyone. */
const SENTENCE_OPENERS = new Set(
  (
    'his her their its our my your during after before following when while one two three four five this that these those ' +
    'there here it they we she he i but and so yet if as in on at for with from by to of about over under since until although ' +
    'though because what which who how why where ambitious retired former some many most several all both each every no not ' +
    'also still even only just then now today yesterday last next first later earlier meanwhile however instead indeed despite'
  ).split(/\s+/),
);
const VERB_BEFORE = new RegExp(`\\b(?:${VERBS})\\s*$`, 'i');

/**
 * A fragment woven into the reporter's sentence: the mark follows a word (not a cue verb, colon,
 * comma, dash or sentence start) and the quoted words do not end the sentence themselves.
 */
function isPartial(text: string, span: RawSpan): boolean {
  if (span.continued) return false;
  const before = text.slice(0, span.open).trimEnd();
  const verb = VERB_BEFORE.exec(before)?.[0].trim();
  if (!before || /[:,.!?;—–―([]$/u.test(before) || (verb && !NAMING_VERBS.test(verb))) return false;
  if (!/[\p{L}\p{N}'’]$/u.test(before)) return false;
  const inner = text.slice(span.start, span.close);
  // A full sentence quoted after a word ("he said the words "We will win."") still reads as a quotation.
  return !(/^\p{Lu}/u.test(inner) && /[.!?]\s*$/.test(inner) && inner.split(/\s+/).length >= 4);
}

const SMALL_WORDS = /^(?:a|an|the|of|on|in|to|for|and|or|at|by|with|from|de|la|le|vs\.?)$/i;

/** A short Title Case span that does not end a sentence is a name of a show, book or event, not a quotation. */
function isTitle(text: string, span: RawSpan): boolean {
  const afterPossessive = /['’]s\s*$/u.test(text.slice(0, span.open));
  // A title can end its sentence ("on CBS's "Face the Nation."") only right after a possessive.
  const inner = text.slice(span.start, span.end).replace(afterPossessive ? /[,;:.]+$/ : /[,;:]+$/, '');
  const words = inner.split(/\s+/);
  if (words.length > 7 || /[.!?]$/.test(inner)) return false;
  const capitalised = words.every((w, i) => /^[\p{Lu}\p{N}]/u.test(w) || (i > 0 && SMALL_WORDS.test(w)));
  if (!capitalised) return false;
  // A one-word capitalised quote is a title only after a possessive ("CNN's “State”") or a title cue.
  return (
    words.length > 1 || /(?:['’]s|\b(?:show|program|programme|book|film|movie|song|series|column|titled|called|entitled))\s*$/iu.test(text.slice(0, span.open))
  );
}

/** Paragraph offsets are made global (paragraph × this + offset) to order mentions across the article. */
const PARA = 1_000_000;

/* ---------- attribution rules ---------- */

/** Who said a quote, and the cue that says so; `by` is the attribution in this paragraph it came from, if any. */
export interface Attribution {
  speaker: Speaker;
  cue?: string;
  by?: SpeechEvent;
}

/** What attribution remembers from quote to quote and paragraph to paragraph of one article. */
interface ArticleMemory {
  tracker: SpeakerTracker;
  /** The speaker of each quotation (its parts share a group) once one part has one. */
  groups: Map<number, { speaker: Speaker; cue?: string }>;
  /** "X said:" ending the previous paragraph, which introduces a quote opening this one. */
  lead?: { speaker: Speaker; cue: string };
  /** The last paragraph with a speaker (a quote's, a lead's or an indirect report's), and that speaker. */
  lastParagraph: number;
  lastSpeaker?: Speaker;
}

/** One quoted span and what the rules may look at: its paragraph, the attributions in it, the quote before it. */
export interface QuoteContext {
  paragraph: number;
  text: string;
  /** The paragraph with quoted words masked (see maskQuotes). */
  masked: string;
  starts: number[];
  events: SpeechEvent[];
  /** Offset of the paragraph's first non-space character. */
  firstChar: number;
  span: RawSpan;
  /** The quote before this one in the paragraph (kept as a quotation), and how it was attributed. */
  previous?: { speaker?: Speaker; cue?: string; close: number; by?: SpeechEvent };
  memory: ArticleMemory;
}

/** A rule names the speaker of a quote, or passes (undefined) to the next rule. */
export type AttributionRule = (quote: QuoteContext) => Attribution | undefined;

/**
 * `"The road will reopen on Monday," Lena Brandt said.` — the attribution right after the closing
 * mark (`"…," X said`, `"…," said X`), with nothing but punctuation between. A quote closed by a
 * full stop ends its sentence: what follows it starts a new one.
 */
export const attributionAfter: AttributionRule = ({ text, masked, span, events }) => {
  if (/\.\s*$/.test(text.slice(span.start, span.close))) return undefined;
  const closeEnd = span.close + 1;
  const event = events.find((e) => e.from >= closeEnd && /^[\s,;:—–-]*$/u.test(masked.slice(closeEnd, e.from)) && e.speaker);
  return event && { speaker: event.speaker!, cue: event.cue, by: event };
};

/** `“We want the park to stay green for our children.” ― Mila Novak` — a dash signature after the closing mark. */
export const dashSignature: AttributionRule = ({ paragraph, masked, span, memory }) => {
  const closeEnd = span.close + 1;
  const dash = /^\s*[―—–-]\s*(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){0,4})/u.exec(masked.slice(closeEnd));
  const parsed = dash ? parseSpeakerPhrase(dash[1]) : undefined;
  if (parsed?.kind !== 'name') return undefined;
  const speaker = memory.tracker.resolve(parsed, paragraph * PARA + closeEnd);
  return speaker && { speaker, cue: '—' };
};

/**
 * `Mayor Ada Quist said: "The budget is balanced for the first time in ten years."` — the attribution
 * before the opening mark in the same sentence (`X said: "…"`, `X said the plan was "…"`), with no
 * other quote between them.
 */
export const attributionBefore: AttributionRule = ({ masked, starts, span, events }) => {
  const sentenceStart = startBefore(starts, span.open);
  const event = [...events].reverse().find((e) => e.to <= span.open && e.from >= sentenceStart && e.speaker && !/_/.test(masked.slice(e.to, span.open)));
  return event && { speaker: event.speaker!, cue: event.cue, by: event };
};

/** `Inspector Paul Aubert said:` ending one paragraph introduces the quote opening the next: `"We are asking anyone who saw the van to call us."` */
export const leadFromPreviousParagraph: AttributionRule = ({ span, firstChar, memory }) => (span.open === firstChar ? memory.lead : undefined);

/**
 * `"The ferry stays," Maren Holt said, "and we will publish the figures every month.` then a paragraph
 * opening `"If the numbers fall, we will come back to this in public."` — a later part of a quotation
 * (one running over paragraphs, or interrupted) has the speaker of its earlier part.
 */
export const sameQuotation: AttributionRule = ({ span, memory }) => {
  const group = memory.groups.get(span.group);
  return group?.speaker ? { speaker: group.speaker, cue: group.cue } : undefined;
};

/**
 * `"The bridge is safe," engineer Lea Moss said after the inspection. The crews left at noon. "We
 * checked every bolt twice."` — an unattributed quote follows the quote before it in the paragraph,
 * unless another attribution stands between them.
 */
export const earlierQuoteInParagraph: AttributionRule = ({ span, events, previous }) => {
  if (!previous?.speaker || events.some((e) => e !== previous.by && e.from > previous.close && e.to < span.open)) return undefined;
  return { speaker: previous.speaker, cue: previous.cue };
};

/**
 * `"The pier will close in May." Tove Lund confirmed the date on Monday.` — the nearest attribution
 * anywhere in the paragraph (here in the sentence after the quote's own).
 */
export const nearestAttribution: AttributionRule = ({ span, events }) => {
  const nearest = events.filter((e) => e.speaker).sort((a, b) => Math.abs(a.from - span.open) - Math.abs(b.from - span.open))[0];
  return nearest && { speaker: nearest.speaker!, cue: nearest.cue };
};

/**
 * `"The ferry is late again," Nora Beck said.` then a paragraph of its own: `"We waited two hours on the
 * quay in the rain."` — a paragraph that opens with a quote and names nobody continues the speaker
 * of the paragraph right before it.
 */
export const previousParagraphSpeaker: AttributionRule = ({ paragraph, span, events, firstChar, memory }) => {
  if (events.length || span.open !== firstChar || !memory.lastSpeaker || memory.lastParagraph !== paragraph - 1) return undefined;
  return { speaker: { ...memory.lastSpeaker } };
};

/** The rules in the order they are tried: the first that names a speaker decides. */
export const ATTRIBUTION_RULES: readonly AttributionRule[] = [
  attributionAfter,
  dashSignature,
  attributionBefore,
  leadFromPreviousParagraph,
  sameQuotation,
  earlierQuoteInParagraph,
  nearestAttribution,
  previousParagraphSpeaker,
];

/* ---------- extraction ---------- */

/** A tracker that knows every full name and every role given before a name in the article, for surnames and pronouns. */
function trackerFor(paragraphs: string[]): SpeakerTracker {
  const tracker = new SpeakerTracker();
  for (const p of paragraphs) {
    for (const name of findFullNames(p)) tracker.noteName(name);
    for (const { name, role } of findRolesBeforeNames(p)) tracker.noteRole(name, role);
  }
  return tracker;
}

/**
 * Resolves the speakers of a paragraph's attributions in text order, noting the people who open a
 * sentence as antecedents for later pronouns. A sentence opening with a phrase ("During a town
 * hall, Tina Houchins asked …") has its subject after the comma.
 */
function resolveSpeakers(tracker: SpeakerTracker, paragraph: number, masked: string, starts: number[], events: SpeechEvent[]): void {
  const clauseStarts = starts.flatMap((at) => {
    const opening = /^(?:\p{Lu}\p{Ll}*)\b[^,.!?_]{0,60},\s+/u.exec(masked.slice(at));
    return opening && SENTENCE_OPENERS.has(opening[0].split(/\s+/)[0].toLowerCase()) ? [at, at + opening[0].length] : [at];
  });
  const subjects = clauseStarts
    .map((at) => ({
      at,
      phrase: /^["“„«]?((?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.\s+)?\p{Lu}[\p{L}\p{M}'’-]+(?:\s+\p{Lu}[\p{L}\p{M}'’.-]+){0,3})\b/u.exec(masked.slice(at)),
    }))
    .filter((s) => s.phrase && !events.some((e) => e.from === s.at) && !SENTENCE_OPENERS.has(s.phrase[1].split(/\s+/)[0].toLowerCase()));
  const timeline = [
    ...events.map((e) => ({ at: e.from, event: e as SpeechEvent | undefined, subject: undefined as string | undefined })),
    ...subjects.map((s) => ({ at: s.at, event: undefined, subject: s.phrase![1] })),
  ].sort((a, b) => a.at - b.at);
  for (const item of timeline) {
    if (item.event) item.event.speaker = tracker.resolve(item.event.phrase, paragraph * PARA + item.at);
    else {
      const parsed = parseSpeakerPhrase(item.subject!);
      if (parsed?.kind === 'name' && tracker.isPersonName(parsed.text)) tracker.mention(parsed, paragraph * PARA + item.at);
    }
  }
}

/** The paragraph's direct quotes, each attributed by the first rule that names a speaker; scare quotes, titles and short fragments left out. */
function directQuotes(context: Omit<QuoteContext, 'span' | 'previous'>, spans: RawSpan[], rules: readonly AttributionRule[]): ExtractedQuote[] {
  const { paragraph, text, memory } = context;
  const out: ExtractedQuote[] = [];
  let previous: QuoteContext['previous'];
  for (const span of spans) {
    const quote = { ...context, span, previous };
    let attribution: Attribution | undefined;
    for (const rule of rules) if ((attribution = rule(quote))) break;
    const speaker = attribution?.speaker;
    const cue = attribution?.cue;
    const words = text.slice(span.start, span.end).split(/\s+/).length;
    if (!speaker && words < MIN_UNATTRIBUTED_WORDS && !span.continued) continue; // scare quotes, titles, nicknames
    if (isTitle(text, span)) continue; // “Fox News Sunday”, MSNBC's “Morning Joe”
    const partial = isPartial(text, span);
    if (partial && words < MIN_PARTIAL_WORDS) continue; // a "scare-quoted" word or two is emphasis, not a quotation
    const q: ExtractedQuote = { paragraph, start: span.start, end: span.end, text: text.slice(span.start, span.end), kind: 'direct', group: span.group };
    if (partial) q.partial = true;
    if (speaker) q.speaker = speaker;
    if (cue) q.cue = cue;
    out.push(q);
    if (speaker) {
      memory.groups.set(span.group, { speaker, cue });
      memory.lastParagraph = paragraph;
      memory.lastSpeaker = speaker;
    }
    previous = { speaker, cue, close: span.close, by: attribution?.by };
  }
  return out;
}

/**
 * Reports outside quotation marks: `X said (that) the delegations had agreed …` and `The talks will
 * resume on Friday, the mediator said.` (four words at least).
 */
function indirectReports({ paragraph, text, masked, events, memory }: Omit<QuoteContext, 'span' | 'previous'>): ExtractedQuote[] {
  const out: ExtractedQuote[] = [];
  for (const e of events) {
    if (!e.speaker || /ing$/.test(e.cue) || NAMING_VERBS.test(e.cue)) continue;
    if (e.clauseBefore) {
      const clause = text.slice(e.clauseBefore.start, e.clauseBefore.end);
      if (clause.split(/\s+/).length >= 4) {
        out.push({
          paragraph,
          start: e.clauseBefore.start,
          end: e.clauseBefore.end,
          text: clause,
          kind: 'indirect',
          speaker: e.speaker,
          cue: e.cue,
          group: -1,
        });
      }
    }
    if (e.clauseStart === undefined || /^according/.test(e.cue)) continue;
    memory.lastParagraph = paragraph;
    memory.lastSpeaker = e.speaker;
    const end = masked.slice(e.clauseStart).search(/[.!?](?:\s|$)|[“"_]/u);
    const stop = end < 0 ? masked.length : e.clauseStart + end;
    const clause = text.slice(e.clauseStart, stop).trim();
    if (clause.split(/\s+/).length < 4 || /["“”_]/u.test(masked.slice(e.clauseStart, stop))) continue;
    out.push({
      paragraph,
      start: e.clauseStart,
      end: e.clauseStart + clause.length,
      text: clause,
      kind: 'indirect',
      speaker: e.speaker,
      cue: e.cue,
      group: -1,
    });
  }
  return out;
}

/**
 * Extracts direct quotes (and simple indirect "X said that …" reports) with speakers from paragraphs.
 * `rules` are the attribution rules tried in order (ATTRIBUTION_RULES; tests leave one out to see what it decides).
 */
export function extractQuotes(paragraphs: string[], rules: readonly AttributionRule[] = ATTRIBUTION_RULES): ExtractedQuote[] {
  return runToEnd(extractQuotesSteps(paragraphs, rules));
}

/**
 * Paragraphs read between two slice boundaries (core/slices.ts) of `extractQuotesSteps`. The largest
 * article the API takes (163 transcript paragraphs, npm run bench faults) takes 15–25 ms here in Node
 * with the code warm — ~0.1 ms a paragraph — and several times that on an isolate's first publish,
 * where building its records was one 115–120 ms block under `wrangler dev`; 8 paragraphs are then a
 * few milliseconds.
 */
export const QUOTE_PARAGRAPHS_PER_SLICE = 8;

/** `extractQuotes` as slices (the coordinator runs it with turns of the event loop between them): same result. */
export function* extractQuotesSteps(paragraphs: string[], rules: readonly AttributionRule[] = ATTRIBUTION_RULES): Sliced<ExtractedQuote[]> {
  // The two passes over the whole article are slices of their own.
  const memory: ArticleMemory = { tracker: trackerFor(paragraphs), groups: new Map(), lastParagraph: -10 };
  yield;
  const spans = findQuoteSpans(paragraphs);
  yield;
  const out: ExtractedQuote[] = [];
  for (let p = 0; p < paragraphs.length; p++) {
    if (p % QUOTE_PARAGRAPHS_PER_SLICE === QUOTE_PARAGRAPHS_PER_SLICE - 1) yield;
    const text = paragraphs[p];
    const here = spans.filter((s) => s.paragraph === p);
    const masked = maskQuotes(text, here);
    const starts = sentenceStarts(masked);
    const events = findSpeechEvents(masked, here, starts);
    resolveSpeakers(memory.tracker, p, masked, starts, events);
    const context = { paragraph: p, text, masked, starts, events, firstChar: text.search(/\S/u), memory };
    out.push(...directQuotes(context, here, rules));
    // A quotation's speaker named only by a later part (often after its last paragraph) goes back to its earlier parts.
    for (const q of out) if (!q.speaker && memory.groups.get(q.group)?.speaker) Object.assign(q, memory.groups.get(q.group));
    // An attribution that ends the paragraph with a colon (or nothing after it) leads into the next paragraph.
    const closing = [...events].reverse().find((e) => e.speaker && /^\s*[:,]?\s*$/.test(masked.slice(e.to)));
    memory.lead = closing ? { speaker: closing.speaker!, cue: closing.cue } : undefined;
    if (closing) {
      memory.lastParagraph = p;
      memory.lastSpeaker = closing.speaker;
    }
    out.push(...indirectReports(context));
  }
  return out.sort((a, b) => a.paragraph - b.paragraph || a.start - b.start);
}
