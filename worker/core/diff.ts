/**
 * Misquote detection: the word-level edits from the source wording to the highlighted text, taken
 * from a match's alignment, each flagged when it changes meaning (negation added or removed, a
 * number changed, a date or time changed, a quantifier changed, an opposite, another modal strength
 * or hedge, another degree on a scale: see meaning.ts). Pure.
 *
 * Edges are read as a reader would: the alignment may end anywhere in the source for free, so a
 * changed last word comes out of it as an added word ("Added 'war'", "peace" lost) and a word added
 * before the first one can come out as the previous sentence's last word changed. `differencesOf`
 * pairs a trailing (leading) addition with the source words that follow (precede) it in the same
 * sentence, and reads a substitution across a sentence boundary at either edge as an addition.
 */
import { align, prepare, type Alignment, type Op } from './match';
import { lexicalChange } from './meaning';
import { tokenize, type Token } from './normalise';
import type { Difference, MeaningChange } from './types';

const NEGATORS = new Set(['not', 'no', 'never', 'nor', 'neither', 'none', 'nobody', 'nothing', 'nowhere', 'noone', 'cannot', 'without', 'nope', "ain't"]);
/** "didn't", "can't", "won't", "dont" (apostrophe dropped, as people type it). */
const NEGATED_CONTRACTION = /n't$|^(?:dont|doesnt|didnt|cant|wont|isnt|arent|wasnt|werent|shouldnt|wouldnt|couldnt|havent|hasnt|hadnt|mustnt|neednt)$/;

export function isNegation(word: string): boolean {
  return NEGATORS.has(word) || NEGATED_CONTRACTION.test(word);
}

const NUMBER_WORDS = new Set(
  (
    'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen ' +
    'eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million ' +
    'millions billion billions trillion trillions dozen dozens first second third fourth fifth sixth seventh eighth ' +
    'ninth tenth once twice double triple half quarter percent'
  ).split(' '),
);

export function isNumberish(word: string): boolean {
  return /\p{N}/u.test(word) || NUMBER_WORDS.has(word);
}

/** Words that say when: months, weekdays, relative days ("tomorrow" is a time, not a number). "may" and "march" are left to context: they are verbs far more often. */
const TIME_WORDS = new Set(
  (
    'january february april june july august september october november december ' +
    'jan feb apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday ' +
    'yesterday today tomorrow tonight morning afternoon evening night week weekend month year decade century'
  ).split(' '),
);

export function isTimeWord(word: string): boolean {
  return TIME_WORDS.has(word);
}

const QUANTIFIERS = new Set(
  (
    'all every each any some many much most more less least fewer few several both either whole entire only ' +
    'always usually often sometimes rarely seldom occasionally everyone everybody everything somebody someone ' +
    'something majority minority nearly almost hardly barely mostly partly completely totally entirely fully ' +
    'largely'
  ).split(' '),
);

export function isQuantifier(word: string): boolean {
  return QUANTIFIERS.has(word);
}

/** Prefixes that negate a word ("unsatisfied", "dishonest", "impossible", "nonviable"). */
const NEGATING_PREFIX = /^(un|in|im|il|ir|dis|non-?)(.{4,})$/;

/**
 * Words negated by a prefix whose bare form the other side has: "was unsatisfied" and "wasn't
 * satisfied" say the same, so the prefix counts as the other side's "not" (only then: "unable" alone
 * is not a negation of anything in particular).
 */
function affixNegations(words: string[], other: string[]): number {
  const bare = new Set(other);
  let n = 0;
  for (const w of words) {
    const m = NEGATING_PREFIX.exec(w);
    if (m && bare.has(m[2])) n++;
  }
  return n;
}

