/**
 * Direct and indirect quotation extraction with speaker attribution, over an article's paragraphs.
 *
 * Direct quotes are spans in double quotation marks (straight " or curly “ ” „ « »); single quotes
 * inside them are nested quotes and stay part of the span. A paragraph whose quote is still open at
 * its end continues into the next paragraph when that one opens with a quotation mark (news style).
 * Speakers come from the attribution next to the quote (`"…," X said`, `"…," said X`,
 * `X said: "…"`, `X told reporters …`, `according to X`), else from an earlier quote in the same
 * paragraph, else from the nearest attribution in the paragraph, else (for a paragraph that is all
 * quote) from the speaker of the paragraph before.
 */
import type { Speaker } from '../types';
import { findFullNames, parseSpeakerPhrase, SpeakerTracker, type ParsedSpeakerPhrase } from './speakers';

export interface ExtractedQuote {
  /** Index of the paragraph (excerpt position). */
  paragraph: number;
  start: number;
  end: number;
  text: string;
  kind: 'direct' | 'indirect';
  speaker?: Speaker;
  cue?: string;
  /** Quotes that are parts of one quotation (interrupted or spanning paragraphs) share a group. */
  group: number;
}

const OPENERS = new Set(['“', '„', '«', '"']);
const CLOSERS = new Set(['”', '»', '"']);

const VERBS =
  'said|says|say|told|tells|added|adds|asked|asks|stated|states|explained|explains|noted|notes|wrote|writes|declared|' +
  'insisted|insists|argued|argues|continued|continues|remarked|replied|replies|responded|responds|claimed|claims|warned|warns|' +
  'announced|acknowledged|acknowledges|admitted|admits|conceded|suggested|suggests|recalled|recalls|tweeted|tweets|joked|quipped|' +
  'urged|urges|observed|commented|cautioned|emphasized|emphasised|stressed|complained|predicted|pointed out|went on|' +
  'reported|reports|testified|shouted|yelled|posted|vowed|promised|boasted|lamented|mused|concluded|countered|charged|' +
  'alleged|asserted|maintained|contended|confirmed|denied|proclaimed|wondered|exclaimed|says|chimed in|put it|' +
  'wrote in|explained|thinks|believes|believed|thought|predicts|told reporters';
const ADVERBS = '(?:(?:also|further|later|then|again|previously|once|recently|repeatedly|simply|just|famously|reportedly|has|had|have|would|will|has also|had also)\\s+)';
const VERB_RE = new RegExp(`\\b(${VERBS})\\b`, 'g');

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
  let carry = false; // a quote is open at the end of the previous paragraph
  for (let p = 0; p < paragraphs.length; p++) {
    const text = paragraphs[p];
    const firstMark = text.search(/\S/u);
    const continues = carry && firstMark >= 0 && OPENERS.has(text[firstMark]);
    if (carry && !continues) carry = false;
    let open = -1;
    let straight = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (open < 0) {
        if (ch === '"' ? isOpeningStraight(text, i) : ch === '“' || ch === '„' || ch === '«') {
          open = i;
          straight = ch === '"';
        }
      } else if (CLOSERS.has(ch) && (ch !== '"' || straight || true)) {
        if (ch === '"' && !straight && isOpeningStraight(text, i) && text.indexOf('”', i) > i) continue;
        pushSpan(p, open, i, false);
        open = -1;
      } else if ((ch === '“' || ch === '„') && /\s/u.test(text[i - 1] ?? ' ') && !straight) {
        // A new opening mark while one is open: the earlier quote was never closed; end it before this one.
        pushSpan(p, open, i, false);
        open = i;
      }
    }
    if (open >= 0) {
      pushSpan(p, open, text.length, true);
      carry = true;
    } else carry = false;
  }
  return spans;

  function pushSpan(p: number, open: number, close: number, runsOn: boolean) {
    const text = paragraphs[p];
    let start = open + 1;
    let end = close;
    while (start < end && /\s/u.test(text[start])) start++;
    // Trailing comma or spaces inside the marks (`"…," he said`) are punctuation, not the speaker's words.
    while (end > start && /[\s,]/u.test(text[end - 1])) end--;
    const prev = spans[spans.length - 1];
    const continued = !!prev && prev.paragraph === p - 1 && prev.close === paragraphs[p - 1].length && open === text.search(/\S/u);
    if (end <= start) return;
    spans.push({ paragraph: p, start, end, open, close, group: continued ? prev.group : ++group, continued });
    void runsOn;
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
}

/** Replaces quoted words by '_' (same length) so attribution search never looks inside quotes. */
function maskQuotes(text: string, spans: RawSpan[]): string {
  const chars = [...text.split('')];
  for (const s of spans) for (let i = s.start; i < s.end; i++) chars[i] = '_';
  return chars.join('');
}

const SENTENCE_END = /[.!?]["”’)]?\s+(?=["“„«(]?\p{Lu})/gu;