/** Why replacing `source` words by `quoted` words changes meaning, if it does. */
export function meaningOf(source: string[], quoted: string[]): MeaningChange | undefined {
  const neg = (ws: string[]) => ws.filter(isNegation).length + affixNegations(ws, ws === source ? quoted : source);
  if (neg(source) !== neg(quoted)) return 'negation';
  // A negation moved into a prefix ("wasn't satisfied" for "was unsatisfied") is no opposite either:
  // the rest is compared without the negations and the prefixed word.
  if (affixNegations(source, quoted) || affixNegations(quoted, source)) {
    const plain = (ws: string[], other: string[]) =>
      ws.filter((w) => !isNegation(w)).map((w) => ((m) => (m && other.includes(m[2]) ? m[2] : w))(NEGATING_PREFIX.exec(w)));
    [source, quoted] = [plain(source, quoted), plain(quoted, source)];
  }
  const nums = (ws: string[]) => ws.filter(isNumberish).join(' ');
  if (nums(source) !== nums(quoted)) return 'number';
  const times = (ws: string[]) => ws.filter(isTimeWord).join(' ');
  if (times(source) !== times(quoted)) return 'time';
  const qs = (ws: string[]) => ws.filter(isQuantifier).join(' ');
  if (qs(source) !== qs(quoted)) return 'quantifier';
  return lexicalChange(source, quoted);
}

/** A sentence or paragraph ends between these two offsets of `text`. */
const boundaryBetween = (text: string, from: number, to: number) => /[.!?\n]/.test(text.slice(from, to));

/**
 * The alignment's operations with the edges read right (see the header): a trailing run of added
 * words is paired with the source words right after the span, a leading run with those right before
 * it, while they stay in the sentence; a substitution separated from the rest by a sentence end is an
 * addition.
 */
function edgesReadRight(alignment: Alignment, source: Token[], sourceText: string): Op[] {
  const ops = alignment.ops.slice();
  const firstS = ops.findIndex((o) => o.s !== undefined && o.kind !== 'skip');
  if (firstS < 0) return ops;
  let lastS = ops.length - 1;
  while (ops[lastS].s === undefined || ops[lastS].kind === 'skip') lastS--;
  // A substitution at the very start or end whose source word is cut off by a sentence end: the
  // highlight added a word there (reported against the next / previous word inside the span).
  while (firstS < lastS && ops[firstS].kind === 'sub') {
    const next = ops.slice(firstS + 1).find((o) => o.s !== undefined);
    if (!next || !boundaryBetween(sourceText, source[ops[firstS].s!].end, source[next.s!].start)) break;
    ops[firstS] = { kind: 'ins', q: ops[firstS].q };
    return edgesReadRight({ ...alignment, ops }, source, sourceText);
  }
  if (lastS > firstS && ops[lastS].kind === 'sub') {
    const prev = ops
      .slice(0, lastS)
      .reverse()
      .find((o) => o.s !== undefined);
    if (prev && boundaryBetween(sourceText, source[prev.s!].end, source[ops[lastS].s!].start)) {
      ops[lastS] = { kind: 'ins', q: ops[lastS].q };
      return edgesReadRight({ ...alignment, ops }, source, sourceText);
    }
  }
  // Trailing additions → replacements of the words that follow in the source, same sentence only.
  let end = ops.length;
  while (end > 0 && ops[end - 1].kind === 'ins') end--;
  let nextS = ops[lastS].s! + 1;
  for (let k = end; k < ops.length && nextS < source.length; k++, nextS++) {
    const t = source[nextS];
    if (t.gap || boundaryBetween(sourceText, source[nextS - 1].end, t.start)) break;
    ops[k] = { kind: 'sub', q: ops[k].q, s: nextS };
  }
  // Leading additions → replacements of the words just before, nearest first.
  let start = 0;
  while (start < ops.length && ops[start].kind === 'ins') start++;
  let prevS = ops[firstS].s! - 1;
  for (let k = start - 1; k >= 0 && prevS >= 0; k--, prevS--) {
    const t = source[prevS];
    if (t.gap || boundaryBetween(sourceText, t.end, source[prevS + 1].start)) break;
    ops[k] = { kind: 'sub', q: ops[k].q, s: prevS };
  }
  return ops;
}