function sentenceStartBefore(masked: string, at: number, floor: number): number {
  let start = floor;
  SENTENCE_END.lastIndex = floor;
  for (let m = SENTENCE_END.exec(masked); m && m.index + m[0].length <= at; m = SENTENCE_END.exec(masked)) {
    // "Mr. Obama", "Sen. Kaine", "U.S. officials": abbreviations are not sentence ends.
    const word = masked.slice(Math.max(0, m.index - 4), m.index + 1);
    if (/(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Lt|Col|Jr|Sr|No|vs|U\.S|\p{Lu})\.)$/u.test(word)) continue;
    start = m.index + m[0].length;
  }
  return start;
}

/** Finds every attribution (speech verb + speaker phrase) in a paragraph's masked text. */
function findSpeechEvents(masked: string, spans: RawSpan[]): SpeechEvent[] {
  const events: SpeechEvent[] = [];
  const closes = spans.map((s) => s.close);
  for (const m of masked.matchAll(VERB_RE)) {
    const verbStart = m.index!;
    let verbEnd = verbStart + m[0].length;
    let cue = m[0];
    const told = /^\s+(reporters|journalists|the [A-Z][\w.]+(?: [A-Z][\w.]+)*|[A-Z][\w.]+(?: [A-Z][\w.]+)*|me|us|him|her|them)\b/.exec(masked.slice(verbEnd));
    if (m[0] === 'told' && told) {
      cue = `told ${told[1]}`;
      verbEnd += told[0].length;
    }
    // Subject before the verb: from the sentence start or the last quote's closing mark.
    const floor = Math.max(0, ...closes.filter((c) => c < verbStart).map((c) => c + 1));
    const sentenceStart = sentenceStartBefore(masked, verbStart, floor);
    let before = masked.slice(sentenceStart, verbStart);
    const adverbs = new RegExp(`${ADVERBS}+$`, 'i').exec(before);
    if (adverbs) before = before.slice(0, adverbs.index);
    let phrase: ParsedSpeakerPhrase | undefined;
    let from = sentenceStart + before.length - before.trimStart().length;
    if (/_/.test(before)) before = before.slice(before.lastIndexOf('_') + 1);
    const trimmed = before.replace(/^[\s"“”„«»,]+/u, '').trimEnd();
    if (trimmed.endsWith(',')) {
      // "Medinsky, an aide to the Russian president, said": name, then appositive role.
      const parts = trimmed.slice(0, -1).split(',');
      if (parts.length >= 2) phrase = parseSpeakerPhrase(parts[parts.length - 2], parts[parts.length - 1]);
      if (phrase && /\b(?:which|who|that|when|where|if|as|but)\b/i.test(parts[parts.length - 1].split(' ').slice(0, 2).join(' '))) {
        phrase = parseSpeakerPhrase(parts[parts.length - 2]);
      }
    } else if (trimmed) {
      const parts = trimmed.split(',');
      const last = parts[parts.length - 1];
      if (last.trim().split(/\s+/).length <= 16) phrase = parseSpeakerPhrase(last);
    }
    if (!phrase || (phrase.kind === 'nominal' && /^[a-z]/.test(phrase.text) && phrase.text.split(' ').length > 5)) {
      // "…," said Vladimir Medinsky, an aide to the Russian president.
      const after = /^\s+((?:[\p{Lu}][\p{L}\p{M}'’.-]*\s*){1,6}|(?:the|a|an)\s+[\p{L}\s.-]{1,60}?)(?:,\s*((?:a|an|the)\s+[^,.;]{1,120}?)\s*[,.;]|(?=[,.;:]|$))/u.exec(
        masked.slice(verbEnd),
      );
      const rightAfterQuote = /^[\s,—–-]*$/u.test(masked.slice(floor, verbStart)) && floor > 0;
      if (after && (rightAfterQuote || !phrase)) {
        const inverted = parseSpeakerPhrase(after[1], after[2]);
        if (inverted && inverted.kind !== 'pronoun') {
          phrase = inverted;
          from = verbStart;
          verbEnd += after[0].length;
        }
      }
      if (!phrase || (phrase.kind === 'nominal' && phrase.text.split(' ').length > 5)) continue;
    }
    const rest = masked.slice(verbEnd);
    const clause = /^\s+(?:that\s+)?(?=[\p{Ll}\p{Lu}])/u.exec(rest);
    events.push({ from, to: verbEnd, cue, phrase, clauseStart: clause ? verbEnd + clause[0].length : undefined });
  }
  for (const m of masked.matchAll(/\b[Aa]ccording to ((?:the\s+)?[\p{Lu}][^,.;:_]{1,80}?)(?=[,.;:]|$)/gu)) {
    events.push({ from: m.index!, to: m.index! + m[0].length, cue: 'according to', phrase: parseSpeakerPhrase(m[1]) });
  }
  return events.sort((a, b) => a.from - b.from);
}

const MIN_UNATTRIBUTED_WORDS = 4;

/** Extracts direct quotes (and simple indirect "X said that …" reports) with speakers from paragraphs. */
export function extractQuotes(paragraphs: string[]): ExtractedQuote[] {
  const tracker = new SpeakerTracker();
  for (const p of paragraphs) for (const name of findFullNames(p)) tracker.noteName(name);
  const spans = findQuoteSpans(paragraphs);
  const out: ExtractedQuote[] = [];
  const groupSpeaker = new Map<number, { speaker?: Speaker; cue?: string }>();
  let lastParagraphWithSpeaker = -10;

  for (let p = 0; p < paragraphs.length; p++) {
    const text = paragraphs[p];
    const here = spans.filter((s) => s.paragraph === p);
    const masked = maskQuotes(text, here);
    const lastBefore = tracker.last;
    const events = findSpeechEvents(masked, here);
    for (const e of events) e.speaker = tracker.resolve(e.phrase);

    let previous: { speaker?: Speaker; cue?: string; close: number; by?: SpeechEvent } | undefined;
    for (const span of here) {
      const closeEnd = span.close + 1;
      const gap = (a: number, b: number) => masked.slice(a, b);
      // (a) attribution right after the closing mark: `"…," X said` / `"…," said X`.
      let found = events.find((e) => e.from >= closeEnd && /^[\s,;:—–-]*$/u.test(gap(closeEnd, e.from)) && e.speaker);
      // (b) attribution before the opening mark in the same sentence: `X said: "…"`, `X said the plan was "…"`.
      if (!found) {
        const sentenceStart = sentenceStartBefore(masked, span.open, 0);
        found = [...events].reverse().find((e) => e.to <= span.open && e.from >= sentenceStart && e.speaker && !/_/.test(gap(e.to, span.open)));
      }
      let speaker = found?.speaker;
      let cue = found?.cue;
      // (c) same group (interrupted or multi-paragraph quote) or an earlier quote in this paragraph.
      if (!speaker && groupSpeaker.get(span.group)?.speaker) ({ speaker, cue } = groupSpeaker.get(span.group)!);
      if (!speaker && previous?.speaker && !events.some((e) => e !== previous!.by && e.from > previous!.close && e.to < span.open)) ({ speaker, cue } = previous);
      // (d) the nearest attribution elsewhere in the paragraph.
      if (!speaker) {
        const withSpeaker = events.filter((e) => e.speaker);
        const nearest = withSpeaker.sort((a, b) => Math.abs(a.from - span.open) - Math.abs(b.from - span.open))[0];
        if (nearest) ({ speaker, cue } = nearest);
      }
      // (e) a paragraph that opens with a quote and names nobody: the speaker of the paragraph before.
      if (!speaker && !events.length && span.open === text.search(/\S/u) && lastBefore && lastParagraphWithSpeaker >= p - 1) {
        speaker = { ...lastBefore };
      }
      const words = text.slice(span.start, span.end).split(/\s+/).length;
      if (!speaker && words < MIN_UNATTRIBUTED_WORDS && !span.continued) continue; // scare quotes, titles, nicknames
      const q: ExtractedQuote = { paragraph: p, start: span.start, end: span.end, text: text.slice(span.start, span.end), kind: 'direct', group: span.group };
      if (speaker) q.speaker = speaker;
      if (cue) q.cue = cue;
      out.push(q);
      if (speaker) {
        groupSpeaker.set(span.group, { speaker, cue });
        lastParagraphWithSpeaker = p;
      }
      previous = { speaker, cue, close: span.close, by: found };
    }
    // Propagate a group's speaker back to its earlier parts (attribution often follows the last paragraph).
    for (const q of out) if (!q.speaker && groupSpeaker.get(q.group)?.speaker) Object.assign(q, groupSpeaker.get(q.group));

    // Indirect reports outside quotation marks: `X said (that) the delegations had agreed …`.
    for (const e of events) {
      if (!e.speaker || e.clauseStart === undefined || /^according/.test(e.cue)) continue;
      if (e.speaker) lastParagraphWithSpeaker = p;
      const end = masked.slice(e.clauseStart).search(/[.!?](?:\s|$)|[“"_]/u);
      const stop = end < 0 ? masked.length : e.clauseStart + end;
      const clause = text.slice(e.clauseStart, stop).trim();
      if (clause.split(/\s+/).length < 4 || /["“”_]/u.test(masked.slice(e.clauseStart, stop))) continue;
      out.push({ paragraph: p, start: e.clauseStart, end: e.clauseStart + clause.length, text: clause, kind: 'indirect', speaker: e.speaker, cue: e.cue, group: -1 });
    }
  }
  return out.sort((a, b) => a.paragraph - b.paragraph || a.start - b.start);
}