/**
 * Differences from an alignment: consecutive edits grouped into one insert / delete / replace, with
 * the text on each side in its original characters. Words skipped under a gap of the highlight
 * (an ellipsis) are elided, not misquoted, and are not listed; typos are listed as replacements.
 */
export function differencesOf(alignment: Alignment, source: Token[], sourceText: string, query: Token[], queryText: string): Difference[] {
  const out: Difference[] = [];
  let run: { s: number[]; q: number[] } | null = null;
  let lastSourceEnd = alignment.from < source.length ? source[alignment.from].start : sourceText.length;
  const flush = (nextSourceStart: number) => {
    if (!run) return;
    const sWords = run.s.map((k) => source[k]);
    const qWords = run.q.map((k) => query[k]);
    const kind = sWords.length === 0 ? 'insert' : qWords.length === 0 ? 'delete' : 'replace';
    const sourceStart = sWords.length ? sWords[0].start : nextSourceStart;
    const sourceEnd = sWords.length ? sWords[sWords.length - 1].end : nextSourceStart;
    const diff: Difference = {
      kind,
      source: sWords.length ? sourceText.slice(sourceStart, sourceEnd) : '',
      quoted: qWords.length ? queryText.slice(qWords[0].start, qWords[qWords.length - 1].end) : '',
      sourceStart,
      sourceEnd,
    };
    const meaning = meaningOf(
      sWords.map((t) => t.norm),
      qWords.map((t) => t.norm),
    );
    if (meaning) diff.meaning = meaning;
    out.push(diff);
    run = null;
  };
  const ops = edgesReadRight(alignment, source, sourceText);
  const firstSource = ops.find((o) => o.s !== undefined)?.s;
  if (firstSource !== undefined) lastSourceEnd = source[firstSource].start;
  for (const op of ops) {
    if (op.kind === 'match' || op.kind === 'skip') {
      const at = op.s !== undefined ? source[op.s].start : lastSourceEnd;
      flush(at);
      if (op.s !== undefined) lastSourceEnd = source[op.s].end;
      continue;
    }
    run ??= { s: [], q: [] };
    if (op.s !== undefined) run.s.push(op.s);
    if (op.q !== undefined) run.q.push(op.q);
  }
  flush(lastSourceEnd);
  return out;
}

/** True when any difference changes meaning. */
export const isAltered = (differences: Difference[]) => differences.some((d) => d.meaning !== undefined);

/**
 * Word-level differences between a source passage and a quotation of it, aligned as a lookup would
 * (the quotation anywhere inside the source). For tests, the CLI and callers with both texts at hand.
 */
export function diffWords(sourceText: string, quotedText: string): Difference[] {
  const source = tokenize(sourceText);
  const query = prepare(tokenize(quotedText));
  const [best] = align(query, source, 1);
  if (!best) return [];
  return differencesOf(best, source, sourceText, query.tokens, quotedText);
}

/**
 * A negation left out just before the highlight: the source says "No sympathy, …" and the highlight
 * starts at "sympathy". When the word right before the span, in the same clause, is a negator that
 * the selector's prefix does not show either, the highlight drops it: a `delete` that changes
 * meaning. (With the page's prefix ending in that negator, the reader just selected less.)
 */
export function droppedLeadingNegation(source: Token[], from: number, sourceText: string, prefix: Token[] | undefined): Difference | null {
  const before = source[from - 1];
  if (!before || before.gap || !isNegation(before.norm)) return null;
  const between = sourceText.slice(before.end, source[from].start);
  if (/[.!?;:]/.test(between)) return null;
  const lastPrefixWord = prefix?.filter((t) => !t.gap).at(-1);
  if (lastPrefixWord && lastPrefixWord.norm === before.norm) return null;
  return {
    kind: 'delete',
    source: sourceText.slice(before.start, before.end),
    quoted: '',
    sourceStart: before.start,
    sourceEnd: before.end,
    meaning: 'negation',
  };
}
